import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { BadFrameError, FrameTooLargeError } from '../../src/rpc/rpc-errors.js';
import { LazyMembers } from '../../src/rpc/segmented-frame.js';

const MiB = 1024 * 1024;

function collect(maxFrameBytes = MiB): { splitter: JsonFrameSplitter; frames: string[] } {
  const frames: string[] = [];
  const splitter = new JsonFrameSplitter({ maxFrameBytes, onFrame: (text) => frames.push(text) });
  return { splitter, frames };
}

const values: unknown[] = [
  { id: 1, result: [{ uuid: ['uuid', '6d1f3c0a-1b2c-4d5e-8f90-123456789abc'] }], error: null },
  { method: 'update2', params: ['mon', { T: { r: { insert: { name: 'a{b}[c]"d\\e' } } } }], id: null },
  [1, [2, [3, [4, { x: ']]}}' }]]]],
  { s: 'ünïcødé ✓ 𝄞 日本語', e: '\\"\\\\', nl: 'line\nbreak\ttab' },
  { id: 'x', result: {}, error: null },
  [],
];
const sample = `${values.map((v) => JSON.stringify(v)).join('\n  \r\t')}  `;
const sampleBytes = Buffer.from(sample, 'utf8');
const expected = values.map((v) => JSON.stringify(v));

describe('JsonFrameSplitter', { timeout: 20000 }, () => {
  test('one chunk with many frames, whitespace between them', () => {
    const { splitter, frames } = collect();
    splitter.push(sampleBytes);
    assert.deepEqual(frames, expected);
    assert.equal(splitter.bufferedBytes, 0);
  });

  test('every split point of the sample stream (two chunks)', () => {
    for (let cut = 0; cut <= sampleBytes.length; cut++) {
      const { splitter, frames } = collect();
      splitter.push(sampleBytes.subarray(0, cut));
      splitter.push(sampleBytes.subarray(cut));
      assert.deepEqual(frames, expected, `split at ${cut}`);
    }
  });

  test('byte by byte, including multi-byte UTF-8 characters split across chunks', () => {
    const { splitter, frames } = collect();
    for (let i = 0; i < sampleBytes.length; i++) splitter.push(sampleBytes.subarray(i, i + 1));
    assert.deepEqual(frames, expected);
    assert.deepEqual(JSON.parse(frames[3]!), values[3]);
  });

  test('a 4-byte character split at each of its inner boundaries', () => {
    const bytes = Buffer.from('["𝄞"]', 'utf8');
    for (const cut of [3, 4, 5]) {
      const { splitter, frames } = collect();
      splitter.push(bytes.subarray(0, cut));
      assert.equal(frames.length, 0);
      splitter.push(bytes.subarray(cut));
      assert.deepEqual(frames, ['["𝄞"]']);
    }
  });

  test('escaped quotes and backslashes at chunk ends do not end strings early', () => {
    const text = '{"a":"x\\\\","b":"\\"}","c":["\\\\\\""]}';
    assert.deepEqual(JSON.parse(text), { a: 'x\\', b: '"}', c: ['\\"'] });
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { splitter, frames } = collect();
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      assert.deepEqual(frames, [text], `split at ${cut}`);
    }
  });

  test('bufferedBytes reports the partial frame', () => {
    const { splitter, frames } = collect();
    splitter.push(Buffer.from('{"a":1}{"b":'));
    assert.equal(frames.length, 1);
    assert.equal(splitter.bufferedBytes, 5);
    splitter.push(Buffer.from('2}'));
    assert.equal(splitter.bufferedBytes, 0);
    assert.deepEqual(frames, ['{"a":1}', '{"b":2}']);
  });

  test('a frame over maxFrameBytes fails while still partial, and memory stays bounded', () => {
    const { splitter, frames } = collect(4096);
    const chunk = Buffer.from(`"${'x'.repeat(1022)}",`);
    splitter.push(Buffer.from('['));
    let error: unknown;
    let pushed = 0;
    try {
      for (; pushed < 1000; pushed++) {
        splitter.push(chunk);
        assert.ok(splitter.bufferedBytes <= 4096);
      }
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof FrameTooLargeError);
    assert.equal(error.code, 'OVNDB_FRAME_TOO_LARGE');
    assert.equal(error.maxFrameBytes, 4096);
    assert.ok(pushed < 5, `failed after ${pushed} chunks`);
    assert.equal(splitter.bufferedBytes, 0);
    assert.equal(frames.length, 0);
    // The splitter is spent: it keeps failing instead of buffering.
    assert.throws(() => splitter.push(Buffer.from('{}')), FrameTooLargeError);
  });

  test('a complete frame over maxFrameBytes inside one chunk fails', () => {
    const { splitter, frames } = collect(100);
    assert.throws(() => splitter.push(Buffer.from(`{"a":"${'y'.repeat(200)}"}`)), FrameTooLargeError);
    assert.equal(frames.length, 0);
  });

  test('a frame of exactly maxFrameBytes passes', () => {
    const text = `{"a":"${'y'.repeat(92)}"}`;
    assert.equal(text.length, 100);
    const { splitter, frames } = collect(100);
    splitter.push(Buffer.from(text.slice(0, 50)));
    splitter.push(Buffer.from(text.slice(50)));
    assert.deepEqual(frames, [text]);
  });

  test('invalid UTF-8 inside a frame -> BadFrameError', () => {
    for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
      const { splitter, frames } = collect();
      const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bad), Buffer.from('"}')]);
      assert.throws(
        () => splitter.push(bytes),
        (e: unknown) => e instanceof BadFrameError && e.code === 'OVNDB_BAD_FRAME',
      );
      assert.equal(frames.length, 0);
    }
  });

  test('invalid UTF-8 split across chunks -> BadFrameError', () => {
    const { splitter } = collect();
    splitter.push(Buffer.from([0x5b, 0x22, 0xe2]));
    assert.throws(() => splitter.push(Buffer.from([0x28, 0x22, 0x5d])), BadFrameError);
  });

  test('garbage bytes between frames -> BadFrameError; frames before it are delivered', () => {
    for (const garbage of ['x', '1', '"s"', '}', ']', 'null', '\u0000']) {
      const { splitter, frames } = collect();
      assert.throws(() => splitter.push(Buffer.from(`{"ok":1} ${garbage}{"b":2}`)), BadFrameError, garbage);
      assert.deepEqual(frames, ['{"ok":1}']);
    }
  });

  test('nested arrays deeper than 1000 levels', () => {
    const text = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const { splitter, frames } = collect();
    splitter.push(Buffer.from(text));
    assert.deepEqual(frames, [text]);
  });

  test('linear: a 10 MB frame in 1 KiB chunks scans each byte once and decodes once', () => {
    const row = Buffer.from('{"name":"route-é","nexthop":"10.0.0.1","x":"{[\\"]}"},');
    const rows = Buffer.alloc(Math.floor((10 * MiB) / row.length) * row.length, row);
    const body = Buffer.concat([Buffer.from('['), rows]);
    const tail = Buffer.from('{}]');
    const total = body.length + tail.length;
    const { splitter, frames } = collect(16 * MiB);
    for (let off = 0; off < body.length; off += 1024) splitter.push(body.subarray(off, off + 1024));
    splitter.push(tail);
    assert.equal(frames.length, 1);
    assert.equal(Buffer.byteLength(frames[0]!), total);
    assert.equal(splitter.scannedBytes, total);
  });

  test('timing stays roughly linear between 1 MB and 8 MB frames', () => {
    const run = (size: number): number => {
      const item = Buffer.from('"abc\\"de",');
      const body = Buffer.concat([
        Buffer.from('['),
        Buffer.alloc(Math.floor(size / item.length) * item.length, item),
      ]);
      const { splitter, frames } = collect(16 * MiB);
      const start = performance.now();
      for (let off = 0; off < body.length; off += 1024) splitter.push(body.subarray(off, off + 1024));
      splitter.push(Buffer.from('1]'));
      const elapsed = performance.now() - start;
      assert.equal(frames.length, 1);
      return elapsed;
    };
    run(MiB); // warm up
    const small = Math.min(run(MiB), run(MiB));
    const large = Math.min(run(8 * MiB), run(8 * MiB));
    // Quadratic rescanning would make this ~64; allow generous noise around 8.
    assert.ok(large / small < 24, `1 MB: ${small.toFixed(1)} ms, 8 MB: ${large.toFixed(1)} ms`);
  });
});

describe('JsonFrameSplitter: segmented frames', { timeout: 20000 }, () => {
  const monitorReply = {
    id: 7,
    result: [
      false,
      '00000000-0000-0000-0000-000000000000',
      {
        T: {
          'aaaaaaaa-0000-0000-0000-000000000001': {
            initial: { name: 'ünï "q" [x]', n: 1, s: ['set', [1, 2]] },
          },
          'aaaaaaaa-0000-0000-0000-000000000002': { initial: { name: '𝄞', m: ['map', [['k', 'v']]] } },
        },
        U: { 'aaaaaaaa-0000-0000-0000-000000000003': { delete: null } },
      },
    ],
    error: null,
  };
  const echoLike = { id: 'echo', result: [[[[{ a: 1 }, 7, '\u0001', [2]]]]], error: null };

  function segmentedCollect() {
    const frames: string[] = [];
    const segmented: import('../../src/rpc/segmented-frame.js').SegmentedFrame[] = [];
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: MiB,
      onFrame: (text) => frames.push(text),
      onSegmentedFrame: (f) => segmented.push(f),
      segmentMinBytes: 0,
    });
    return { splitter, frames, segmented };
  }

  test('outline plus values equals one parse, at every split point', () => {
    const bytes = Buffer.from(`${JSON.stringify(monitorReply)} ${JSON.stringify(echoLike)}`, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut += 3) {
      const { splitter, frames, segmented } = segmentedCollect();
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      assert.equal(frames.length, 0);
      assert.equal(segmented.length, 2);
      const [reply, echo] = segmented;
      assert.equal(reply?.count, 3);
      assert.deepEqual(reply?.materialize(reply.outline()), monitorReply, `split at ${cut}`);
      assert.deepEqual(echo?.materialize(echo.outline()), echoLike);
    }
  });

  test('placeholders stand where the rows were; values parse on demand', () => {
    const { splitter, segmented } = segmentedCollect();
    splitter.push(Buffer.from(JSON.stringify(monitorReply), 'utf8'));
    const frame = segmented[0];
    assert.ok(frame);
    const outline = frame.outline() as { result: [boolean, string, Record<string, Record<string, unknown>>] };
    const rows = outline.result[2].T as Record<string, unknown>;
    const first = rows['aaaaaaaa-0000-0000-0000-000000000001'];
    assert.equal(typeof first, 'string');
    assert.deepEqual(frame.resolve(first), { initial: { name: 'ünï "q" [x]', n: 1, s: ['set', [1, 2]] } });
    // A genuine value is not mistaken for a placeholder.
    assert.equal(frame.resolve(7), 7);
    assert.equal(frame.resolve('\u0001'), '\u0001');
  });

  test('frames below the size threshold, or without deep values, arrive as text', () => {
    const frames: string[] = [];
    let segmentedCount = 0;
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: MiB,
      onFrame: (text) => frames.push(text),
      onSegmentedFrame: () => segmentedCount++,
      segmentMinBytes: 1000,
    });
    splitter.push(Buffer.from(JSON.stringify(monitorReply), 'utf8'));
    splitter.push(Buffer.from(JSON.stringify({ id: 1, result: 'x'.repeat(2000), error: null }), 'utf8'));
    assert.equal(segmentedCount, 0);
    assert.equal(frames.length, 2);
  });
});

describe('JsonFrameSplitter: wide objects', { timeout: 20000 }, () => {
  function wideReply(n: number): unknown {
    const rows: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) rows[`k${i}-ü\\"${i % 3 === 0 ? '\n' : ''}`] = { initial: { i, s: `v${i}` } };
    return { id: 3, result: [true, 'txn', { T: rows, U: { only: { delete: null } } }], error: null };
  }

  for (const text of [JSON.stringify(wideReply(300)), JSON.stringify(wideReply(300), null, 2)]) {
    test(`an object with many rows is read member by member (${text.includes('\n') ? 'indented' : 'compact'})`, () => {
      const segmented: import('../../src/rpc/segmented-frame.js').SegmentedFrame[] = [];
      const splitter = new JsonFrameSplitter({
        maxFrameBytes: MiB,
        onFrame: () => assert.fail('expected a segmented frame'),
        onSegmentedFrame: (f) => segmented.push(f),
        segmentMinBytes: 0,
      });
      const bytes = Buffer.from(text, 'utf8');
      splitter.push(bytes.subarray(0, 1000));
      splitter.push(bytes.subarray(1000));
      const frame = segmented[0];
      assert.ok(frame);
      const outline = frame.outline() as { result: [boolean, string, Record<string, unknown>] };
      const members = frame.resolve(outline.result[2].T);
      assert.ok(members instanceof LazyMembers);
      assert.equal(members.size, 300);
      const expected = (wideReply(300) as { result: [boolean, string, { T: Record<string, unknown> }] })
        .result[2].T;
      const keys = Object.keys(expected);
      for (let k = 0; k < members.size; k++) {
        assert.equal(members.key(k), keys[k]);
        assert.deepEqual(members.value(k), expected[keys[k] as string]);
      }
      // Consumers that did not ask for lazy results get the same JSON as one parse.
      assert.deepEqual(frame.materialize(frame.outline()), JSON.parse(text));
    });
  }
});
