import { OvndbError } from '../errors.js';

/**
 * ovn-northd did not catch up with the Northbound database in time (`--wait=sb sync` did not
 * return), or the sandbox has no northd to wait for. `logTail` holds the end of northd's log.
 */
export class NorthdTimeoutError extends OvndbError {
  /** The end of ovn-northd's log and stderr, for the test log. */
  readonly logTail: string;
  constructor(problem: string, logTail: string, cause?: unknown) {
    super('OVNDB_NORTHD_TIMEOUT', `ovn-northd: ${problem}\n--- log tail ---\n${logTail}`, {
      cause,
      details: { logTail },
    });
    this.logTail = logTail;
  }
}

/**
 * `ovn-trace` refused the trace: an unknown datapath, a microflow it could not parse, an
 * unknown inport (ovn-trace 23.03 aborts on that), or it failed to run.
 */
export class OvnTraceError extends OvndbError {
  /** The datapath that was traced. */
  readonly datapath: string;
  /** The microflow that was traced. */
  readonly microflow: string;
  constructor(datapath: string, microflow: string, problem: string, cause?: unknown) {
    super('OVNDB_OVN_TRACE_FAILED', `ovn-trace ${datapath} '${microflow}': ${problem}`, {
      cause,
      details: { datapath, microflow },
    });
    this.datapath = datapath;
    this.microflow = microflow;
  }
}

/**
 * Two database dumps differ ({@link assertSameDatabase}). Shaped like node's AssertionError
 * (`actual`, `expected`, `operator`) so test reporters show it as a failed assertion;
 * `differences` holds one line per difference.
 */
export class DatabasesDifferError extends OvndbError {
  /** One readable line per difference, as {@link diffDumps} returns them. */
  readonly differences: readonly string[];
  /** The differences, as an assertion's actual value (reporters print it beside `expected`). */
  readonly actual: readonly string[];
  /** No differences: what the assertion expected. */
  readonly expected: readonly string[] = [];
  /** The failed check, as AssertionError names its operator. */
  readonly operator = 'assertSameDatabase';
  constructor(database: string, differences: readonly string[]) {
    super(
      'OVNDB_DATABASES_DIFFER',
      `${database}: the databases differ in ${differences.length} place(s):\n${differences.join('\n')}`,
      { details: { differences } },
    );
    this.differences = differences;
    this.actual = differences;
  }
}

/**
 * {@link startIcLab} (or an AZ's `startIc`) failed: a database, a sandbox or an ovn-ic did not
 * come up. Everything the start had launched is stopped before this is thrown. `stage` names
 * the step (e.g. `IC-SB cluster`, `az2 ovn-ic`); `logTail` holds the end of its log.
 */
export class IcLabStartError extends OvndbError {
  /** The step that failed. */
  readonly stage: string;
  /** The end of the failing process's log and stderr. */
  readonly logTail: string;
  constructor(stage: string, problem: string, logTail: string, cause?: unknown) {
    super('OVNDB_IC_LAB_START_FAILED', `OVN-IC lab, ${stage}: ${problem}\n--- log tail ---\n${logTail}`, {
      cause,
      details: { stage, logTail },
    });
    this.stage = stage;
    this.logTail = logTail;
  }
}

/**
 * A wait on the OVN-IC lab (a Northbound record to appear, routes to be learned) missed its
 * deadline. `lastObserved` is what the last probe saw; `logTail` the end of ovn-ic's log.
 */
export class IcLabTimeoutError extends OvndbError {
  /** What was awaited. */
  readonly waitedFor: string;
  /** The last observation before the deadline. */
  readonly lastObserved: string;
  /** The end of the AZ's ovn-ic log and stderr. */
  readonly logTail: string;
  constructor(waitedFor: string, timeoutMs: number, lastObserved: string, logTail: string, cause?: unknown) {
    super(
      'OVNDB_IC_LAB_TIMEOUT',
      `OVN-IC lab: ${waitedFor} did not happen within ${timeoutMs} ms (last seen: ${lastObserved})\n--- ovn-ic log tail ---\n${logTail}`,
      { cause, details: { waitedFor, timeoutMs, lastObserved, logTail } },
    );
    this.waitedFor = waitedFor;
    this.lastObserved = lastObserved;
    this.logTail = logTail;
  }
}
