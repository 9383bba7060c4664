/** The error both directions of the row codec throw for a value of the wrong shape. */
import { InvalidValueError, type ValueLocation } from '../protocol/validation-errors.js';

// The location object is only built when an error is thrown: none on the success path.
export function codecFailure(
  reason: string,
  value: unknown,
  table: string | undefined,
  column: string | undefined,
): never {
  const where: ValueLocation = {};
  if (table !== undefined) where.table = table;
  if (column !== undefined) where.column = column;
  throw new InvalidValueError('syntax', reason, value, where);
}
