/** RFC 7047 §5.1 conditions: `[column, function, value]`, used by `where` clauses and monitor_cond. */
import type { WireValue } from './notation.js';

/** The comparison functions a condition may use. `<`..`>` apply to integer and real columns only. */
export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';

/** A condition as it travels on the wire. */
export type Condition = [column: string, fn: ConditionFunction, value: WireValue];

/**
 * A monitor_cond clause: a condition, or a boolean (`true` selects every row, `false` none).
 * Only `monitor_cond` and `monitor_cond_change` accept the boolean form.
 */
export type MonitorCondition = Condition | boolean;

/** Every condition function, for validation. */
export const conditionFunctions: ReadonlySet<string> = new Set<ConditionFunction>([
  '<',
  '<=',
  '==',
  '!=',
  '>=',
  '>',
  'includes',
  'excludes',
]);

/** `[column, fn, value]`, typed. */
export function where(column: string, fn: ConditionFunction, value: WireValue): Condition {
  return [column, fn, value];
}
