/**
 * The data commands of Open vSwitch's tests/test-ovsdb.py (parse-*, sort-atoms,
 * default-*), printing exactly what it prints. Each command gets its arguments and an
 * output sink; failures are thrown and reported by the caller.
 */
import { compareAtoms, defaultAtom, parseAtom } from '../../../src/protocol/atom.js';
import {
  ATOMIC_TYPES,
  baseTypeToJson,
  parseAtomicType,
  parseBaseType,
} from '../../../src/protocol/base-type.js';
import { type ColumnType, columnTypeToJson, parseColumnType } from '../../../src/protocol/column-type.js';
import { defaultDatum, parseDatum } from '../../../src/protocol/datum.js';
import type { WireAtom } from '../../../src/protocol/notation.js';
import { parseColumnSchema, parseDatabaseSchema, parseTableSchema } from '../../../src/protocol/schema.js';
import {
  columnSchemaToJson,
  databaseSchemaToJson,
  tableSchemaToJson,
} from '../../../src/protocol/schema-json.js';
import { InvalidValueError, SchemaError } from '../../../src/protocol/validation-errors.js';
import { parseJson, printJson } from './data-json.js';

/** Where a command writes its lines. */
export type Print = (line: string) => void;

/**
 * One driver command: how many arguments it takes (`exact`, or at least `min`) and what
 * it does.
 */
export interface DriverCommand {
  /** Exact argument count, when fixed. */
  readonly exact?: number;
  /** Minimum argument count, when variable. */
  readonly min?: number;
  /** Runs the command. */
  readonly run: (args: string[], print: Print) => void | Promise<void>;
}

// test-ovsdb.py accepts `[x]` wherever it accepts `x`, so scalars can pass through argv as JSON.
function unbox(json: unknown): unknown {
  return Array.isArray(json) && json.length === 1 ? json[0] : json;
}

function readArg(text: string): unknown {
  return unbox(parseJson(text));
}

/** The message test-ovsdb.py prints for a data or schema error (`syntax "<json>": <tag>: <reason>`). */
export function ovsErrorText(e: SchemaError | InvalidValueError): string {
  const json = e instanceof SchemaError ? e.json : e.kind === 'syntax' ? e.value : undefined;
  const syntax = json === undefined ? '' : `syntax "${printJson(json)}": `;
  return `${syntax}${e.tag}: ${e.reason}`;
}

function defaultAtoms(_args: string[], print: Print): void {
  for (const t of ATOMIC_TYPES) {
    // The default must be a valid atom of its type that survives normalization unchanged.
    const atom = defaultAtom(t);
    const same = compareAtoms(parseAtom({ type: t }, atom), atom) === 0;
    print(`${t}: ${same ? 'OK' : 'wrong'}`);
  }
}

function defaultData(_args: string[], print: Print): void {
  for (const min of [0, 1]) {
    for (const key of ATOMIC_TYPES) {
      for (const value of ['void', ...ATOMIC_TYPES] as const) {
        const type: ColumnType =
          value === 'void'
            ? { key: { type: key }, min, max: 1 }
            : { key: { type: key }, value: { type: value }, min, max: 1 };
        const datum = defaultDatum(type);
        const same = printJson(parseDatum(type, datum)) === printJson(datum);
        print(`key ${key}, value ${value}, n_min ${min}: ${same ? 'OK' : 'wrong'}`);
      }
    }
  }
}

function parseAtoms(args: string[], print: Print): void {
  const base = parseBaseType(readArg(args[0] as string));
  for (const text of args.slice(1)) {
    try {
      print(printJson(parseAtom(base, readArg(text))));
    } catch (e) {
      if (!(e instanceof InvalidValueError)) throw e;
      print(ovsErrorText(e));
    }
  }
}

function parseData(args: string[], print: Print): void {
  const type = parseColumnType(readArg(args[0] as string));
  for (const text of args.slice(1)) print(printJson(parseDatum(type, readArg(text))));
}

function sortAtoms(args: string[], print: Print): void {
  const base = parseBaseType(readArg(args[0] as string));
  const list = readArg(args[1] as string);
  const atoms: WireAtom[] = (Array.isArray(list) ? list : [list]).map((a) => parseAtom(base, a));
  print(printJson(atoms.sort(compareAtoms)));
}

/** The data commands, by name. */
export const DATA_COMMANDS: Readonly<Record<string, DriverCommand>> = {
  'default-atoms': { exact: 0, run: defaultAtoms },
  'default-data': { exact: 0, run: defaultData },
  'parse-atomic-type': {
    exact: 1,
    run: ([t], print) => print(printJson(parseAtomicType(readArg(t as string)))),
  },
  'parse-base-type': {
    exact: 1,
    run: ([t], print) => print(printJson(baseTypeToJson(parseBaseType(readArg(t as string))))),
  },
  'parse-type': {
    exact: 1,
    run: ([t], print) => print(printJson(columnTypeToJson(parseColumnType(readArg(t as string))))),
  },
  'parse-atoms': { min: 2, run: parseAtoms },
  'parse-data': { min: 2, run: parseData },
  'sort-atoms': { exact: 2, run: sortAtoms },
  'parse-column': {
    exact: 2,
    run: ([name, json], print) =>
      print(printJson(columnSchemaToJson(parseColumnSchema(name as string, readArg(json as string))))),
  },
  'parse-table': {
    min: 2,
    run: ([name, json, defaultIsRoot], print) =>
      print(
        printJson(
          tableSchemaToJson(
            parseTableSchema(name as string, readArg(json as string)),
            defaultIsRoot === 'true',
          ),
        ),
      ),
  },
  'parse-schema': {
    exact: 1,
    run: ([json], print) =>
      print(printJson(databaseSchemaToJson(parseDatabaseSchema(readArg(json as string))))),
  },
};
