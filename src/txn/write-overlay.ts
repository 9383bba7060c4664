/**
 * The rows as a transaction's own writes leave them, before anything is sent: what lets a
 * body read what it wrote earlier in the same body (create a router, then add a route to it,
 * in one transaction).
 *
 * Rows the transaction inserts are kept whole and changed in place by later operations. Rows
 * that exist underneath (in a replica, or read from the server) are never copied up front:
 * every `update`, `mutate` and `delete` is logged per table, and a row read from underneath is
 * replayed through the log of its table when it is read, memoized by the row version it was
 * read at. Reading a table the transaction has not written costs nothing.
 *
 * Operations are applied with ovsdb-server's semantics (src/protocol: conditions, mutations),
 * on typed rows as the row codec decodes them. Two things are not modelled: a row of a
 * non-root table that loses its last reference stays visible until the commit (the server
 * collects it then), and weak references are not cleared when their target is deleted.
 */
import type { ColumnCodec } from '../cache/column-codec.js';
import { columnCodec } from '../cache/column-codec.js';
import { entryOf } from '../entry-of.js';
import { withChosenUuid } from '../model/chosen-uuid.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { decodeValue } from '../model/row-codec.js';
import { encodeValue } from '../model/row-encode.js';
import { normalizeDatum } from '../protocol/datum.js';
import { mutateValue, type ParsedMutation, parseMutations } from '../protocol/mutation-exec.js';
import type { Operation } from '../protocol/operations.js';
import type { TableSchema } from '../protocol/schema.js';
import { descriptorOf } from './descriptor-of.js';
import { type RowCondition, rowCondition, rowMatches } from './row-match.js';

type Row = Record<string, unknown>;

/** One write to rows that exist underneath, as logged for its table. */
type LoggedWrite =
  | { readonly kind: 'update'; readonly where: RowCondition; readonly columns: Row }
  | { readonly kind: 'mutate'; readonly where: RowCondition; readonly mutations: ParsedMutation[] }
  | { readonly kind: 'delete'; readonly where: RowCondition };

/** A row underneath as the log has left it, and how far into the log that is. */
interface Replayed {
  readonly base: Row;
  readonly upTo: number;
  readonly row: Row | undefined;
}

interface TableWrites {
  readonly schema: TableSchema;
  readonly codecs: ReadonlyMap<string, ColumnCodec>;
  /** Rows inserted by the transaction, as later writes left them (deleted ones removed). */
  readonly inserted: Map<string, Row>;
  /** Writes that may touch rows underneath, in order. */
  readonly log: LoggedWrite[];
  /** UUIDs named by `_uuid ==` writes: the only rows underneath those writes can touch. */
  readonly targeted: Set<string>;
  /** True once a write selects rows by anything but their UUID. */
  scans: boolean;
  readonly replayed: Map<string, Replayed>;
}

/** The zero UUID, the `_version` of a row the transaction inserted (the server sets the real one). */
const UNCOMMITTED_VERSION = '00000000-0000-0000-0000-000000000000';

/** The writes of one transaction attempt, readable as rows. */
export class WriteOverlay {
  private readonly tables = new Map<string, TableWrites>();
  /** UUIDs of the rows inserted so far, by `uuid-name`. */
  private readonly named = new Map<string, string>();

  constructor(private readonly model: DatabaseModel<Record<string, unknown>>) {}

  /**
   * Records `operation` and returns it as it is to be sent: an `insert` without a UUID gets a
   * client-chosen one, so that the new row can be read (and referred to) by UUID before the
   * commit. Throws, as the server would refuse it, for a clause or mutation that does not fit
   * the table.
   */
  add(operation: Operation): Operation {
    switch (operation.op) {
      case 'insert': {
        const sent = operation.uuid === undefined ? withChosenUuid(operation) : operation;
        const uuid = (sent.uuid as string).toLowerCase();
        if (sent['uuid-name'] !== undefined) this.named.set(sent['uuid-name'], uuid);
        const table = this.table(sent.table);
        table.inserted.set(uuid, this.insertedRow(table, uuid, sent.row));
        return sent;
      }
      case 'update':
        this.log(operation.table, (schema) => ({
          kind: 'update',
          where: rowCondition(schema, this.resolve(operation.where) as unknown[]),
          columns: this.decodeColumns(this.table(operation.table), operation.row),
        }));
        return operation;
      case 'mutate':
        this.log(operation.table, (schema) => ({
          kind: 'mutate',
          where: rowCondition(schema, this.resolve(operation.where) as unknown[]),
          mutations: parseMutations(schema, this.resolve(operation.mutations)),
        }));
        return operation;
      case 'delete':
        this.log(operation.table, (schema) => ({
          kind: 'delete',
          where: rowCondition(schema, this.resolve(operation.where) as unknown[]),
        }));
        return operation;
      default:
        return operation;
    }
  }

  /** The UUID of the row inserted under `uuid-name` `name`, if any. */
  uuidOfName(name: string): string | undefined {
    return this.named.get(name);
  }

  /** True when the transaction has written to `table`. */
  wrote(table: string): boolean {
    return this.tables.has(table);
  }

  /** True when `uuid` of `table` is a row this transaction inserted (deleted since or not). */
  inserted(table: string, uuid: string): boolean {
    return this.tables.get(table)?.inserted.has(uuid) ?? false;
  }

  /** The rows of `table` this transaction inserted and has not deleted. */
  insertedRows(table: string): Iterable<Row> {
    return this.tables.get(table)?.inserted.values() ?? [];
  }

  /**
   * UUIDs of rows underneath that writes so far may have touched, or undefined when some write
   * selected rows by a condition (any row may then have changed).
   */
  touched(table: string): ReadonlySet<string> | undefined {
    const writes = this.tables.get(table);
    if (writes === undefined) return new Set();
    return writes.scans ? undefined : writes.targeted;
  }

  /**
   * Row `uuid` of `table` as the transaction leaves it, given `base`, the row underneath
   * (undefined when there is none): an inserted row, the base row replayed through the
   * writes, or undefined when deleted or absent.
   */
  row(table: string, uuid: string, base: Row | undefined): Row | undefined {
    const writes = this.tables.get(table);
    if (writes === undefined) return base;
    const own = writes.inserted.get(uuid);
    if (own !== undefined) return own;
    if (base === undefined) return undefined;
    if (!writes.scans && !writes.targeted.has(uuid)) return base;
    const seen = writes.replayed.get(uuid);
    let row: Row | undefined = base;
    let from = 0;
    if (seen !== undefined && seen.base === base) {
      if (seen.upTo === writes.log.length) return seen.row;
      row = seen.row;
      from = seen.upTo;
    }
    for (let i = from; i < writes.log.length && row !== undefined; i++) {
      row = applyWrite(writes, writes.log[i] as LoggedWrite, row);
    }
    writes.replayed.set(uuid, { base, upTo: writes.log.length, row });
    return row;
  }

  private table(name: string): TableWrites {
    let writes = this.tables.get(name);
    if (writes === undefined) {
      const schema = descriptorOf(this.model, name);
      writes = {
        schema,
        codecs: entryOf(codecsBySchema, schema, makeCodecs),
        inserted: new Map(),
        log: [],
        targeted: new Set(),
        scans: false,
        replayed: new Map(),
      };
      this.tables.set(name, writes);
    }
    return writes;
  }

  private log(name: string, make: (schema: TableSchema) => LoggedWrite): void {
    const writes = this.table(name);
    const write = make(writes.schema);
    // Rows this transaction inserted are all known: apply to them now.
    for (const [uuid, row] of writes.inserted) {
      const next = applyWrite(writes, write, row);
      if (next === undefined) writes.inserted.delete(uuid);
      else if (next !== row) writes.inserted.set(uuid, next);
    }
    writes.log.push(write);
    if (write.where.uuid !== undefined) writes.targeted.add(write.where.uuid);
    else writes.scans = true;
  }

  private insertedRow(writes: TableWrites, uuid: string, wire: Readonly<Record<string, unknown>>): Row {
    const row: Row = { _uuid: uuid, _version: UNCOMMITTED_VERSION };
    for (const codec of writes.codecs.values()) {
      if (codec.defaultValue !== undefined) row[codec.name] = codec.defaultValue;
    }
    return Object.assign(row, this.decodeColumns(writes, wire));
  }

  /** Typed values of wire columns `wire` (named UUIDs resolved); an emptied optional is `undefined`. */
  private decodeColumns(writes: TableWrites, wire: Readonly<Record<string, unknown>>): Row {
    const out: Row = {};
    for (const name of Object.keys(wire)) {
      const codec = writes.codecs.get(name);
      if (codec === undefined) continue;
      out[name] = decodeTyped(codec, this.resolve(wire[name]));
    }
    return out;
  }

  /** `wire` with every `["named-uuid", n]` of a row inserted so far replaced by its `["uuid", u]`. */
  private resolve(wire: unknown): unknown {
    if (!Array.isArray(wire)) return wire;
    if (wire.length === 2 && wire[0] === 'named-uuid' && typeof wire[1] === 'string') {
      const uuid = this.named.get(wire[1]);
      return uuid === undefined ? wire : ['uuid', uuid];
    }
    let out: unknown[] | undefined;
    for (let i = 0; i < wire.length; i++) {
      const item = wire[i] as unknown;
      const resolved = this.resolve(item);
      if (resolved !== item) {
        out ??= wire.slice();
        out[i] = resolved;
      }
    }
    return out ?? wire;
  }
}

/** The column codecs of each table schema, made once: every transaction writing the table uses them. */
const codecsBySchema = new WeakMap<TableSchema, ReadonlyMap<string, ColumnCodec>>();

/** The codecs of the columns of `schema`, by column name. */
function makeCodecs(schema: TableSchema): ReadonlyMap<string, ColumnCodec> {
  const codecs = new Map<string, ColumnCodec>();
  for (const [column, def] of schema.columns) codecs.set(column, columnCodec(schema.name, column, def.type));
  return codecs;
}

/** The typed value of wire value `wire` of a column, normalized first (as the server stores it). */
function decodeTyped(codec: ColumnCodec, wire: unknown): unknown {
  const value = decodeValue(codec.type, normalizeDatum(codec.type, wire, codec.where), codec.where);
  return value === undefined ? codec.defaultValue : value;
}

/** `row` after `write` (the same object when the write does not select it; undefined when deleted). */
function applyWrite(writes: TableWrites, write: LoggedWrite, row: Row): Row | undefined {
  if (!rowMatches(writes.schema, row, write.where)) return row;
  switch (write.kind) {
    case 'delete':
      return undefined;
    case 'update':
      return withColumns(row, write.columns);
    case 'mutate': {
      const changed: Row = {};
      for (const m of write.mutations) {
        const codec = writes.codecs.get(m.column.name) as ColumnCodec;
        const current = Object.hasOwn(changed, codec.name) ? changed[codec.name] : row[codec.name];
        const wire =
          current === undefined
            ? m.missing
            : normalizeDatum(codec.type, encodeValue(codec.type, current, codec.where), codec.where);
        changed[codec.name] = decodeTyped(codec, mutateValue(m, wire));
      }
      return withColumns(row, changed);
    }
  }
}

/** A new row: `row` with `columns` set (an `undefined` value removes the property). */
function withColumns(row: Row, columns: Row): Row {
  const next: Row = { ...row };
  for (const [name, value] of Object.entries(columns)) {
    if (value === undefined) delete next[name];
    else next[name] = value;
  }
  return next;
}
