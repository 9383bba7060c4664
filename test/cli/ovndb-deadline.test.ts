/**
 * `-t` bounds every command, the session-based ones included: against a server that accepts
 * and never answers, or one that is not there, each exits soon after its deadline with one
 * line that says what it was waiting for, and the exit code of docs/cli.md (3: unreachable).
 * Measured before: vpc apply, ic status and monitor stayed silent for about 60 s.
 *
 * Timings are taken from the peer's side: from the command's first connection (its deadline
 * starts just before) to its exit, so node's startup, slow on a loaded machine, does not count.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, ovndb } from '../helpers/run-cli.js';

const VPC = `
kind: Vpc
apiVersion: kubeovn.io/v1
metadata: { name: vpc-deadline }
spec: {}
`;

/** A unix socket that accepts connections and never answers; remembers when the first came. */
interface MutePeer {
  readonly remote: string;
  firstAcceptAt: number | undefined;
  close(): Promise<void>;
}

async function startMutePeer(path: string): Promise<MutePeer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    peer.firstAcceptAt ??= performance.now();
    sockets.add(socket);
    socket.on('error', () => {});
  });
  const peer: MutePeer = {
    remote: `unix:${path}`,
    firstAcceptAt: undefined,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
  await new Promise<void>((done) => server.listen(path, done));
  return peer;
}

/** Runs `ovndb ARGS` against `peer`: the outcome, and the ms from its first connection to its exit. */
async function againstMute(peer: MutePeer, args: string[]): Promise<CliResult & { ms: number }> {
  peer.firstAcceptAt = undefined;
  const result = await ovndb(args, { timeoutMs: 20_000 });
  const exitedAt = performance.now();
  assert.ok(peer.firstAcceptAt !== undefined, `the command never connected: ${result.stderr}`);
  return { ...result, ms: exitedAt - peer.firstAcceptAt };
}

/**
 * `-t 1000` ended the command about 1 s after it started connecting: not before the deadline,
 * and long before the minute a command without one waits (a loaded machine adds seconds to a
 * node process's start and exit, so the upper bound only tells the two apart).
 */
function aboutOneSecond(ms: number): void {
  assert.ok(ms > 900 && ms < 10_000, `exited ${ms} ms after its first connection`);
}

describe('ovndb -t', { timeout: 180_000 }, () => {
  let dir: string;
  let missing: string;
  let mute: MutePeer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-cli-deadline-'));
    missing = `unix:${dir}/nothing.sock`;
    await writeFile(join(dir, 'vpc.yaml'), VPC);
    mute = await startMutePeer(join(dir, 'mute.sock'));
  });
  after(async () => {
    await mute?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('vpc apply: exit 3 about 1 s after it started, saying it waited for a leader of OVN_Northbound', async () => {
    const r = await againstMute(mute, [
      'vpc',
      'apply',
      join(dir, 'vpc.yaml'),
      '--db',
      mute.remote,
      '-t',
      '1000',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stderr,
      `ovndb: gave up after 1000 ms waiting for a leader of OVN_Northbound among ${mute.remote} (${mute.remote}: no answer yet) [OVNDB_CLI_TIMEOUT]\n`,
    );
    assert.equal(r.stdout, '');
    aboutOneSecond(r.ms);

    const gone = await ovndb(['vpc', 'apply', join(dir, 'vpc.yaml'), '--db', missing, '-t', '1000']);
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(
      gone.stderr,
      new RegExp(
        `^ovndb: gave up after 1000 ms waiting for a leader of OVN_Northbound among ${missing} \\(${missing}: .*ENOENT.*\\) \\[OVNDB_CLI_TIMEOUT\\]\\n$`,
      ),
    );
  });

  test('ic status: exit 3 about 1 s after it started, naming the readable member awaited', async () => {
    const r = await againstMute(mute, ['ic', 'status', '--db', mute.remote, '-t', '1000']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /^ovndb: gave up after 1000 ms waiting for a readable member of OVN_IC_Southbound among unix:.*mute\.sock .*\[OVNDB_CLI_TIMEOUT\]\n$/,
    );
    aboutOneSecond(r.ms);

    const gone = await ovndb(['ic', 'status', '--db', missing, '-t', '1000']);
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(
      gone.stderr,
      /^ovndb: gave up after 1000 ms waiting for a readable member of OVN_IC_Southbound/,
    );
  });

  test('monitor: exit 3 about 1 s after it started, before printing anything', async () => {
    const r = await againstMute(mute, [
      'monitor',
      mute.remote,
      'OVN_Northbound',
      'Logical_Switch',
      '-t',
      '1000',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stderr,
      `ovndb: gave up after 1000 ms waiting for a readable member of OVN_Northbound among ${mute.remote} (${mute.remote}: no answer yet) [OVNDB_CLI_TIMEOUT]\n`,
    );
    assert.equal(r.stdout, '');
    aboutOneSecond(r.ms);

    const gone = await ovndb(['monitor', missing, 'OVN_Northbound', 'Logical_Switch', '-t', '1000']);
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(
      gone.stderr,
      /^ovndb: gave up after 1000 ms waiting for a readable member of OVN_Northbound/,
    );
  });

  test('list-dbs against a server that accepts and never answers: exit 3, waiting for its replies', async () => {
    const r = await againstMute(mute, ['list-dbs', mute.remote, '-t', '1000']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stderr,
      `ovndb: gave up after 1000 ms waiting for the replies of ${mute.remote} [OVNDB_CLI_TIMEOUT]\n`,
    );
    aboutOneSecond(r.ms);
  });

  test('lab up -t: a lab not up by then is given up on, exit 1, saying so', async () => {
    const state = join(dir, 'lab.json');
    const started = performance.now();
    const r = await ovndb(['lab', 'up', '-t', '300', '--state', state]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^ovndb: gave up after 300 ms waiting for the lab's servers to accept connections/,
    );
    // Not the 120 s default: node's startup is all the rest.
    assert.ok(performance.now() - started < 15_000);
  });
});
