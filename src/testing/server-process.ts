import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { type ExitInfo, ManagedProcess } from './managed-process.js';
import { runCommand } from './run-command.js';
import type { TestPki } from './test-pki.js';
import { canConnect, waitReady } from './wait-ready.js';
import { startWebsockify } from './websockify.js';

/** A running test ovsdb-server; every address is on 127.0.0.1 or a unix socket. */
export interface RunningServer {
  /** The directory holding its databases, sockets, log and pidfile. */
  readonly dir: string;
  readonly pid: number;
  /** `unix:/abs/path/db.sock` */
  readonly unix: string;
  /** `tcp:127.0.0.1:PORT`, when tcp was enabled. */
  readonly tcp?: string;
  /** `ssl:127.0.0.1:PORT`, when ssl was enabled. */
  readonly ssl?: string;
  /** `ws://127.0.0.1:PORT` (websockify in front of tcp), when ws was enabled. */
  readonly ws?: string;
  /** `wss://127.0.0.1:PORT` (websockify with the test server certificate), when wss was enabled. */
  readonly wss?: string;
  /** The certificates the ssl remote uses (and clients should use). */
  readonly pki?: TestPki;
  /** The server's unixctl socket, for `ovs-appctl -t`. */
  readonly ctlPath: string;
  /** The server's log file. */
  readonly logPath: string;
  /** Runs `ovs-appctl -t ctlPath ARGS...` and returns its stdout. */
  appctl(...args: string[]): Promise<string>;
  /** Runs `ovsdb-client ARGS...` and returns its stdout: an independent check of the server's state. */
  client(...args: string[]): Promise<string>;
  /** Stops websockify and the server by PID (SIGTERM, SIGKILL after a deadline). Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal to the server's PID, e.g. to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves when the server process has exited, however it ended (crash, kill, stop, appctl exit). */
  readonly exited: Promise<ExitInfo>;
}

/** Everything needed to start one ovsdb-server on database files that already exist. */
export interface LaunchParams extends BinaryOptions {
  dir: string;
  /** Remove `dir` on stop (it was created for this server). */
  ownsDir: boolean;
  /**
   * The positional database arguments: database files, or a relay spec
   * (`relay:DB:REMOTE[,REMOTE...]`, see ovsdb-server(1)), which needs no file.
   */
  dbFiles: string[];
  tcp: boolean;
  /**
   * Listen for tcp on this fixed 127.0.0.1 port instead of an ephemeral one, so that the
   * address survives a restart (raft members). Readiness then waits until the port accepts.
   * @default undefined (port 0: the kernel picks, read back from the log)
   */
  tcpPort?: number;
  /**
   * The loopback address tcp listens on (any of 127.0.0.0/8 on Linux), so that several
   * servers can share one port as the members of a Kube-OVN `ic-db-host` list do.
   * @default '127.0.0.1'
   */
  tcpHost?: string;
  pki: TestPki | undefined;
  ws: boolean;
  /** A TLS websockify too, with the pki's server certificate (needs `pki`). */
  wss: boolean;
  extraArgs: string[];
  startTimeoutMs: number;
}

/** ovsdb-server's log line for a tcp remote bound to port 0 on `host`. */
function tcpListen(host: string): RegExp {
  return new RegExp(`\\|0:${host.replace(/\./g, '\\.')}: listening on port (\\d+)`);
}
// The ssl remote is bound as "[127.0.0.1]" only so its log line differs from the tcp one:
// both listen on port 0 and ovsdb-server logs the chosen port with the bind string.
const SSL_LISTEN = /\|0:\[127\.0\.0\.1\]: listening on port (\d+)/;

/** Starts ovsdb-server and waits until every requested remote accepts; cleans up on failure. */
export async function launchOvsdbServer(params: LaunchParams): Promise<RunningServer> {
  const { dir } = params;
  const serverPath = await findBinary('ovsdb-server', params);
  const socketPath = join(dir, 'db.sock');
  const ctlPath = join(dir, 'ovsdb-server.ctl');
  const logPath = join(dir, 'ovsdb-server.log');
  const tcp = params.tcp || params.ws || params.wss;
  const args = [...params.dbFiles, `--remote=punix:${socketPath}`];
  const tcpHost = params.tcpHost ?? '127.0.0.1';
  if (tcp) args.push(`--remote=ptcp:${params.tcpPort ?? 0}:${tcpHost}`);
  if (params.pki !== undefined) {
    args.push(
      '--remote=pssl:0:[127.0.0.1]',
      `--private-key=${params.pki.serverKey}`,
      `--certificate=${params.pki.serverCert}`,
      `--ca-cert=${params.pki.caCert}`,
    );
  }
  args.push(
    `--unixctl=${ctlPath}`,
    '-vconsole:off',
    '-vfile:info',
    `--log-file=${logPath}`,
    '--no-chdir',
    `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
    ...params.extraArgs,
  );
  const deadline = Date.now() + params.startTimeoutMs;
  const server = ManagedProcess.start(serverPath, args, { cwd: dir, logFile: logPath });
  const bridges: ManagedProcess[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.all(bridges.map((b) => b.stop()));
    await server.stop();
    if (params.ownsDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = await waitReady('ovsdb-server', [server], deadline, async () => {
      if (!(await canConnect({ path: socketPath }))) return undefined;
      const fixedPort = tcp ? params.tcpPort : undefined;
      if (fixedPort !== undefined && !(await canConnect({ host: tcpHost, port: fixedPort })))
        return undefined;
      const readsLog = (tcp && fixedPort === undefined) || params.pki !== undefined;
      const log = readsLog ? await readFile(logPath, 'utf8').catch(() => '') : '';
      const tcpPort = tcp
        ? fixedPort !== undefined
          ? String(fixedPort)
          : log.match(tcpListen(tcpHost))?.[1]
        : '';
      const sslPort = params.pki !== undefined ? log.match(SSL_LISTEN)?.[1] : '';
      if (tcpPort === undefined || sslPort === undefined) return undefined;
      return { tcpPort, sslPort };
    });
    let wsUrl: string | undefined;
    if (params.ws) {
      const started = await startWebsockify(Number(ports.tcpPort), { ...params, cwd: dir, deadline });
      bridges.push(started.process);
      wsUrl = started.url;
    }
    let wssUrl: string | undefined;
    if (params.wss && params.pki !== undefined) {
      const tls = { cert: params.pki.serverCert, key: params.pki.serverKey };
      const started = await startWebsockify(Number(ports.tcpPort), { ...params, cwd: dir, deadline, tls });
      bridges.push(started.process);
      wssUrl = started.url;
    }
    const running: RunningServer = {
      dir,
      pid: server.pid,
      unix: `unix:${socketPath}`,
      ctlPath,
      logPath,
      appctl: async (...appctlArgs) =>
        runCommand(await findBinary('ovs-appctl', params), ['-t', ctlPath, ...appctlArgs], { cwd: dir }),
      client: async (...clientArgs) =>
        runCommand(await findBinary('ovsdb-client', params), clientArgs, { cwd: dir }),
      stop: once(cleanup),
      kill: (signal) => server.kill(signal),
      exited: server.exited,
    };
    return Object.assign(
      running,
      tcp ? { tcp: `tcp:${tcpHost}:${ports.tcpPort}` } : {},
      params.pki !== undefined ? { ssl: `ssl:127.0.0.1:${ports.sslPort}`, pki: params.pki } : {},
      wsUrl !== undefined ? { ws: wsUrl } : {},
      wssUrl !== undefined ? { wss: wssUrl } : {},
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}
