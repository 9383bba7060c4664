/**
 * How every property of test/fuzz runs: one seed per process (fixed in CI, so a red run
 * replays; `FUZZ_SEED=random` for a new one), each property's CI run count multiplied by
 * `FUZZ_SCALE` (the long `npm run fuzz`), and a diagnostic line per property with the seed,
 * the runs made and the time taken, which is what a failure report needs to be replayed.
 */
import type { TestContext } from 'node:test';
import fc from 'fast-check';

/** The seed CI uses: any fixed number makes every CI run check the same inputs. */
const CI_SEED = 20250607;

function readSeed(): number {
  const text = process.env.FUZZ_SEED;
  if (text === undefined || text === '') return CI_SEED;
  if (text === 'random') return (Math.random() * 0x1_0000_0000) | 0;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${text}`);
  return seed;
}

function readScale(): number {
  const text = process.env.FUZZ_SCALE;
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!(scale > 0)) throw new Error(`FUZZ_SCALE must be a positive number, not ${text}`);
  return scale;
}

/** The seed of this process's properties. */
export const fuzzSeed = readSeed();
/** What each property's CI run count is multiplied by. */
export const fuzzScale = readScale();

/**
 * A node:test timeout for a fuzz test whose CI runs take at most `ciMs`: scaled like the runs,
 * so a long run is bounded too (a hang fails the test instead of stalling the suite).
 */
export function fuzzTimeout(ciMs: number): number {
  return Math.ceil(ciMs * Math.max(1, fuzzScale));
}

/** Options of {@link runProperty}. */
export interface PropertyRun<Ts> {
  /** Runs in CI, examples included; multiplied by `FUZZ_SCALE`. */
  readonly runs: number;
  /** Inputs run before the generated ones every time: regressions and hand-made edge cases. */
  readonly examples?: Ts[];
  /** Most milliseconds one async run may take before it counts as a hang. */
  readonly runTimeoutMs?: number;
}

/**
 * Checks `property`, reports seed, runs and time as a test diagnostic, and fails `t` with
 * fast-check's report (seed, path and counterexample) when a run fails.
 */
export async function runProperty<Ts extends [unknown, ...unknown[]]>(
  t: TestContext,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  options: PropertyRun<Ts>,
): Promise<void> {
  const numRuns = Math.max(1, Math.round(options.runs * fuzzScale));
  const path = process.env.FUZZ_PATH;
  const started = performance.now();
  const details = await fc.check(property, {
    seed: fuzzSeed,
    numRuns,
    examples: options.examples ?? [],
    ...(path !== undefined && path !== '' ? { path } : {}),
    ...(options.runTimeoutMs !== undefined ? { plugins: [fc.timeout(options.runTimeoutMs)] } : {}),
  });
  const ms = Math.round(performance.now() - started);
  // fast-check counts the examples among the runs.
  const examples = Math.min(options.examples?.length ?? 0, details.numRuns);
  t.diagnostic(
    `fuzz: seed ${fuzzSeed}, ${details.numRuns} runs (${examples} of them fixed examples), ${ms} ms`,
  );
  if (details.failed) {
    // The report names the counterexample; the cause says what the property saw wrong in it.
    throw new Error(clip(fc.defaultReportMessage(details)), { cause: details.errorInstance ?? undefined });
  }
}

// A counterexample can be a frame of 100 kB; the seed and path, which replay it, come first.
function clip(report: string): string {
  return report.length > 4000 ? `${report.slice(0, 4000)}... (report cut at 4000 characters)` : report;
}
