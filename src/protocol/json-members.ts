import { ID_PATTERN } from './identifiers.js';
import { SchemaError } from './validation-errors.js';

/** JSON kinds a schema member may have, as ovsdb-server's parser names them. */
export type MemberKind = 'string' | 'id' | 'object' | 'array' | 'boolean' | 'integer' | 'number';

/** True for an OVSDB identifier: a letter or `_`, then letters, digits or `_`. */
export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer as JSON parsing can produce it: a safe-integer number or a bigint. */
export function isJsonInteger(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function hasKind(value: unknown, kind: MemberKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'id':
      return isIdentifier(value);
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return isJsonInteger(value);
    case 'number':
      return typeof value === 'number' || typeof value === 'bigint';
  }
}

/**
 * Reads the members of one JSON object the way ovsdb-server does: each member has
 * allowed kinds, required members must be present, and {@link MemberParser.finish}
 * rejects members nobody asked for, so typos in schemas are caught.
 */
export class MemberParser {
  private readonly object: Record<string, unknown>;
  private readonly used = new Set<string>();

  /** @param what names the object in messages, e.g. `table schema for table X`. */
  constructor(
    private readonly json: unknown,
    private readonly what: string,
  ) {
    if (!isJsonObject(json)) this.fail('Object expected.');
    this.object = json as Record<string, unknown>;
  }

  /** A required member of one of `kinds`. */
  get(name: string, ...kinds: MemberKind[]): unknown {
    const value = this.optional(name, ...kinds);
    if (value === undefined) this.fail(`Required '${name}' member is missing.`);
    return value;
  }

  /** An optional member of one of `kinds` (any kind when none is given), or `undefined` when absent. */
  optional(name: string, ...kinds: MemberKind[]): unknown {
    if (!Object.hasOwn(this.object, name)) return undefined;
    this.used.add(name);
    const value = this.object[name];
    if (kinds.length > 0 && !kinds.some((k) => hasKind(value, k)))
      this.fail(`Type mismatch for member '${name}'.`);
    return value;
  }

  /** Rejects members that no `get`/`optional` call consumed. */
  finish(): void {
    const extra = Object.keys(this.object).filter((k) => !this.used.has(k));
    if (extra.length === 0) return;
    const others = extra.length - 1;
    const present = others === 0 ? 'is' : `and ${others} other member${others === 1 ? '' : 's'} are`;
    this.fail(`Member '${extra[0]}' ${present} present but not allowed here`);
  }

  private fail(message: string): never {
    throw new SchemaError(`Parsing ${this.what} failed: ${message}`, { json: this.json });
  }
}
