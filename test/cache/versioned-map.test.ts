import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VersionedMap } from '../../src/cache/versioned-map.js';
import { countWork, prng } from '../helpers/count-work.js';

type Atom = string | number | boolean | bigint;

function countMapWork<R>(fn: () => R): { result: R; ops: number; scans: number } {
  return countWork(Map.prototype, ['get', 'set', 'delete', 'has'], fn);
}

function sameValueZero(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: NaN is the only value unequal to itself.
  return a === b || (a !== a && b !== b);
}

function assertSameEntries(actual: Iterable<[Atom, Atom]>, expected: ReadonlyMap<Atom, Atom>, what: string) {
  const got = [...actual];
  assert.equal(got.length, expected.size, `${what}: entry count`);
  for (const [k, v] of got) {
    assert.ok(expected.has(k), `${what}: unexpected key ${String(k)}`);
    assert.ok(sameValueZero(expected.get(k), v), `${what}: value of ${String(k)}`);
  }
}

describe('VersionedMap basics', { timeout: 20000 }, () => {
  test('of, empty, size, has and get', () => {
    const m = VersionedMap.of([
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ]);
    assert.equal(m.size, 2);
    assert.equal(m.get('a'), 3);
    assert.ok(m.has('b'));
    assert.equal(m.get('z'), undefined);
    assert.equal(VersionedMap.empty<string, number>().size, 0);
  });

  test('applyDiff adds missing keys, deletes equal values, replaces different ones', () => {
    const v1 = VersionedMap.of<string, Atom>([
      ['keep', 'k'],
      ['same', 'x'],
      ['other', 'y'],
    ]);
    const v2 = v1.applyDiff([
      ['new', 'n'],
      ['same', 'x'],
      ['other', 'z'],
    ]);
    assert.deepEqual(
      v2.toMap(),
      new Map<string, Atom>([
        ['keep', 'k'],
        ['other', 'z'],
        ['new', 'n'],
      ]),
    );
    assert.equal(v2.size, 3);
    assert.deepEqual(
      v1.toMap(),
      new Map<string, Atom>([
        ['keep', 'k'],
        ['same', 'x'],
        ['other', 'y'],
      ]),
    );
    assert.equal(v1.get('other'), 'y');
    assert.equal(v2.get('other'), 'z');
    assert.equal(v1.applyDiff([]), v1);
  });

  test('applyDiff compares values as SameValueZero and applies repeated keys in order', () => {
    const v1 = VersionedMap.of<string, Atom>([['n', Number.NaN]]);
    const v2 = v1.applyDiff([
      ['n', Number.NaN],
      ['a', 1],
      ['a', 1],
      ['b', 1],
      ['b', 2],
    ]);
    assert.deepEqual([...v2], [['b', 2]]);
    assert.ok(Number.isNaN(v1.get('n')));
    assert.equal(v1.size, 1);
    assert.ok(!v1.has('a') && !v1.has('b'));
    assert.equal(v2.get('b'), 2);
  });

  test('withChanges writes then removes; unchanged input returns the same version', () => {
    const v1 = VersionedMap.of<string, number>([
      ['a', 1],
      ['b', 2],
    ]);
    const v2 = v1.withChanges(
      [
        ['a', 10],
        ['c', 3],
        ['d', 4],
      ],
      ['b', 'd', 'missing'],
    );
    assert.deepEqual(
      v2.toMap(),
      new Map([
        ['a', 10],
        ['c', 3],
      ]),
    );
    assert.deepEqual(
      v1.toMap(),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    assert.equal(v1.withChanges([['a', 1]], ['zz']), v1);
  });

  test('branching from an old version leaves both branches intact', () => {
    const v0 = VersionedMap.of<string, number>([['a', 1]]);
    const left = v0.applyDiff([['b', 2]]);
    const right = v0.applyDiff([['a', 5]]);
    assert.deepEqual(
      left.toMap(),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    assert.deepEqual(right.toMap(), new Map([['a', 5]]));
    assert.deepEqual(v0.toMap(), new Map([['a', 1]]));
    assert.equal(left.get('a'), 1);
  });

  test('the input may be another version of the same family', () => {
    const v0 = VersionedMap.of<string, number>([['a', 1]]);
    const v1 = v0.applyDiff([['b', 2]]);
    const v2 = v0.applyDiff(v1);
    assert.deepEqual(v2.toMap(), new Map([['b', 2]]));
    assert.deepEqual(
      v1.toMap(),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
  });
});

describe('VersionedMap caches', { timeout: 20000 }, () => {
  test('toRecord is cached per version, frozen, and keeps "__proto__" as an own entry', () => {
    const v1 = VersionedMap.of<string, string>([
      ['__proto__', 'p'],
      ['a', '1'],
    ]);
    const r1 = v1.toRecord();
    assert.equal(v1.toRecord(), r1);
    assert.ok(Object.isFrozen(r1));
    assert.ok(Object.hasOwn(r1, '__proto__'));
    assert.equal(Object.getPrototypeOf(r1), Object.prototype);
    assert.deepEqual(Object.keys(r1).sort(), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).p, undefined);
    const v2 = v1.applyDiff([['a', '2']]);
    const r2 = v2.toRecord();
    assert.notEqual(r2, r1);
    assert.equal(r2.a, '2');
    assert.equal(v1.toRecord(), r1);
    assert.equal(r1.a, '1');
  });

  test('toMap is cached per version and stays valid for that version forever', () => {
    const v1 = VersionedMap.of<number, number>([[1, 1]]);
    const m1 = v1.toMap();
    const v2 = v1.applyDiff([[2, 2]]);
    const v3 = v2.applyDiff([[1, 1]]);
    assert.deepEqual(v3.toMap(), new Map([[2, 2]]));
    const m2 = v2.toMap();
    assert.equal(v1.toMap(), m1);
    assert.deepEqual(m1, new Map([[1, 1]]));
    assert.deepEqual(
      m2,
      new Map([
        [1, 1],
        [2, 2],
      ]),
    );
    assert.equal(v2.toMap(), m2);
  });

  test('iterating one version while reading another is safe', () => {
    const v1 = VersionedMap.of<number, string>([
      [1, 'a'],
      [2, 'b'],
    ]);
    const v2 = v1.applyDiff([[1, 'z']]);
    const pairs: string[] = [];
    for (const [k, v] of v1) pairs.push(`${k}:${v}->${v2.get(k)}`);
    assert.deepEqual(pairs, ['1:a->z', '2:b->b']);
  });
});

describe('VersionedMap performance (counted work)', { timeout: 20000 }, () => {
  test('the work counter does see a whole-map copy', () => {
    const big = new Map([[1, 1]]);
    assert.ok(countMapWork(() => new Map(big)).scans > 0);
    assert.ok(countMapWork(() => Object.fromEntries(big)).scans > 0);
  });

  test('5,000 one-pair diffs on a 50,000-entry map cost O(diff), and every old version reads correctly', (t) => {
    const n = 50_000;
    const steps = 5_000;
    const base = VersionedMap.of<string, number>(Array.from({ length: n }, (_, i) => [`k${i}`, i] as const));
    // Step i: i % 3 === 0 adds a new key, 1 deletes k<i> (equal value), 2 replaces k<i>.
    const pair = (i: number): [string, number] =>
      i % 3 === 0 ? [`new${i}`, i] : i % 3 === 1 ? [`k${i}`, i] : [`k${i}`, -i];
    const versions: VersionedMap<string, number>[] = [base];
    const started = performance.now();
    const made = countMapWork(() => {
      let v = base;
      for (let i = 0; i < steps; i++) {
        v = v.applyDiff([pair(i)]);
        versions.push(v);
      }
    });
    t.diagnostic(
      `${steps} diffs on ${n} entries: ${(performance.now() - started).toFixed(1)} ms (instrumented)`,
    );
    assert.equal(made.scans, 0);
    assert.ok(made.ops <= 3 * steps, `ops ${made.ops}`);

    const oldest = countMapWork(() => [base.get('k1'), base.has('new0')] as const);
    assert.deepEqual(oldest.result, [1, false]);
    assert.equal(oldest.scans, 0);
    assert.ok(oldest.ops <= 3 * steps + 4, `ops ${oldest.ops}`);

    const readAll = countMapWork(() => {
      let size = n;
      for (let i = 0; i <= steps; i++) {
        const v = versions[i]!;
        assert.equal(v.size, size);
        if (i < steps) {
          // Before step i: the key it touches has its original state.
          assert.equal(v.get(pair(i)[0]), i % 3 === 0 ? undefined : i);
          size += i % 3 === 0 ? 1 : i % 3 === 1 ? -1 : 0;
        }
        if (i > 0) {
          const j = i - 1;
          assert.equal(v.get(pair(j)[0]), j % 3 === 0 ? j : j % 3 === 1 ? undefined : -j);
        }
      }
    });
    assert.equal(readAll.scans, 0);
    assert.ok(readAll.ops <= 12 * steps, `ops ${readAll.ops}`);
  });

  test('alternating reads of event.old and event.new cost O(diff) each', () => {
    let current = VersionedMap.of<number, string>(
      Array.from({ length: 50_000 }, (_, i) => [i, 'v'] as const),
    );
    const work = countMapWork(() => {
      for (let i = 0; i < 1000; i++) {
        const old = current;
        const next = old.applyDiff([[i, 'w']]);
        for (let r = 0; r < 3; r++) {
          assert.equal(old.get(i), 'v');
          assert.equal(next.get(i), 'w');
        }
        current = next;
      }
    });
    assert.equal(work.scans, 0);
    // Per update: 2 ops to create, then 6 switches of 3 ops and 6 reads (26), while one
    // copy of the map would cost 50,000.
    assert.ok(work.ops <= 1000 * 26, `ops ${work.ops}`);
  });

  test('rerooting across a very long chain does not overflow the stack', () => {
    const v0 = VersionedMap.of<string, number>([['a', 0]]);
    let v = v0;
    for (let i = 1; i <= 200_000; i++) v = v.applyDiff([['a', i]]);
    assert.equal(v0.get('a'), 0);
    assert.equal(v.get('a'), 200_000);
    assert.equal(v0.toRecord().a, 0);
  });
});

describe('VersionedMap memory', { timeout: 20000 }, () => {
  test('versions nobody holds are collectable, also after an old version was read', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = () => {
      const v0 = VersionedMap.of<string, number>([['a', 0]]);
      const older = [new WeakRef(v0)];
      let v = v0;
      for (let i = 1; i <= 10; i++) {
        v = v.applyDiff([[`k${i}`, i]]);
        older.push(new WeakRef(v));
      }
      older.pop();
      assert.equal(v0.get('k1'), undefined);
      assert.equal(v.get('k1'), 1);
      return { older, newest: v };
    };
    const held = make();
    // WeakRef targets stay alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.deepEqual(
      held.older.map((w) => w.deref() === undefined),
      held.older.map(() => true),
    );
    assert.equal(held.newest.size, 11);
  });
});

describe('VersionedMap randomized against a copy-per-version model', { timeout: 20000 }, () => {
  for (const seed of [7, 8, 9, 99, 31337]) {
    test(`seed ${seed}`, () => {
      const rnd = prng(seed);
      const keys: Atom[] = [...Array.from({ length: 25 }, (_, i) => `k${i}`), 1, 2, 1n, true, '__proto__'];
      const values: Atom[] = ['a', 'b', 'c', 0, -0, 1, Number.NaN, false, 5n];
      const pickKey = () => keys[Math.floor(rnd() * keys.length)]!;
      const pickValue = () => values[Math.floor(rnd() * values.length)]!;
      const pairs = () =>
        Array.from({ length: Math.floor(rnd() * 6) }, () => [pickKey(), pickValue()] as const);
      const initial = pairs();
      const versions: { v: VersionedMap<Atom, Atom>; model: ReadonlyMap<Atom, Atom> }[] = [
        { v: VersionedMap.of(initial), model: new Map(initial) },
      ];
      const check = (i: number) => {
        const { v, model } = versions[i]!;
        assert.equal(v.size, model.size, `version ${i} size`);
        for (let k = 0; k < 3; k++) {
          const key = pickKey();
          assert.equal(v.has(key), model.has(key), `version ${i} has ${String(key)}`);
          assert.ok(sameValueZero(v.get(key), model.get(key)), `version ${i} get ${String(key)}`);
        }
        if (rnd() < 0.2) assertSameEntries(v.toMap(), model, `version ${i}`);
      };
      for (let step = 0; step < 3000; step++) {
        const from = rnd() < 0.6 ? versions.length - 1 : Math.floor(rnd() * versions.length);
        const { v, model } = versions[from]!;
        const r = rnd();
        if (r < 0.45) {
          const diff = pairs();
          const next = new Map(model);
          for (const [k, val] of diff) {
            if (!next.has(k)) next.set(k, val);
            else if (sameValueZero(next.get(k), val)) next.delete(k);
            else next.set(k, val);
          }
          versions.push({ v: v.applyDiff(diff), model: next });
        } else if (r < 0.85) {
          const set = pairs();
          const remove = Array.from({ length: Math.floor(rnd() * 4) }, pickKey);
          const next = new Map(model);
          for (const [k, val] of set) next.set(k, val);
          for (const k of remove) next.delete(k);
          versions.push({ v: v.withChanges(set, remove), model: next });
        } else {
          check(from);
        }
        check(Math.floor(rnd() * versions.length));
      }
      for (let i = versions.length - 1; i >= 0; i--) {
        const { v, model } = versions[i]!;
        assertSameEntries(v, model, `final version ${i}`);
        for (const k of keys) assert.ok(sameValueZero(v.get(k), model.get(k)), `final ${i} get ${String(k)}`);
      }
    });
  }
});
