/**
 * Frames to messages: a frame's text parsed whole, or a big segmented frame's outline with its
 * rows left for later when the request it answers asked for that, parsed whole otherwise.
 * Every failure is a {@link BadFrameError}, which closes the connection.
 */
import type { OvsdbMessage } from './codec.js';
import { BadFrameError } from './rpc-errors.js';
import { lazyResult, type SegmentedFrame } from './segmented-frame.js';

function badJson(cause: unknown, details?: unknown): BadFrameError {
  if (cause instanceof BadFrameError) return cause;
  return new BadFrameError(
    'received a frame that is not valid JSON',
    details === undefined ? { cause } : { cause, details },
  );
}

/** The message in frame `text`. */
export function messageOfText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw badJson(cause, text.slice(0, 200));
  }
}

/** Where a monitor notification carries its table updates: `update3` has the txn id before them. */
const UPDATES_PARAM: ReadonlyMap<unknown, number> = new Map([
  ['update', 1],
  ['update2', 1],
  ['update3', 2],
]);

/**
 * The message in big frame `frame`: a reply to a request for which `wantsLazy(id)` holds gets
 * a lazy result (its rows parsed on demand), and so do the table updates of a monitor
 * notification (`update`, `update2`, `update3`: the client parses them whole for whoever needs
 * them so); any other message is parsed whole.
 */
export function messageOfSegmentedFrame(frame: SegmentedFrame, wantsLazy: (id: number) => boolean): unknown {
  try {
    const msg = frame.outline() as OvsdbMessage;
    const result = msg.result;
    if (typeof msg.id === 'number' && result !== null && result !== undefined && wantsLazy(msg.id)) {
      msg.result = lazyResult(frame, result);
      return msg;
    }
    const at = UPDATES_PARAM.get(msg.method);
    const params = msg.params;
    if (at !== undefined && Array.isArray(params) && params.length === at + 1) {
      const updates = params[at];
      return {
        ...msg,
        params: params.map((p, k) => (k === at ? lazyResult(frame, updates) : frame.materialize(p))),
      };
    }
    return frame.materialize(msg);
  } catch (cause) {
    throw badJson(cause);
  }
}
