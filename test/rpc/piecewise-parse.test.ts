import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePiecewise } from '../../src/rpc/piecewise-parse.js';

function pieces(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  let turns = 0;
  const turn = () => {
    turns++;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
  return { bytes, turn, turns: () => turns };
}

describe('parsePiecewise', { timeout: 20000 }, () => {
  test('a huge set of UUID pairs parses over several turns to what one parse gives', async () => {
    const elements = Array.from({ length: 40_000 }, (_, i) => [
      'uuid',
      `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    ]);
    const value = {
      initial: { name: 'lr0', static_routes: ['set', elements], external_ids: ['map', [['k', 'ü']]] },
    };
    const text = JSON.stringify(value);
    const { bytes, turn, turns } = pieces(text);
    const parsed = await parsePiecewise(bytes.length, (a, b) => bytes.subarray(a, b), turn);
    assert.deepEqual(parsed, value);
    assert.ok(turns() >= 5, `only ${turns()} turns`);
  });

  test('arrays whose elements are not all objects or arrays, and plain values, parse the same', async () => {
    const mixed = {
      a: [[[[1, [2], 'x', { y: 3 }, ...Array.from({ length: 300 }, (_, i) => [i])]]]],
      s: 'plain',
    };
    for (const value of [mixed, { only: 'scalars', n: [1, 2, 3] }, [[[[[1]]]]]]) {
      const text = JSON.stringify(value);
      const { bytes, turn } = pieces(text);
      assert.deepEqual(await parsePiecewise(bytes.length, (a, b) => bytes.subarray(a, b), turn), value);
    }
  });
});
