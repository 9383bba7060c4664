/**
 * Property tests of the segmented path: big frames handed over undecoded with the ranges of
 * their deep values (onSegmentedFrame with a tiny segmentMinBytes, so every frame qualifies),
 * read back whole (messageOfSegmentedFrame), lazily (a reply's rows on demand) and over
 * several turns (parsePiecewise). Every way of reading a frame must give what JSON.parse
 * gives for its text, or refuse it with BadFrameError, as the plain path does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { OvndbError } from '../../src/errors.js';
import { isLazyReply } from '../../src/protocol/lazy-reply.js';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { messageOfSegmentedFrame } from '../../src/rpc/incoming-frame.js';
import { parsePiecewise } from '../../src/rpc/piecewise-parse.js';
import { BadFrameError } from '../../src/rpc/rpc-errors.js';
import { LazyElements, LazyMembers, type SegmentedFrame } from '../../src/rpc/segmented-frame.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import {
  chunked,
  cuts,
  type FrameStream,
  frameStream,
  frameValueWithoutNul,
  jsonValueWithoutNul,
  mutate,
  mutation,
} from './json-stream.js';

/** A frame as delivered: whole text, or segmented. */
type Delivered = { text: string } | { segmented: SegmentedFrame };

function splitSegmented(chunks: readonly Buffer[], segmentDepth: number, segmentMinBytes: number) {
  const frames: Delivered[] = [];
  const splitter = new JsonFrameSplitter({
    maxFrameBytes: 1 << 20,
    segmentDepth,
    segmentMinBytes,
    onFrame: (text) => frames.push({ text }),
    onSegmentedFrame: (segmented) => frames.push({ segmented }),
  });
  for (const chunk of chunks) {
    try {
      splitter.push(chunk);
    } catch (error) {
      assert.ok(error instanceof OvndbError, String(error));
      return { frames, error };
    }
  }
  return { frames, error: undefined };
}

/** `fn()`'s value, or the error it threw. */
function outcome(fn: () => unknown): { value: unknown } | { error: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

/** A segmented frame read whole agrees with JSON.parse of its text, or both refuse it. */
function readsAsJsonParse(frame: SegmentedFrame): void {
  const text = outcome(() => frame.text());
  const got = outcome(() => messageOfSegmentedFrame(frame, () => false));
  if ('error' in got) assert.ok(got.error instanceof BadFrameError, String(got.error));
  if ('error' in text) {
    assert.ok(text.error instanceof BadFrameError, String(text.error));
    assert.ok('error' in got, 'a frame that is not UTF-8 was read');
    return;
  }
  const want = outcome(() => JSON.parse(text.value as string));
  if ('error' in want) assert.ok('error' in got, `invalid JSON was read: ${text.value as string}`);
  else assert.deepEqual(got, want);
}

/** Every placeholder of a lazy reply resolved the way the replica reads them. */
function readLazily(root: unknown, resolve: (v: unknown) => unknown): unknown {
  if (typeof root === 'string' && root.charCodeAt(0) === 0) {
    const value = resolve(root);
    if (value instanceof LazyMembers) {
      const out: Record<string, unknown> = {};
      for (let k = 0; k < value.size; k++) {
        Object.defineProperty(out, value.key(k), {
          value: value.value(k),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    if (value instanceof LazyElements) return Array.from({ length: value.size }, (_, k) => value.value(k));
    return value;
  }
  if (Array.isArray(root)) return root.map((v) => readLazily(v, resolve));
  if (root !== null && typeof root === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(root)) {
      Object.defineProperty(out, k, {
        value: readLazily(v, resolve),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return root;
}

/** Frame `bytes` read as the replica reads a big reply: lazily, row by row; as JSON.parse, or BadFrameError. */
function readsLazilyAsJsonParse(bytes: Buffer, depth: number): void {
  const { frames } = splitSegmented([bytes], depth, 0);
  for (const frame of frames) {
    if (!('segmented' in frame)) continue;
    const msg = outcome(() => messageOfSegmentedFrame(frame.segmented, () => true));
    if ('error' in msg) {
      assert.ok(msg.error instanceof BadFrameError, String(msg.error));
      continue;
    }
    const result = (msg.value as { result?: unknown }).result;
    if (!isLazyReply(result)) continue;
    const got = outcome(() => readLazily(result.root, (v) => result.resolve(v)));
    if ('error' in got) {
      assert.ok(got.error instanceof BadFrameError, `not a BadFrameError: ${String(got.error)}`);
    } else {
      const want = outcome(() => (JSON.parse(frame.segmented.text()) as { result: unknown }).result);
      assert.deepEqual(got, want, 'a lazy read differs from JSON.parse of the frame');
    }
  }
}

const uuid = fc.uuid();
const row = fc.record({
  name: fc.string({ maxLength: 6 }),
  ports: fc.array(
    uuid.map((u) => ['uuid', u]),
    { maxLength: 3 },
  ),
});

/**
 * Monitor replies whose table objects or sets are wide enough (256 values) to be read member by
 * member or element by element. Not shrunk: every step of shrinking 300 rows would parse them
 * all again, for minutes, and the failing row is easier to find in the seed's replay.
 */
const wideReply = fc.noShrink(
  fc
    .tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.uniqueArray(uuid, { minLength: 250, maxLength: 300 }),
      row,
      fc.array(jsonValueWithoutNul, { maxLength: 2 }),
    )
    .map(([id, uuids, sample, extra]) => ({
      id,
      result: {
        Logical_Switch: Object.fromEntries(uuids.map((u, i) => [u, { initial: { ...sample, n: i } }])),
        Big: { [uuids[0] as string]: { initial: { ports: ['set', uuids.map((u) => ['uuid', u])] } } },
        extra,
      },
      error: null,
    })),
);

/** Frames of any JSON (no string starting with NUL), or a wide monitor reply. */
const validFrames = fc.oneof(
  { arbitrary: frameStream(frameValueWithoutNul), weight: 4 },
  { arbitrary: frameStream(wideReply, 1), weight: 1 },
);

/** A wide monitor reply, perhaps damaged. */
const damagedReply = fc
  .tuple(frameStream(wideReply, 1), fc.array(mutation, { maxLength: 2 }))
  .map(([stream, mutations]) => mutate(stream.bytes, mutations).bytes);
/** One JSON frame, perhaps damaged. */
const damagedValue = fc
  .tuple(frameStream(frameValueWithoutNul, 1), fc.array(mutation, { maxLength: 2 }))
  .map(([stream, mutations]) => mutate(Buffer.from(stream.texts[0] as string), mutations).bytes);

/** A reply whose one row (cut out at depth 5) is not valid JSON. */
const BAD_ROW = '{"id":1,"result":{"T":{"u":{"initial":{"a":[1,,2]}}}},"error":null}';

/** A stream of one frame, `text`, for an example. */
function streamOf(text: string): FrameStream {
  const bytes = Buffer.from(text);
  return { values: [], texts: [text], bytes, ends: [bytes.length] };
}

/** Segment depths that cut rows (4), row contents (5) and set elements (8) of `wideReply`. */
const segmentDepth = fc.constantFrom(2, 3, 4, 5, 8);
const segmentMinBytes = fc.integer({ min: 0, max: 64 });

describe('fuzz: segmented frames', { timeout: fuzzTimeout(40_000) }, () => {
  test('valid frames cut anywhere: each delivered once, whole or segmented, reading as JSON.parse', (t) =>
    runProperty(
      t,
      fc.property(validFrames, cuts, segmentDepth, segmentMinBytes, (stream, at, depth, min) => {
        const { frames, error } = splitSegmented(chunked(stream.bytes, at), depth, min);
        assert.equal(error, undefined);
        assert.equal(frames.length, stream.texts.length);
        for (const [i, frame] of frames.entries()) {
          const want = JSON.parse(stream.texts[i] as string);
          if ('text' in frame) {
            assert.equal(frame.text, stream.texts[i]);
          } else {
            assert.equal(frame.segmented.text(), stream.texts[i]);
            assert.deepEqual(
              messageOfSegmentedFrame(frame.segmented, () => false),
              want,
            );
          }
        }
      }),
      { runs: 300 },
    ));

  test('damaged streams: whole reads agree with JSON.parse of the text or refuse with BadFrameError', (t) =>
    runProperty(
      t,
      fc.property(
        validFrames,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        cuts,
        segmentDepth,
        segmentMinBytes,
        (stream, mutations, at, depth, min) => {
          const damaged = mutate(stream.bytes, mutations);
          const { frames } = splitSegmented(chunked(damaged.bytes, at), depth, min);
          for (const frame of frames) if ('segmented' in frame) readsAsJsonParse(frame.segmented);
        },
      ),
      { runs: 400 },
    ));

  test('strings that start with NUL read as themselves, not as the placeholders of cut values', (t) =>
    runProperty(
      t,
      fc.property(frameStream(), segmentDepth, (stream, depth) => {
        const { frames } = splitSegmented([stream.bytes], depth, 0);
        for (const frame of frames) if ('segmented' in frame) readsAsJsonParse(frame.segmented);
      }),
      { runs: 100, examples: [[streamOf('{"{":"\\u0000w0","":[]}'), 2]] },
    ));

  test('keys of wide objects with raw control characters are refused, as JSON.parse refuses them', (t) =>
    runProperty(
      t,
      fc.property(
        frameStream(wideReply, 1),
        fc.nat(),
        fc.integer({ min: 0, max: 0x1f }),
        fc.constantFrom(4, 5),
        (stream, which, byte, depth) => {
          const text = stream.texts[0] as string;
          // A raw control byte just inside the opening quote of one row's key.
          const keys = [...text.matchAll(/"[0-9a-f-]{36}":\{"initial"/g)];
          const at = (keys[which % keys.length]?.index ?? 0) + 1;
          const bytes = Buffer.concat([
            Buffer.from(text.slice(0, at)),
            Buffer.from([byte]),
            Buffer.from(text.slice(at)),
          ]);
          const { frames } = splitSegmented([bytes], depth, 0);
          for (const frame of frames) if ('segmented' in frame) readsAsJsonParse(frame.segmented);
        },
      ),
      { runs: 20 },
    ));

  test('lazy replies of valid frames: every row read on demand is what JSON.parse reads', (t) =>
    runProperty(
      t,
      fc.property(frameStream(wideReply, 1), segmentDepth, (stream, depth) => {
        readsLazilyAsJsonParse(stream.bytes, depth);
      }),
      { runs: 60 },
    ));

  test('lazy replies of damaged frames: every row read on demand agrees with JSON.parse or refuses with BadFrameError', (t) =>
    runProperty(t, fc.property(damagedReply, segmentDepth, readsLazilyAsJsonParse), {
      runs: 60,
      examples: [[Buffer.from(BAD_ROW), 5]],
    }));

  test('parsePiecewise of valid JSON gives what JSON.parse gives', (t) =>
    runProperty(
      t,
      fc.asyncProperty(
        fc.oneof(frameStream(frameValueWithoutNul, 1), frameStream(wideReply, 1)),
        async (stream) => {
          const bytes = Buffer.from(stream.texts[0] as string);
          const turn = () => Promise.resolve();
          const got = await parsePiecewise(bytes.length, (a, b) => bytes.subarray(a, b), turn);
          assert.deepEqual(got, JSON.parse(stream.texts[0] as string));
        },
      ),
      { runs: 150 },
    ));

  test('parsePiecewise of damaged JSON gives what JSON.parse gives, or refuses with BadFrameError', (t) =>
    runProperty(
      t,
      fc.asyncProperty(fc.oneof(damagedValue, damagedReply), async (bytes) => {
        const turn = () => Promise.resolve();
        const got = await parsePiecewise(bytes.length, (a, b) => bytes.subarray(a, b), turn).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        const want = outcome(() => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
        if ('error' in got) {
          assert.ok(got.error instanceof BadFrameError, `not a BadFrameError: ${String(got.error)}`);
          assert.ok('error' in want, 'valid JSON was refused');
        } else {
          assert.deepEqual(got, want);
        }
      }),
      { runs: 100, examples: [[Buffer.from('{"a":[1,,2]}')], [Buffer.from('[1')]] },
    ));
});
