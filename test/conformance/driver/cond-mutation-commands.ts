/**
 * The condition and mutation commands of Open vSwitch's C tests/test-ovsdb
 * (parse-conditions, evaluate-conditions[-any], compare-conditions, parse-mutations,
 * execute-mutations), printing what it prints. Upstream runs these cases only against
 * the C driver, so values print as its JSON writer does: compact, reals as `%.15g`.
 */
import type { BaseType } from '../../../src/protocol/base-type.js';
import type { ColumnType } from '../../../src/protocol/column-type.js';
import {
  compareConditions,
  datumEquals,
  evaluateConditions,
  evaluateConditionsAny,
  type ParsedClause,
  type ParsedCondition,
  parseConditions,
} from '../../../src/protocol/condition-eval.js';
import { defaultDatum, parseDatum } from '../../../src/protocol/datum.js';
import { ClauseError, MutationError } from '../../../src/protocol/mutation-errors.js';
import {
  executeMutations,
  type ParsedMutation,
  parseMutations,
} from '../../../src/protocol/mutation-exec.js';
import type { WireAtom, WireValue } from '../../../src/protocol/notation.js';
import { formatG15 } from '../../../src/protocol/number-format.js';
import { findColumn, parseTableSchema, type TableSchema } from '../../../src/protocol/schema.js';
import { InvalidValueError } from '../../../src/protocol/validation-errors.js';
import { type DriverCommand, ovsErrorText, type Print } from './data-commands.js';
import { parseJson } from './data-json.js';

const TABLE = 'mytable';

function readTable(text: string): TableSchema {
  const json = parseJson(text);
  // test-ovsdb accepts `[x]` wherever it accepts `x`.
  return parseTableSchema(TABLE, Array.isArray(json) && json.length === 1 ? json[0] : json);
}

function readArray(text: string, what: string): unknown[] {
  const json = parseJson(text);
  if (!Array.isArray(json)) throw new Error(`${what} argument is not JSON array`);
  return json;
}

function atomText(base: BaseType, atom: WireAtom): string {
  if (Array.isArray(atom)) return `["${atom[0]}","${atom[1]}"]`;
  if (base.type === 'real') return formatG15(Number(atom));
  return typeof atom === 'string' ? JSON.stringify(atom) : String(atom);
}

/** A canonical datum as the C JSON writer prints it. */
function datumText(t: ColumnType, v: WireValue): string {
  if (Array.isArray(v) && v[0] === 'map') {
    const pairs = (v[1] as [WireAtom, WireAtom][]).map(
      ([k, x]) => `[${atomText(t.key, k)},${atomText(t.value as BaseType, x)}]`,
    );
    return `["map",[${pairs.join(',')}]]`;
  }
  if (Array.isArray(v) && v[0] === 'set') {
    return `["set",[${(v[1] as WireAtom[]).map((a) => atomText(t.key, a)).join(',')}]]`;
  }
  return atomText(t.key, v as WireAtom);
}

function clauseText(c: ParsedClause): string {
  if (c.kind === 'constant') return String(c.value);
  return `[${JSON.stringify(c.column.name)},${JSON.stringify(c.fn)},${datumText(c.column.type, c.arg)}]`;
}

function mutationText(m: ParsedMutation): string {
  return `[${JSON.stringify(m.column.name)},${JSON.stringify(m.mutator)},${datumText(m.argType, m.arg)}]`;
}

function errorText(e: unknown): string {
  if (e instanceof InvalidValueError) return ovsErrorText(e);
  if (e instanceof ClauseError || e instanceof MutationError) return `${e.tag}: ${e.reason}`;
  throw e;
}

/** Rows from JSON objects, every declared column present (defaults where absent). */
function readRows(table: TableSchema, text: string): Array<Record<string, WireValue>> {
  return readArray(text, 'ROW').map((json) => {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error('row must be a JSON object');
    }
    const row: Record<string, WireValue> = {};
    for (const [name, c] of table.columns) row[name] = defaultDatum(c.type);
    for (const [name, value] of Object.entries(json)) {
      const column = findColumn(table, name);
      if (column === undefined)
        throw new ClauseError('unknown column', `No column ${name} in table ${TABLE}.`, json);
      row[name] = parseDatum(column.type, value, { table: TABLE, column: name });
    }
    return row;
  });
}

// Parses each argument on its own; failures go to stderr and the exit status, as upstream.
function parseEach<T>(
  args: string[],
  parse: (table: TableSchema, json: unknown) => T,
  show: (x: T) => string,
  print: Print,
): void {
  const table = readTable(args[0] as string);
  let failed = false;
  for (const text of args.slice(1)) {
    try {
      print(show(parse(table, parseJson(text))));
    } catch (e) {
      process.stderr.write(`test-ovsdb: ${errorText(e)}\n`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

function evaluate(args: string[], print: Print, any: boolean): void {
  const table = readTable(args[0] as string);
  const conditions = readArray(args[1] as string, 'CONDITION').map((c) => parseConditions(table, c));
  const rows = readRows(table, args[2] as string);
  conditions.forEach((cnd, i) => {
    let line = `condition ${String(i).padStart(2)}:`;
    rows.forEach((row, j) => {
      if (j % 5 === 0) line += ' ';
      line += (any ? evaluateConditionsAny(row, cnd) : evaluateConditions(row, cnd)) ? 'T' : '-';
    });
    print(line);
  });
}

function compare(args: string[], print: Print): void {
  const table = readTable(args[0] as string);
  const conditions: ParsedCondition[] = readArray(args[1] as string, 'CONDITION').map((c) =>
    parseConditions(table, c),
  );
  for (let i = 0; i + 1 < conditions.length; i++) {
    const res = compareConditions(conditions[i] as ParsedCondition, conditions[i + 1] as ParsedCondition);
    print(`condition ${i}-${i + 1}: ${res}`);
  }
}

function execute(args: string[], print: Print): void {
  const table = readTable(args[0] as string);
  const sets = readArray(args[1] as string, 'MUTATION').map((m) => parseMutations(table, m));
  const rows = readRows(table, args[2] as string);
  sets.forEach((set, i) => {
    print(`mutation ${String(i).padStart(2)}:`);
    rows.forEach((row, j) => {
      let text: string;
      try {
        const after = executeMutations(row, set);
        const changed: string[] = [];
        for (const [name, c] of table.columns) {
          const v = after[name] as WireValue;
          if (!datumEquals(c.type, v, row[name] as WireValue)) {
            changed.push(`${JSON.stringify(name)}:${datumText(c.type, v)}`);
          }
        }
        text = changed.length > 0 ? `{${changed.join(',')}}` : 'no change';
      } catch (e) {
        text = errorText(e);
      }
      print(`row ${j}: ${text}`);
    });
    print('');
  });
}

/** The condition and mutation commands, by name. */
export const COND_MUTATION_COMMANDS: Readonly<Record<string, DriverCommand>> = {
  'parse-conditions': {
    min: 1,
    run: (args, print) => parseEach(args, parseConditions, (c) => `[${c.map(clauseText).join(',')}]`, print),
  },
  'evaluate-conditions': { exact: 3, run: (args, print) => evaluate(args, print, false) },
  'evaluate-conditions-any': { exact: 3, run: (args, print) => evaluate(args, print, true) },
  'compare-conditions': { exact: 2, run: compare },
  'parse-mutations': {
    min: 1,
    run: (args, print) => parseEach(args, parseMutations, (s) => `[${s.map(mutationText).join(',')}]`, print),
  },
  'execute-mutations': { exact: 3, run: execute },
};
