/**
 * The `idl` command of Open vSwitch's tests/test-ovsdb.py (`do_idl`), on ovndb's reconnecting
 * session, its replica and optimistic transactions: connect, replicate the registered tables,
 * then run each command and print what test-ovsdb.py prints.
 *
 * Like the Python IDL of that command (`leader_only=False`), the session takes any readable
 * member, so a raft follower serves too. `reconnect` drops the connection and the session
 * comes back at once (no backoff, as `Idl.force_reconnect` does from the monitoring state);
 * the replica resumes with monitor_cond_since from its last transaction id.
 *
 * Commands: a JSON transaction (`[...]`, sent on a second connection, as upstream does, and
 * its reply printed), `condition TABLE COND[;TABLE COND...]`, `reconnect`, or an `idl_set`
 * transaction (idl-txn.ts). Before each command the driver waits for the database to change
 * and prints it; a `+` prefix skips that (the previous command changed nothing), `^` instead
 * waits for condition changes to be acknowledged, and `?` prints only table names.
 */
import { readFileSync } from 'node:fs';
import type { Replica } from '../../../src/cache/replica.js';
import type { ReplicaTableOptions } from '../../../src/cache/replica-options.js';
import type { OvsdbClient } from '../../../src/client/client.js';
import { connect } from '../../../src/client/connect.js';
import { buildDatabaseModel } from '../../../src/model/build-model.js';
import type { DatabaseModel } from '../../../src/model/descriptor.js';
import { decodeValue } from '../../../src/model/row-codec.js';
import type { TypedCondition } from '../../../src/model/typed-clauses.js';
import type { ColumnType } from '../../../src/protocol/column-type.js';
import type { ConditionFunction } from '../../../src/protocol/conditions.js';
import { implicitColumnType } from '../../../src/protocol/schema.js';
import type { Session } from '../../../src/session/session.js';
import type { DriverCommand } from './data-commands.js';
import { parseJson, printJson } from './data-json.js';
import { type IdlArgs, IdlArgumentError, parseIdlArgs } from './idl-args.js';
import { forceReconnect, openIdlSession } from './idl-connect.js';
import { notifyLine, type Print, printIdl, stepText } from './idl-print.js';
import { ChangeTracker, printIdlC } from './idl-track.js';
import { IdlCommandError, runIdlTxn } from './idl-txn.js';
import { IdlView, type Tables, viewTables } from './idl-view.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

type Condition = ReadonlyArray<TypedCondition<Record<string, unknown>> | boolean>;

/** One run of the `idl` command. */
class IdlSession {
  private step = 0;
  private seqno = 0;
  private session!: Session;
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
    this.view = new IdlView(viewTables(model, args.register));
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
    await this.connect();
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
          await forceReconnect(this.session, this.view);
        } else if (command.includes('condition')) {
          this.changeConditions(command, true);
          this.step++;
        } else if (!command.startsWith('[')) {
          const context = {
            client: await this.session.whenReady(),
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
      await this.session?.close();
    }
    this.print(`${stepText(this.step)}: done`);
  }

  /** Opens the IDL's session and starts the replica with the latest conditions. */
  private async connect(): Promise<void> {
    const tables: Record<string, ReplicaTableOptions<Record<string, unknown>>> = {};
    for (const [name, table] of this.view.tables) {
      const options: { columns?: string[]; where?: Condition } = {};
      if (this.args.register !== undefined) options.columns = [...table.monitored];
      const json = this.conditions.get(name);
      if (json !== undefined) options.where = this.typedCondition(name, json);
      tables[name] = options as ReplicaTableOptions<Record<string, unknown>>;
    }
    this.session = await openIdlSession(this.args.remote, this.model.name, 'readable');
    this.session.on('closed', (error) => {
      if (error !== undefined) this.view.fail(error);
    });
    const serverRows = this.args.trackNotify ? await this.serverDatabaseRows() : [];
    this.replica = await this.session.replica(this.model, { tables });
    this.view.attach(this.replica, { serverRows });
    this.logResumes();
  }

  /**
   * One stderr line per resume: the last transaction id the replica held, whether the server
   * still had it, and how long the session was away. Upstream's cluster tests read the C
   * driver's log to check that a forced reconnect does not back off; this line lets
   * test/conformance/idl-cluster.test.ts check the same.
   */
  private logResumes(): void {
    let lost = 0;
    let lastId = '';
    this.session.on('disconnected', () => {
      lost = performance.now();
      lastId = this.replica.lastTxnId;
    });
    this.replica.on('resumed', (info) => {
      const ms = Math.round(performance.now() - lost);
      process.stderr.write(`resume: last_id=${lastId} found=${info.found} method=${info.method} ms=${ms}\n`);
    });
  }

  /** UUIDs of the `_Server` Database rows, which the Python IDL monitors and notifies too. */
  private async serverDatabaseRows(): Promise<string[]> {
    const client = await this.session.whenReady();
    const reply = (await client.transactRaw('_Server', [
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
