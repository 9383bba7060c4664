/**
 * Property tests of JsonFrameSplitter fed whole frames: valid streams cut anywhere give back
 * exactly their frames, and any byte stream (random, or a valid one damaged) gives what the
 * reference splitter gives, failing only with the framing layer's typed errors.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { OvndbError } from '../../src/errors.js';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { BadFrameError, FrameTooLargeError } from '../../src/rpc/rpc-errors.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import { chunked, cuts, frameStream, mutate, mutation, noisyBytes } from './json-stream.js';
import { referenceSplit } from './reference-splitter.js';

/** What the splitter under test gives for `chunks`. */
interface Split {
  frames: string[];
  error?: Error;
  buffered: number;
  /** The most bytes held between pushes. */
  peakBuffered: number;
}

function split(chunks: readonly Buffer[], maxFrameBytes: number): Split {
  const frames: string[] = [];
  const splitter = new JsonFrameSplitter({ maxFrameBytes, onFrame: (text) => frames.push(text) });
  let peakBuffered = 0;
  for (const chunk of chunks) {
    try {
      splitter.push(chunk);
    } catch (error) {
      // Spent after an error: the next push throws the same error again.
      assert.throws(
        () => splitter.push(Buffer.from('{}')),
        (again: unknown) => again === error,
      );
      return { frames, error: error as Error, buffered: splitter.bufferedBytes, peakBuffered };
    }
    peakBuffered = Math.max(peakBuffered, splitter.bufferedBytes);
  }
  return { frames, buffered: splitter.bufferedBytes, peakBuffered };
}

function errorKind(error: Error | undefined): 'bad-frame' | 'too-large' | undefined {
  if (error === undefined) return undefined;
  if (error instanceof FrameTooLargeError) return 'too-large';
  if (error instanceof BadFrameError) return 'bad-frame';
  assert.fail(`not a framing error: ${error.stack ?? String(error)}`);
}

/** The splitter fed `chunks` agrees with the reference on the whole stream. */
function agreesWithReference(chunks: readonly Buffer[], maxFrameBytes: number): void {
  const got = split(chunks, maxFrameBytes);
  const want = referenceSplit(Buffer.concat(chunks), maxFrameBytes);
  if (got.error !== undefined) assert.ok(got.error instanceof OvndbError, String(got.error));
  assert.deepEqual(got.frames, want.frames);
  assert.equal(errorKind(got.error), want.error);
  if (got.error === undefined) assert.equal(got.buffered, want.buffered);
  // Memory stays within the cap between pushes.
  assert.ok(got.peakBuffered <= maxFrameBytes, `held ${got.peakBuffered} > ${maxFrameBytes}`);
}

const maxFrameBytes = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(1 << 20));

describe('fuzz: JsonFrameSplitter', { timeout: fuzzTimeout(30_000) }, () => {
  test('valid frames cut at random chunk boundaries come out exactly, each as JSON.parse reads it', (t) =>
    runProperty(
      t,
      fc.property(frameStream(), cuts, (stream, at) => {
        const got = split(chunked(stream.bytes, at), 1 << 20);
        assert.equal(got.error, undefined);
        assert.deepEqual(got.frames, stream.texts);
        for (const [i, text] of got.frames.entries()) {
          assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(stream.values[i])));
        }
        assert.equal(got.buffered, 0);
      }),
      { runs: 500 },
    ));

  test('random bytes: the same frames and error as the reference, only framing errors', (t) =>
    runProperty(
      t,
      fc.property(noisyBytes, cuts, maxFrameBytes, (bytes, at, max) => {
        agreesWithReference(chunked(bytes, at), max);
      }),
      {
        runs: 2000,
        examples: [
          [Buffer.from('{"a":"\\"}"}]'), [0.5], 64],
          [Buffer.from('[\u00e9]', 'latin1'), [0.5], 64],
          [Buffer.from('{}{}{"abc"}'), [0.1, 0.9], 4],
        ],
      },
    ));

  test('valid streams damaged (bit flips, truncation, garbage, NUL, invalid UTF-8): as the reference', (t) =>
    runProperty(
      t,
      fc.property(
        frameStream(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        cuts,
        maxFrameBytes,
        (stream, mutations, at, max) => {
          const damaged = mutate(stream.bytes, mutations);
          agreesWithReference(chunked(damaged.bytes, at), max);
          // Frames wholly before the first damaged byte still arrive intact.
          if (max === 1 << 20) {
            const intact = stream.ends.filter((end) => end <= damaged.firstChange).length;
            const got = split(chunked(damaged.bytes, at), max);
            assert.deepEqual(got.frames.slice(0, intact), stream.texts.slice(0, intact));
          }
        },
      ),
      { runs: 2000 },
    ));
});
