import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VersionedSet } from '../../src/cache/versioned-set.js';
import { countWork, prng } from '../helpers/count-work.js';

type Atom = string | number | boolean | bigint;

function countSetWork<R>(fn: () => R): { result: R; ops: number; scans: number } {
  return countWork(Set.prototype, ['add', 'delete', 'has'], fn);
}

function assertSameElements(actual: Iterable<Atom>, expected: ReadonlySet<Atom>, what: string): void {
  const got = [...actual];
  assert.equal(got.length, expected.size, `${what}: element count`);
  const seen = new Set(got);
  assert.equal(seen.size, got.length, `${what}: duplicate elements`);
  for (const x of got) assert.ok(expected.has(x), `${what}: unexpected ${String(x)}`);
}

describe('VersionedSet basics', { timeout: 20000 }, () => {
  test('of, empty, size and has', () => {
    const s = VersionedSet.of(['a', 'b', 'a']);
    assert.equal(s.size, 2);
    assert.ok(s.has('a'));
    assert.ok(!s.has('c'));
    const e = VersionedSet.empty<string>();
    assert.equal(e.size, 0);
    assert.deepEqual([...e], []);
    assert.notEqual(VersionedSet.empty(), VersionedSet.empty());
  });

  test('toggle removes present elements and adds absent ones; the old version is unchanged', () => {
    const v1 = VersionedSet.of<Atom>([1, 2, 3]);
    const v2 = v1.toggle([2, 4]);
    assert.deepEqual(new Set(v2), new Set([1, 3, 4]));
    assert.equal(v2.size, 3);
    assert.deepEqual(new Set(v1), new Set([1, 2, 3]));
    assert.ok(v1.has(2) && !v1.has(4));
    assert.ok(!v2.has(2) && v2.has(4));
    assert.equal(v1.toggle([]), v1);
    assert.deepEqual(new Set(v1.toggle([5, 5])), new Set([1, 2, 3]));
  });

  test('withChanges adds then removes; no-op changes return the same version', () => {
    const v1 = VersionedSet.of<Atom>(['x', 'y']);
    const v2 = v1.withChanges(['y', 'z', 'w'], ['x', 'q', 'w']);
    assert.deepEqual(new Set(v2), new Set(['y', 'z']));
    assert.equal(v2.size, 2);
    assert.deepEqual(new Set(v1), new Set(['x', 'y']));
    assert.equal(v1.withChanges(['x'], ['nope']), v1);
  });

  test('atoms compare as a JS Set does (types distinct, NaN equal, -0 equals 0)', () => {
    const v = VersionedSet.of<Atom>([1, '1', true, 1n, Number.NaN, 0]);
    assert.equal(v.size, 6);
    const w = v.toggle([Number.NaN, -0, '1']);
    assert.deepEqual(new Set(w), new Set([1, true, 1n]));
    assert.ok(v.has(Number.NaN) && v.has(-0) && v.has('1'));
  });

  test('branching from an old version leaves both branches intact', () => {
    const v0 = VersionedSet.of([1, 2]);
    const a = v0.toggle([3]);
    const b = v0.toggle([1]);
    const a2 = a.withChanges([4], [2]);
    assert.deepEqual(new Set(b), new Set([2]));
    assert.deepEqual(new Set(a2), new Set([1, 3, 4]));
    assert.deepEqual(new Set(a), new Set([1, 2, 3]));
    assert.deepEqual(new Set(v0), new Set([1, 2]));
    assert.deepEqual(new Set(b.toggle([9])), new Set([2, 9]));
  });

  test('the input may be another version of the same family', () => {
    const v0 = VersionedSet.of([1, 2, 3]);
    const v1 = v0.toggle([4]);
    const v2 = v1.toggle(v0);
    assert.deepEqual(new Set(v2), new Set([4]));
    const v3 = v0.withChanges(v2, v1);
    assert.deepEqual(new Set(v3), new Set());
    assert.deepEqual(new Set(v1), new Set([1, 2, 3, 4]));
  });
});

describe('VersionedSet caches', { timeout: 20000 }, () => {
  test('toArray is built once per version and stays valid for that version forever', () => {
    const v1 = VersionedSet.of([1, 2, 3]);
    const a1 = v1.toArray();
    assert.equal(v1.toArray(), a1);
    assert.ok(Object.isFrozen(a1));
    const v2 = v1.toggle([4]);
    const a2 = v2.toArray();
    assert.notEqual(a2, a1);
    assert.deepEqual([...a2].sort(), [1, 2, 3, 4]);
    const v3 = v1.toggle([1]);
    assert.deepEqual([...v3.toArray()].sort(), [2, 3]);
    assert.equal(v1.toArray(), a1);
    assert.deepEqual([...a1].sort(), [1, 2, 3]);
    assert.equal(v2.toArray(), a2);
    assert.deepEqual([...a2].sort(), [1, 2, 3, 4]);
  });

  test('a version first read as an array after newer versions exist builds its own elements', () => {
    const v1 = VersionedSet.of(['a']);
    const v2 = v1.toggle(['b']);
    const v3 = v2.toggle(['a']);
    assert.deepEqual([...v3.toArray()].sort(), ['b']);
    assert.deepEqual([...v1.toArray()].sort(), ['a']);
    assert.deepEqual([...v2.toArray()].sort(), ['a', 'b']);
  });

  test('iterating one version while reading another is safe', () => {
    const v1 = VersionedSet.of([1, 2, 3, 4]);
    const v2 = v1.toggle([1, 3]);
    const both: number[] = [];
    for (const x of v1) if (v2.has(x)) both.push(x);
    assert.deepEqual(both.sort(), [2, 4]);
  });
});

describe('VersionedSet performance (counted work)', { timeout: 20000 }, () => {
  test('the work counter does see a whole-set copy', () => {
    const big = new Set([1, 2, 3]);
    assert.ok(countSetWork(() => new Set(big)).scans > 0);
    assert.ok(countSetWork(() => [...big]).scans > 0);
  });

  test('5,000 one-element toggles on a 50,000-element set cost O(diff), and every old version reads correctly', (t) => {
    const n = 50_000;
    const steps = 5_000;
    const base = VersionedSet.of(Array.from({ length: n }, (_, i) => `u${i}`));
    // Even steps add a new element, odd steps remove an existing one.
    const element = (i: number) => (i % 2 === 0 ? `n${i}` : `u${i}`);
    const versions: VersionedSet<string>[] = [base];
    const started = performance.now();
    const made = countSetWork(() => {
      let v = base;
      for (let i = 0; i < steps; i++) {
        v = v.toggle([element(i)]);
        versions.push(v);
      }
    });
    const elapsed = performance.now() - started;
    t.diagnostic(`${steps} toggles on ${n} elements: ${elapsed.toFixed(1)} ms (instrumented)`);
    assert.equal(made.scans, 0);
    assert.ok(made.ops <= 2 * steps, `ops ${made.ops}`);

    // The oldest version, read after all newer ones: costs the diff length, not n.
    const oldest = countSetWork(() => base.has('n0') || !base.has('u1'));
    assert.equal(oldest.result, false);
    assert.equal(oldest.scans, 0);
    assert.ok(oldest.ops <= 2 * steps + 2, `ops ${oldest.ops}`);

    const readAll = countSetWork(() => {
      for (let i = 0; i <= steps; i++) {
        const v = versions[i]!;
        const expectedSize = n + Math.ceil(i / 2) - Math.floor(i / 2);
        assert.equal(v.size, expectedSize);
        if (i > 0) assert.equal(v.has(element(i - 1)), (i - 1) % 2 === 0);
        if (i < steps) assert.equal(v.has(element(i)), i % 2 === 1);
        assert.ok(v.has('u0'));
      }
    });
    assert.equal(readAll.scans, 0);
    assert.ok(readAll.ops <= 10 * steps, `ops ${readAll.ops}`);
  });

  test('alternating reads of event.old and event.new cost O(diff) each', () => {
    const base = VersionedSet.of(Array.from({ length: 50_000 }, (_, i) => i));
    let current = base;
    const work = countSetWork(() => {
      for (let i = 0; i < 1000; i++) {
        const old = current;
        const added = 100_000 + i;
        const next = old.toggle([added, i]);
        for (let r = 0; r < 3; r++) {
          assert.equal(old.has(added), false);
          assert.equal(next.has(added), true);
          assert.equal(old.has(i), true);
          assert.equal(next.has(i), false);
        }
        assert.equal(old.size, 50_000);
        assert.equal(next.size, 50_000);
        current = next;
      }
    });
    assert.equal(work.scans, 0);
    // Per update: 3 ops to create, then 12 switches of 3 ops and 12 has calls (51), while
    // a single copy of the set would cost 50,000.
    assert.ok(work.ops <= 1000 * 51, `ops ${work.ops}`);
    assert.deepEqual(new Set(base.toArray()).size, 50_000);
  });

  test('rerooting across a very long chain does not overflow the stack', () => {
    const v0 = VersionedSet.of([0, 1, 2]);
    let v = v0;
    for (let i = 0; i < 200_000; i++) v = v.toggle([i % 7]);
    // 200,000 toggles: every element toggled an even number of times except 200,000 % 7.
    const expected = new Set([0, 1, 2]);
    for (let k = 0; k < 7; k++) {
      const count = Math.floor(200_000 / 7) + (k < 200_000 % 7 ? 1 : 0);
      if (count % 2 === 1) {
        if (!expected.delete(k)) expected.add(k);
      }
    }
    assert.deepEqual(new Set(v0), new Set([0, 1, 2]));
    assertSameElements(v.toArray(), expected, 'newest');
    assert.ok(v0.has(0) && !v0.has(6));
  });
});

describe('VersionedSet memory', { timeout: 20000 }, () => {
  test('versions nobody holds are collectable, also after an old version was read', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = () => {
      const v0 = VersionedSet.of([1, 2, 3]);
      const older = [new WeakRef(v0)];
      let v = v0;
      for (let i = 10; i < 20; i++) {
        v = v.toggle([i]);
        older.push(new WeakRef(v));
      }
      older.pop();
      // Reading the oldest makes it the root; reading the newest must move the root back
      // so that the newest (now the root) points at no older version at all.
      assert.ok(!v0.has(10));
      assert.ok(v.has(10));
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
    assert.equal(held.newest.size, 13);
  });
});

describe('VersionedSet randomized against a copy-per-version model', { timeout: 20000 }, () => {
  for (const seed of [1, 2, 3, 42, 2024]) {
    test(`seed ${seed}`, () => {
      const rnd = prng(seed);
      const universe: Atom[] = [
        ...Array.from({ length: 30 }, (_, i) => i),
        ...Array.from({ length: 15 }, (_, i) => `s${i}`),
        true,
        false,
        0n,
        7n,
        Number.NaN,
        -0,
        '',
      ];
      const pick = () => universe[Math.floor(rnd() * universe.length)]!;
      const pickMany = () => Array.from({ length: Math.floor(rnd() * 6) }, pick);
      const initial = Array.from({ length: 10 }, pick);
      const versions: { v: VersionedSet<Atom>; model: ReadonlySet<Atom> }[] = [
        { v: VersionedSet.of(initial), model: new Set(initial) },
      ];
      const check = (i: number) => {
        const { v, model } = versions[i]!;
        assert.equal(v.size, model.size, `version ${i} size`);
        for (let k = 0; k < 3; k++) {
          const x = pick();
          assert.equal(v.has(x), model.has(x), `version ${i} has ${String(x)}`);
        }
        if (rnd() < 0.2) assertSameElements(v.toArray(), model, `version ${i}`);
      };
      for (let step = 0; step < 3000; step++) {
        // Mostly extend the newest version; sometimes branch from an old one.
        const from = rnd() < 0.6 ? versions.length - 1 : Math.floor(rnd() * versions.length);
        const { v, model } = versions[from]!;
        const r = rnd();
        if (r < 0.45) {
          const elements = pickMany();
          const next = new Set(model);
          for (const x of elements) if (!next.delete(x)) next.add(x);
          versions.push({ v: v.toggle(elements), model: next });
        } else if (r < 0.85) {
          const add = pickMany();
          const remove = pickMany();
          const next = new Set(model);
          for (const x of add) next.add(x);
          for (const x of remove) next.delete(x);
          versions.push({ v: v.withChanges(add, remove), model: next });
        } else {
          check(from);
        }
        check(Math.floor(rnd() * versions.length));
      }
      for (let i = versions.length - 1; i >= 0; i--) {
        const { v, model } = versions[i]!;
        assertSameElements(v, model, `final version ${i}`);
        for (const x of universe) assert.equal(v.has(x), model.has(x), `final version ${i} has ${String(x)}`);
      }
    });
  }
});
