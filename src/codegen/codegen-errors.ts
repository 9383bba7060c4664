import { OvndbError } from '../errors.js';

/**
 * The generator cannot turn a valid schema into TypeScript, e.g. because two tables (or
 * a table and a generated helper) map to the same TypeScript name.
 */
export class CodegenError extends OvndbError {
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super('OVNDB_CODEGEN_FAILED', message, options);
  }
}

/** Bad command-line arguments to the generator (unknown option, missing value). */
export class CodegenUsageError extends OvndbError {
  constructor(message: string) {
    super('OVNDB_CODEGEN_USAGE', message);
  }
}
