import { OvndbError } from '../errors.js';

/**
 * A raft cluster did not reach the state a control call waits for (a leader, a member
 * rejoined, a process gone) before its deadline. `details.lastStatus` holds the last
 * `cluster/status` output (or other observation) seen, for the test log.
 */
export class RaftTimeoutError extends OvndbError {
  /** What was awaited, e.g. `member 2 to know a leader`. */
  readonly waitedFor: string;
  /** The last observation before the deadline passed. */
  readonly lastStatus: string;
  constructor(waitedFor: string, timeoutMs: number, lastStatus: string) {
    super(
      'OVNDB_RAFT_TIMEOUT',
      `raft cluster: no ${waitedFor} within ${timeoutMs} ms\n--- last status ---\n${lastStatus}`,
      {
        details: { waitedFor, timeoutMs, lastStatus },
      },
    );
    this.waitedFor = waitedFor;
    this.lastStatus = lastStatus;
  }
}

/**
 * A control call named a member that does not exist, or one in the wrong state for it
 * (e.g. `failureTest` on a member that is down).
 */
export class RaftMemberStateError extends OvndbError {
  /** The member index the call named. */
  readonly member: number;
  constructor(member: number, problem: string) {
    super('OVNDB_RAFT_MEMBER_STATE', `raft member ${member}: ${problem}`, { details: { member } });
    this.member = member;
  }
}
