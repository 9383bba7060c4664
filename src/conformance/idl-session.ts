/**
 * The `idl` command of Open vSwitch's tests/test-ovsdb.py (`do_idl`), on ovndb's replica and
 * optimistic transactions: connect, replicate the registered tables, then run each command
 * and print what test-ovsdb.py prints.
 *
 * Commands: a JSON transaction (`[...]`, sent on a second connection, as upstream does, and
 * its reply printed), `condition TABLE COND[;TABLE COND...]`, `reconnect`, or an `idl_set`
 * transaction (idl-txn.ts). Before each command the driver waits for the database to change
 * and prints it; a `+` prefix skips that (the previous command changed nothing), `^` instead
 * waits for condition changes to be acknowledged, and `?` prints only table names.
 */
import { readFileSync } from 'node:fs';
import { Replica } from '../cache/replica.js';
import type { ReplicaTableOptions } from '../cache/replica-options.js';
import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import { buildDatabaseModel } from '../model/build-model.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { decodeValue } from '../model/row-codec.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import type { ColumnType } from '../protocol/column-type.js';
import type { ConditionFunction } from '../protocol/conditions.js';
import { implicitColumnType } from '../protocol/schema.js';
import type { DriverCommand } from './data-commands.js';
import { parseJson, printJson } from './data-json.js';
import { type IdlArgs, IdlArgumentError, parseIdlArgs } from './idl-args.js';
import { notifyLine, type Print, printIdl, stepText } from './idl-print.js';
import { ChangeTracker, printIdlC } from './idl-track.js';
import { IdlCommandError, runIdlTxn } from './idl-txn.js';
import { IdlView, type Tables, type ViewTable } from './idl-view.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

type Condition = ReadonlyArray<TypedCondition<Record<string, unknown>> | boolean>;

/** One run of the `idl` command. */
class IdlSession {
  private step = 0;
  private seqno = 0;
  private client!: OvsdbClient;
  private replica!: Replica<Tables>;
  private rpc: OvsdbClient | undefined;
  /** The latest condition of each table, as JSON (`[true]` when never set). */
  private readonly conditions = new Map<string, unknown[]>();
  private pendingConditions: Promise<void>[] = [];
  /** `#N#` names of UUIDs seen in JSON transaction replies. */
  private readonly symbols = new Map<string, string>();
  private readonly view: IdlView;
  /** With `-c`: the C IDL's change tracking, and output in the C driver's format. */
  private readonly tracker: ChangeTracker | undefined;

  constructor(
    private readonly args: IdlArgs,
    private readonly model: DatabaseModel<Tables>,
    private readonly print: Print,
    track: boolean,
  ) {
    const tables = new Map<string, ViewTable>();
    for (const name of model.tableNames) {
      const schema = model.tables[name];
      const registered = args.register === undefined ? undefined : args.register.get(name);
      if (schema === undefined || (args.register !== undefined && registered === undefined)) continue;
      const all = registered?.columns ?? [...schema.columns.keys()];
      const monitored = all.filter((c) => !registered?.readonly.includes(c));
      tables.set(name, {
        schema,
        registered: new Set(all),
        monitored: new Set(monitored),
        rows: new Map(),
        fetched: new Map(),
      });
    }
    this.view = new IdlView(tables);
    if (args.trackNotify) this.view.notify = (notice) => this.print(notifyLine(this.view, this.step, notice));
    this.tracker = track ? new ChangeTracker(this.view) : undefined;
  }

  /** Prints the database at the current step: `print_idl`, or with `-c` the tracked rows. */
  private printStep(terse: boolean, final: boolean): void {
    const step = this.step++;
    if (this.tracker === undefined) printIdl(this.view, step, terse, this.print);
    else {
      printIdlC(this.view, this.tracker, step, terse, !final, this.print);
      this.tracker.clear();
    }
  }

  async run(): Promise<void> {
    const commands = [...this.args.commands];
    if (commands[0]?.includes('condition')) {
      this.changeConditions(commands.shift() as string, false);
      this.step++;
    }
    await this.connect(false);
    if (commands.length > 0) this.rpc = await connect(this.args.remote, { validate: false });
    try {
      for (let command of commands) {
        let terse = false;
        if (command.startsWith('?')) {
          terse = true;
          command = command.slice(1);
        }
        if (command.startsWith('+')) {
          command = command.slice(1);
        } else if (command.startsWith('^')) {
          command = command.slice(1);
          const pending = this.pendingConditions;
          this.pendingConditions = [];
          await Promise.all(pending);
          this.view.drain();
        } else {
          await this.view.waitForChange(this.seqno);
          this.printStep(terse, false);
        }
        this.seqno = this.view.changeSeqno;

        if (command === 'reconnect') {
          this.print(`${stepText(this.step++)}: reconnect`);
          await this.reconnect();
        } else if (command.includes('condition')) {
          this.changeConditions(command, true);
          this.step++;
        } else if (!command.startsWith('[')) {
          const context = {
            client: this.client,
            model: this.model,
            view: this.view,
            replica: this.replica,
            print: this.print,
          };
          if (!(await runIdlTxn(context, command, this.step))) this.seqno = 0;
          this.step++;
        } else {
          await this.transact(command);
        }
      }
      await this.rpc?.close();
      this.rpc = undefined;
      await this.view.waitForChange(this.seqno);
      this.printStep(false, true);
      await Promise.all(this.pendingConditions);
    } finally {
      this.view.close();
      await this.rpc?.close();
      await this.replica.close();
      await this.client.close();
    }
    this.print(`${stepText(this.step)}: done`);
  }

  /** Connects the IDL connection and starts the replica with the latest conditions. */
  private async connect(reset: boolean): Promise<void> {
    this.client = await connect(this.args.remote);
    const tables: Record<string, ReplicaTableOptions<Record<string, unknown>>> = {};
    for (const [name, table] of this.view.tables) {
      const options: { columns?: string[]; where?: Condition } = {};
      if (this.args.register !== undefined) options.columns = [...table.monitored];
      const json = this.conditions.get(name);
      if (json !== undefined) options.where = this.typedCondition(name, json);
      tables[name] = options as ReplicaTableOptions<Record<string, unknown>>;
    }
    const serverRows = this.args.trackNotify ? await this.serverDatabaseRows() : [];
    this.replica = await Replica.create(this.client, this.model, { tables });
    // Attached before the sync, so the initial contents arrive as the first message.
    this.view.attach(this.replica, { reset, serverRows });
    await this.replica.sync();
  }

  private async reconnect(): Promise<void> {
    this.view.close();
    await this.replica.close();
    await this.client.close();
    await this.connect(true);
  }

  /** UUIDs of the `_Server` Database rows, which the Python IDL monitors and notifies too. */
  private async serverDatabaseRows(): Promise<string[]> {
    const reply = (await this.client.transactRaw('_Server', [
      { op: 'select', table: 'Database', where: [], columns: ['_uuid'] },
    ])) as Array<{ rows?: Array<{ _uuid: [string, string] }> }>;
    return (reply[0]?.rows ?? []).map((row) => row._uuid[1]);
  }

  /** The replica's form of JSON condition `json` of `table`. */
  private typedCondition(table: string, json: unknown[]): Condition {
    const schema = this.model.tables[table];
    if (schema === undefined) throw new IdlCommandError(`Unknown table "${table}"`);
    return json.map((clause) => {
      if (typeof clause === 'boolean') return clause;
      if (!Array.isArray(clause) || clause.length !== 3) {
        throw new IdlCommandError(`bad condition clause ${printJson(clause)}`);
      }
      const [column, fn, wire] = clause as [string, ConditionFunction, unknown];
      const type = schema.columns.get(column)?.type ?? implicitColumnType(column);
      if (type === undefined) throw new IdlCommandError(`No column ${column} in table ${table}`);
      const anyCount = fn === 'includes' || fn === 'excludes';
      const relaxed: ColumnType = { ...type, min: 0, max: anyCount ? Number.POSITIVE_INFINITY : type.max };
      return { column, fn, value: decodeValue(relaxed, wire, { table, column }) };
    });
  }

  /** `condition T1 C1;T2 C2`: prints whether each table's condition changes, and changes it. */
  private changeConditions(command: string, connected: boolean): void {
    for (const part of command.slice('condition '.length).split(';')) {
      const words = part.split(' ');
      if (words.length !== 2) throw new IdlCommandError(`Error parsing condition ${part}`);
      const [table, text] = words as [string, string];
      if (!this.view.tables.has(table)) throw new IdlCommandError(`Unknown table "${table}"`);
      let json = parseJson(text) as unknown[];
      // For the IDL an empty condition matches nothing.
      if (Array.isArray(json) && json.length === 0) json = [false];
      const latest = this.conditions.get(table) ?? [true];
      const same = printJson(latest) === printJson(json);
      this.print(`${stepText(this.step)}: ${table}: ${same ? 'conditions unchanged' : 'change conditions'}`);
      if (same) continue;
      this.conditions.set(table, json);
      if (connected)
        this.pendingConditions.push(this.replica.setCondition(table, this.typedCondition(table, json)));
    }
  }

  /** A JSON transaction on the second connection; prints the reply, names its UUIDs on stderr. */
  private async transact(command: string): Promise<void> {
    let json: unknown;
    try {
      json = parseJson(command);
    } catch (error) {
      throw new IdlCommandError(`"${command}": ${(error as Error).message}`);
    }
    const [database, ...operations] = this.substitute(json) as unknown[];
    let result: unknown;
    try {
      result = await (this.rpc as OvsdbClient).transactRaw(String(database), operations);
    } catch (error) {
      throw new IdlCommandError(`jsonrpc transaction failed: ${(error as Error).message}`);
    }
    const step = this.step++;
    this.nameUuids(result);
    this.print(`${stepText(step)}: ${printJson({ error: null, result })}`);
  }

  private substitute(json: unknown): unknown {
    if (typeof json === 'string') return this.symbols.get(json) ?? json;
    if (Array.isArray(json)) return json.map((x) => this.substitute(x));
    if (json !== null && typeof json === 'object') {
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, this.substitute(v)]));
    }
    return json;
  }

  private nameUuids(json: unknown): void {
    if (typeof json === 'string' && UUID_RE.test(json)) {
      const name = `#${this.symbols.size}#`;
      process.stderr.write(`${name} = ${json}\n`);
      this.symbols.set(name, json);
    } else if (Array.isArray(json)) {
      for (const x of json) this.nameUuids(x);
    } else if (json !== null && typeof json === 'object') {
      for (const x of Object.values(json)) this.nameUuids(x);
    }
  }
}

/** Options of the `idl` command that come from the driver's own options. */
export interface IdlOptions {
  /** `-c`: print as the C driver does with change tracking. */
  track: boolean;
}

/** Runs `idl SCHEMA REMOTE [track-notify] [?REGISTER] [COMMAND...]`. */
async function runIdl(argv: string[], print: Print, options: IdlOptions): Promise<void> {
  const args = parseIdlArgs(argv);
  const model = buildDatabaseModel<Tables>(JSON.parse(readFileSync(args.schemaFile, 'utf8')));
  try {
    await new IdlSession(args, model, print, options.track).run();
  } catch (error) {
    if (error instanceof IdlCommandError || error instanceof IdlArgumentError) {
      throw new Error(error.message, { cause: error });
    }
    throw error;
  }
}

/** The `idl` driver command; `options` is read when it runs (after option parsing). */
export function idlCommand(options: IdlOptions): DriverCommand {
  return { min: 2, run: (argv, print) => runIdl(argv, print, options) };
}
