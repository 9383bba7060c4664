/** Measuring work without timing: counting calls to built-in collection methods, and a seeded PRNG. */

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Runs `fn` with `proto` (Set.prototype or Map.prototype) instrumented: `ops` counts calls of
 * `opNames` (single-element operations), `scans` counts whole-collection iterations (values,
 * keys, entries, forEach, the iterator: what spread, Array.from and copying constructors use).
 * This measures the work a class does without timing and without any test hook in it.
 */
export function countWork<R>(
  proto: object,
  opNames: ReadonlyArray<string>,
  fn: () => R,
): { result: R; ops: number; scans: number } {
  const methods = proto as Record<string | symbol, Fn>;
  const scanNames: (string | symbol)[] = ['values', 'keys', 'entries', 'forEach', Symbol.iterator];
  // A plain array, not a Map: it is filled while Map.prototype may be being patched.
  const saved: [string | symbol, Fn][] = [];
  let ops = 0;
  let scans = 0;
  for (const name of [...opNames, ...scanNames]) {
    const original = methods[name] as Fn;
    saved.push([name, original]);
    const isOp = opNames.includes(name as string);
    methods[name] = function (this: unknown, ...args: unknown[]) {
      if (isOp) ops++;
      else scans++;
      return original.apply(this, args);
    };
  }
  try {
    const result = fn();
    return { result, ops, scans };
  } finally {
    for (const [name, original] of saved) methods[name] = original;
  }
}

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
