/**
 * The environment for a child process whose V8 coverage must stay out of the report: one that
 * compiles src/ otherwise than the tests do (tsx from another directory, without this
 * repository's tsconfig; tsc's dist/ mapped back onto src/). c8 merges coverage by file, and
 * byte ranges of another compilation of the same file corrupt the merged report.
 */
export function envWithoutCoverage(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_V8_COVERAGE;
  return env;
}
