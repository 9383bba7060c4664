import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { runCommand } from './run-command.js';
import { launchOvsdbServer, type RunningServer } from './server-process.js';
import { createTestPki } from './test-pki.js';
import { ServerStartError } from './testing-errors.js';

export type { RunningServer } from './server-process.js';

/** What {@link startOvsdbServer} starts. */
export interface OvsdbServerOptions extends BinaryOptions {
  /** `.ovsschema` paths; each becomes one fresh database (`ovsdb-tool create`). */
  schemas: string[];
  /** Listen on an ephemeral 127.0.0.1 tcp port. @default true */
  tcp?: boolean;
  /** Create a {@link TestPki} and listen for ssl on an ephemeral 127.0.0.1 port. @default false */
  ssl?: boolean;
  /** Put websockify in front of the tcp remote (turns tcp on). @default false */
  ws?: boolean;
  /**
   * Put a TLS websockify in front of the tcp remote, with the test pki's server certificate
   * (turns tcp and ssl on). @default false
   */
  wss?: boolean;
  /** Where to keep databases, sockets and logs. @default a fresh temporary directory, removed on stop */
  dir?: string;
  /** More ovsdb-server arguments. */
  extraArgs?: string[];
  /** @default 10000 */
  startTimeoutMs?: number;
}

/**
 * Starts a standalone ovsdb-server with fresh databases, for tests. Resolves when the unix
 * socket accepts and every requested port is known; rejects with ServerStartError (with the
 * log tail) if it exits or misses the deadline, or MissingBinaryError. Always `stop()` it.
 */
export async function startOvsdbServer(options: OvsdbServerOptions): Promise<RunningServer> {
  const ownsDir = options.dir === undefined;
  const dir = resolve(options.dir ?? (await mkdtemp(join(tmpdir(), 'ovndb-'))));
  try {
    await mkdir(dir, { recursive: true });
    const tool = await findBinary('ovsdb-tool', options);
    await findBinary('ovsdb-server', options);
    const dbFiles: string[] = [];
    for (const [index, schema] of options.schemas.entries()) {
      const dbFile = join(dir, `${index}-${basename(schema).replace(/\.ovsschema$/, '')}.db`);
      try {
        await runCommand(tool, ['create', dbFile, schema], { cwd: dir });
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? String(error);
        throw new ServerStartError(`ovsdb-tool create ${dbFile} from ${schema} failed`, stderr, error);
      }
      dbFiles.push(dbFile);
    }
    const wantsPki = options.ssl === true || options.wss === true;
    const pki = wantsPki ? await createTestPki(join(dir, 'pki'), options) : undefined;
    return await launchOvsdbServer({
      ...options,
      dir,
      ownsDir,
      dbFiles,
      tcp: options.tcp ?? true,
      pki,
      ws: options.ws ?? false,
      wss: options.wss ?? false,
      extraArgs: options.extraArgs ?? [],
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
    });
  } catch (error) {
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
