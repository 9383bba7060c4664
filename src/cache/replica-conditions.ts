/**
 * The monitor conditions of a replica's tables: the latest each table was asked for, and the
 * one the server last acknowledged. A resume carries the latest; when the two differ the
 * server's "changes since" would be computed under the wrong condition, so the resume asks
 * for full contents instead. Callers of `setCondition` wait here until their condition (or a
 * later one) is in force.
 */
import type { MonitorCondition } from '../protocol/conditions.js';
import type { MonitorPlan } from './monitor-plan.js';

/** One table's condition, numbered in the order it was asked for. */
export interface ConditionEntry {
  readonly where: MonitorCondition[] | undefined;
  readonly seq: number;
}

interface Waiter {
  readonly table: string;
  readonly seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Wanted and acknowledged conditions per table. */
export class ReplicaConditions {
  private seq = 0;
  private readonly wanted = new Map<string, ConditionEntry>();
  private readonly acked = new Map<string, ConditionEntry>();
  private waiters: Waiter[] = [];

  constructor(plan: MonitorPlan) {
    this.replan(plan);
  }

  /** Adds the tables of `plan` not known yet, with the plan's condition. */
  replan(plan: MonitorPlan): void {
    for (const [name, table] of plan.tables) {
      if (this.wanted.has(name)) continue;
      const entry: ConditionEntry = { where: table.where, seq: 0 };
      this.wanted.set(name, entry);
      this.acked.set(name, entry);
    }
  }

  /** The latest condition asked for `table`. */
  where(table: string): MonitorCondition[] | undefined {
    return this.wanted.get(table)?.where;
  }

  /** Records a new condition for `table`; it is the one every later monitor request carries. */
  ask(table: string, where: MonitorCondition[]): ConditionEntry {
    const entry: ConditionEntry = { where, seq: ++this.seq };
    this.wanted.set(table, entry);
    return entry;
  }

  /** The conditions a monitor request sent now carries. */
  snapshot(): Map<string, ConditionEntry> {
    return new Map(this.wanted);
  }

  /** A monitor request carrying `sent` was answered: those are in force now. */
  established(sent: ReadonlyMap<string, ConditionEntry>): void {
    for (const [table, entry] of sent) this.acked.set(table, entry);
    this.settle();
  }

  /** The server acknowledged `entry` for `table` (a `monitor_cond_change` reply). */
  acknowledged(table: string, entry: ConditionEntry): void {
    if ((this.acked.get(table)?.seq ?? -1) < entry.seq) this.acked.set(table, entry);
    this.settle();
  }

  /** The server refused `entry`: the table goes back to what is in force, and its caller fails. */
  refused(table: string, entry: ConditionEntry, error: unknown): void {
    const acked = this.acked.get(table);
    if (this.wanted.get(table) === entry && acked !== undefined) this.wanted.set(table, acked);
    this.waiters = this.waiters.filter((w) => {
      if (w.table !== table || w.seq !== entry.seq) return true;
      w.reject(error);
      return false;
    });
  }

  /** True when some table's latest condition is not the one the server acknowledged. */
  unacknowledged(): boolean {
    for (const [table, entry] of this.wanted) if (this.acked.get(table)?.seq !== entry.seq) return true;
    return false;
  }

  /** Tables asked for a condition newer than the one in force, with that condition. */
  behind(): Array<[string, ConditionEntry]> {
    const out: Array<[string, ConditionEntry]> = [];
    for (const [table, entry] of this.wanted) {
      if ((this.acked.get(table)?.seq ?? -1) < entry.seq) out.push([table, entry]);
    }
    return out;
  }

  /** Resolves once `entry` (or a later condition of `table`) is in force. */
  wait(table: string, entry: ConditionEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ table, seq: entry.seq, resolve, reject });
    });
  }

  /** Every waiting caller fails with `error` (the replica stopped). */
  failAll(error: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if ((this.acked.get(w.table)?.seq ?? -1) < w.seq) return true;
      w.resolve();
      return false;
    });
  }
}
