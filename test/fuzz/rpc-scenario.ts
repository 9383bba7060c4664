/**
 * Scenarios of a hostile OVSDB peer, for property tests of RpcConnection: the client sends
 * requests (some with deadlines or abort signals) while the peer answers with replies to real
 * and invented ids in every shape, notifications, requests of its own, garbage and closes,
 * each cut into chunks anywhere. `playScenario` plays one over an in-memory transport and
 * reports what became of every request.
 */
import fc from 'fast-check';
import { RpcConnection } from '../../src/rpc/connection.js';
import { MemoryTransport } from '../rpc/memory-transport.js';
import { chunked, cuts, jsonValue } from './json-stream.js';
import { referenceSplit } from './reference-splitter.js';

/** One thing that happens during a scenario. */
export type Step =
  | { kind: 'request'; method: string; params: unknown[]; timeoutMs?: number; abortable: boolean }
  | { kind: 'abort'; which: number }
  | { kind: 'reply'; which: number; body: ReplyBody; at: number[] }
  | { kind: 'stray-reply'; id: unknown; body: ReplyBody; at: number[] }
  | { kind: 'notification'; method: string; params: unknown; at: number[] }
  | { kind: 'server-request'; id: unknown; method: string; params: unknown; at: number[] }
  | { kind: 'json'; value: unknown; at: number[] }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'tick' }
  | { kind: 'sleep'; ms: number }
  | { kind: 'peer-close'; withError: boolean }
  | { kind: 'close'; withError: boolean };

/** The members of a reply besides `id`, as the peer sends them (a missing one is left out). */
export interface ReplyBody {
  result?: unknown;
  error?: unknown;
  extra?: unknown;
}

// Methods with a known reply shape (checked by the connection) and without.
const method = fc.constantFrom(
  'echo',
  'transact',
  'list_dbs',
  'get_schema',
  'monitor_cond',
  'lock',
  'x_fuzz',
  'y',
);

const replyBody: fc.Arbitrary<ReplyBody> = fc.oneof(
  jsonValue.map((result) => ({ result, error: null })),
  jsonValue.map((error) => ({ result: null, error })),
  fc.record({ result: jsonValue, error: jsonValue }),
  fc.record({ result: jsonValue }),
  fc.record({ error: jsonValue }),
  fc.record({ result: jsonValue, error: fc.constant(null), extra: jsonValue }),
  fc.constant({}),
);

const anyId = fc.oneof(
  fc.integer({ min: -2, max: 40 }),
  fc.constantFrom(0.5, 2 ** 53, 1e300, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  jsonValue,
);

const params = fc.oneof(
  { arbitrary: fc.array(jsonValue, { maxLength: 3 }), weight: 4 },
  { arbitrary: jsonValue, weight: 1 },
);

const request = fc.record({
  kind: fc.constant('request' as const),
  method,
  params: fc.array(jsonValue, { maxLength: 3 }),
  timeoutMs: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  abortable: fc.boolean(),
});
const reply = fc.record({ kind: fc.constant('reply' as const), which: fc.nat(), body: replyBody, at: cuts });
const abort = fc.record({ kind: fc.constant('abort' as const), which: fc.nat() });
const tick = fc.constant({ kind: 'tick' as const });
const sleep = fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 1, max: 4 }) });
const notificationMethod = fc.oneof(method, fc.constantFrom('update2', 'update3', 'locked', 'stolen'));

/** Steps of a peer that breaks no rule of the protocol (its replies may still be errors). */
const politeStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: request, weight: 5 },
  { arbitrary: reply, weight: 6 },
  { arbitrary: abort, weight: 1 },
  { arbitrary: tick, weight: 4 },
  { arbitrary: sleep, weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('notification' as const),
      method: notificationMethod,
      params: fc.array(jsonValue, { maxLength: 3 }),
      at: cuts,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('server-request' as const),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
      method: fc.constant('echo'),
      params: fc.array(jsonValue, { maxLength: 3 }),
      at: cuts,
    }),
    weight: 1,
  },
);

/** Any step, hostile ones included: stray replies, bad messages, garbage, closes. */
const hostileStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: politeStep, weight: 12 },
  {
    arbitrary: fc.record({ kind: fc.constant('stray-reply' as const), id: anyId, body: replyBody, at: cuts }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('notification' as const),
      method: notificationMethod,
      params,
      at: cuts,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('server-request' as const),
      id: anyId,
      method: fc.oneof({ arbitrary: fc.constant('echo'), weight: 4 }, { arbitrary: method, weight: 1 }),
      params,
      at: cuts,
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('json' as const), value: jsonValue, at: cuts }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('peer-close' as const), withError: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('close' as const), withError: fc.boolean() }), weight: 1 },
);

/** A scenario: connection options and the steps. */
export interface Scenario {
  readonly maxInFlight: number;
  readonly maxFrameBytes: number;
  readonly steps: Step[];
}

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  maxInFlight: fc.integer({ min: 1, max: 4 }),
  maxFrameBytes: fc.oneof(fc.constant(1 << 20), fc.integer({ min: 64, max: 256 })),
  steps: fc.oneof(fc.array(politeStep, { maxLength: 40 }), fc.array(hostileStep, { maxLength: 40 })),
});

/** What became of one request. */
export type Outcome =
  | { state: 'pending' }
  | { state: 'resolved'; value: unknown }
  | { state: 'rejected'; error: unknown };

/** One request of a scenario and what became of it. */
export interface PlayedRequest {
  readonly id: number;
  readonly method: string;
  /** How many params it was sent with. */
  readonly params: number;
  outcome: Outcome;
  /** Bodies of the replies the peer sent to this id (while the connection was open). */
  readonly replies: ReplyBody[];
}

/** What a played scenario left behind. */
export interface Played {
  readonly conn: RpcConnection;
  readonly transport: RecordingTransport;
  readonly requests: PlayedRequest[];
  /** Errors of the 'close' events, in order. */
  readonly closeEvents: Array<Error | undefined>;
  /** True when a close was caused with an error the scenario made (not the library's). */
  readonly injectedError: boolean;
  /** Server requests sent while the connection was open: id and params. */
  readonly serverRequests: Array<{ id: unknown; params: unknown }>;
}

/** A MemoryTransport that keeps every byte the peer sent, to tell where the stream stands. */
export class RecordingTransport extends MemoryTransport {
  readonly received: Buffer[] = [];

  override receive(data: string | Buffer): void {
    this.received.push(Buffer.from(data));
    super.receive(data);
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(
  transport: MemoryTransport,
  conn: RpcConnection,
  text: string | Buffer,
  at: readonly number[],
): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (const chunk of chunked(bytes, at)) {
    if (conn.closed) return;
    transport.receive(chunk);
  }
}

// JSON.stringify leaves a member whose value is undefined out, which is what a missing one means.
function replyText(id: unknown, body: ReplyBody): string {
  return JSON.stringify({ id, result: body.result, error: body.error, extra: body.extra });
}

/** `body` as the connection reads it off the wire (prototypes, -0 and undefined gone). */
function asSent(body: ReplyBody): ReplyBody {
  const wire = JSON.parse(replyText(0, body)) as ReplyBody;
  return { result: wire.result, error: wire.error };
}

/** Plays `scenario` on a fresh connection; resolves once every step has run. */
export async function playScenario(s: Scenario): Promise<Played> {
  const transport = new RecordingTransport();
  const conn = new RpcConnection(transport, { maxInFlight: s.maxInFlight, maxFrameBytes: s.maxFrameBytes });
  const requests: PlayedRequest[] = [];
  const aborts: AbortController[] = [];
  const started: Array<{ readonly written: boolean }> = [];
  const closeEvents: Array<Error | undefined> = [];
  const serverRequests: Array<{ id: unknown; params: unknown }> = [];
  let injectedError = false;
  conn.on('close', (error) => closeEvents.push(error));
  conn.onNotification(() => {});
  for (const st of s.steps) {
    switch (st.kind) {
      case 'request': {
        const abort = new AbortController();
        const request = conn.start(st.method, st.params, {
          ...(st.timeoutMs !== undefined ? { timeoutMs: st.timeoutMs } : {}),
          ...(st.abortable ? { signal: abort.signal } : {}),
        });
        const played: PlayedRequest = {
          id: request.id as number,
          method: st.method,
          params: st.params.length,
          outcome: { state: 'pending' },
          replies: [],
        };
        request.response.then(
          (value) => {
            played.outcome = { state: 'resolved', value };
          },
          (error: unknown) => {
            played.outcome = { state: 'rejected', error };
          },
        );
        requests.push(played);
        started.push(request);
        aborts.push(abort);
        break;
      }
      case 'abort':
        aborts[st.which % Math.max(1, aborts.length)]?.abort(new Error('fuzz abort'));
        break;
      case 'reply': {
        // To a request that went out: one that did not is a stray reply, which has its own step.
        const target = requests[st.which % Math.max(1, requests.length)];
        if (target === undefined || !started[requests.indexOf(target)]?.written) break;
        if (!conn.closed) target.replies.push(asSent(st.body));
        send(transport, conn, replyText(target.id, st.body), st.at);
        break;
      }
      case 'stray-reply': {
        const target = typeof st.id === 'number' ? requests.find((r) => r.id === st.id) : undefined;
        if (target !== undefined && !conn.closed) target.replies.push(asSent(st.body));
        send(transport, conn, replyText(st.id, st.body), st.at);
        break;
      }
      case 'notification':
        send(transport, conn, JSON.stringify({ id: null, method: st.method, params: st.params }), st.at);
        break;
      case 'server-request':
        // As the connection reads them off the wire (no prototypes, no -0).
        if (!conn.closed) serverRequests.push(JSON.parse(JSON.stringify({ id: st.id, params: st.params })));
        send(transport, conn, JSON.stringify({ id: st.id, method: st.method, params: st.params }), st.at);
        break;
      case 'json':
        send(transport, conn, JSON.stringify(st.value), st.at);
        break;
      case 'bytes':
        if (!conn.closed) transport.receive(Buffer.from(st.bytes));
        break;
      case 'tick':
        await nextTurn();
        break;
      case 'sleep':
        await delay(st.ms);
        break;
      case 'peer-close':
        if (!conn.closed && st.withError) injectedError = true;
        transport.handlers?.close(st.withError ? new Error('fuzz: connection reset') : undefined);
        break;
      case 'close':
        if (!conn.closed && st.withError) injectedError = true;
        conn.close(st.withError ? new Error('fuzz: closed by the user') : undefined);
        break;
    }
  }
  return { conn, transport, requests, closeEvents, injectedError, serverRequests };
}

/** True when the peer's bytes so far end inside a frame. */
export function midFrame(transport: RecordingTransport): boolean {
  return referenceSplit(Buffer.concat(transport.received), Number.MAX_SAFE_INTEGER).buffered > 0;
}

/**
 * Answers every written, unanswered request as a server would, until none is left or the
 * connection closes (a peer that left a frame unfinished hangs up instead); resolves false
 * when requests were still pending after `rounds` turns.
 */
export async function answerTheRest(played: Played, rounds = 50): Promise<boolean> {
  const { conn, transport, requests } = played;
  for (let round = 0; round < rounds; round++) {
    await nextTurn();
    const open = requests.filter((r) => r.outcome.state === 'pending');
    if (open.length === 0 || conn.closed) return requests.every((r) => r.outcome.state !== 'pending');
    // A reply sent now would only extend the frame the peer left unfinished: it hangs up instead.
    if (midFrame(transport)) {
      transport.handlers?.close();
      continue;
    }
    const written = new Set(transport.frames().map((f) => f.id));
    for (const r of open) {
      if (!written.has(r.id) || conn.closed) continue;
      const body = { result: fittingResult(r.method, r.params), error: null };
      r.replies.push(body);
      transport.receive(Buffer.from(replyText(r.id, body)));
    }
  }
  return requests.every((r) => r.outcome.state !== 'pending');
}

/** A result of the shape a reply to `method` with `params` params has (see src/rpc/reply-shapes.ts). */
export function fittingResult(method: string, params: number): unknown {
  switch (method) {
    case 'echo':
    case 'list_dbs':
      return [];
    case 'transact':
      // One result per operation, the database name aside; null: not run.
      return new Array(Math.max(0, params - 1)).fill(null);
    case 'lock':
      return { locked: true };
    default:
      return {};
  }
}
