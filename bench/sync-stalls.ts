/**
 * Event-loop turns while a replica of a Kube-OVN-sized Northbound syncs.
 *
 * Builds an NB like a large Kube-OVN install (at `--scale 1`: 2,000 routers with 2 ports,
 * 5 static routes and 3 policies each; 4,000 switches of 26 ports; 20,000 ACLs in 2,000 port
 * groups; 1,000 address sets of 50 addresses: 153,000 rows; the database `npm run bench:scale`
 * generates, built once per size and kept in the temporary directory), then measures three
 * phases with a replica of the whole NB:
 *
 * - `initial`: `Replica.start`, the initial monitor reply applied;
 * - `update`: another connection inserts `--burst` ACLs (in port groups) in one transaction,
 *   and the replica applies the one big update notification;
 * - `resync`: the replica's connection is closed and `replica.resume` on a new one compares the
 *   server's full contents with what it holds (a standalone server keeps no history, so this
 *   is the full resync a failover costs).
 *
 * How a turn is measured: a chain of `setImmediate` callbacks, each scheduling the next. Node
 * runs the check phase once per loop iteration, and an immediate scheduled from an immediate
 * runs in the next iteration, so the time between two consecutive callbacks is exactly one
 * iteration: timers, I/O callbacks (a socket read, a frame parsed, an update applied), the
 * replica's slice resumed by its own immediate, and every microtask they queue. Each callback
 * reads `performance.now()` and the main thread's CPU clock (its schedstat, see threadCpuMs):
 * the differences are the iteration's wall time and the CPU time the loop's thread spent in it,
 * which a busy machine that deschedules the process does not inflate. The chain keeps the loop from sleeping
 * in poll, which only shortens idle iterations. `monitorEventLoopDelay` (resolution 1 ms) is
 * reported alongside as a cross-check: it samples with a timer and can only see a block late.
 *
 *   npm run bench:sync-stalls -- [--scale 1] [--burst 20000] [--rounds 1] [--cpu-prof]
 */
import { once } from 'node:events';
import { openSync, readSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { model } from '../src/generated/nb/index.js';
import { connect, Replica } from '../src/index.js';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { mb, peakRssMb } from './monitor-probe.js';
import { serverOnTemplate } from './monitor-suite.js';
import { scaleTemplate } from './scale/generate.js';
import { scaledSize } from './scale/nb-shape.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    burst: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '1' },
    ...tmpdirOption,
  },
});
const scale = Number(args.scale);
const burst = Number(args.burst);
const rounds = Number(args.rounds);
prepareBenchProcess(args.tmpdir);

type Op = Record<string, unknown>;
const DB = 'OVN_Northbound';
const named = (n: string): ['named-uuid', string] => ['named-uuid', n];
const set = (xs: unknown[]) => ['set', xs];
const ext = ['map', [['vendor', 'kube-ovn']]];

/** Port groups `from`..`to` with `perGroup` ACLs each. */
function aclGroups(from: number, to: number, perGroup: number, prefix: string): Op[] {
  const ops: Op[] = [];
  for (let g = from; g < to; g++) {
    const acls: unknown[] = [];
    for (let k = 0; k < perGroup; k++) {
      const n = `acl${g}_${k}`;
      ops.push({
        op: 'insert',
        table: 'ACL',
        'uuid-name': n,
        row: {
          priority: 2000 + k,
          direction: k % 2 ? 'to-lport' : 'from-lport',
          match: `outport == @${prefix}${g} && ip4.src == $as${g % 1000}_ip4 && tcp.dst == ${1000 + k}`,
          action: 'allow-related',
          external_ids: ext,
        },
      });
      acls.push(named(n));
    }
    ops.push({
      op: 'insert',
      table: 'Port_Group',
      row: { name: `${prefix}${g}`, acls: set(acls), external_ids: ext },
    });
  }
  return ops;
}

// The main thread's own CPU time: the first field of its schedstat is nanoseconds on the CPU
// (exact, unlike the 10 ms ticks of /proc's stat), read with a pread on a kept descriptor.
// process.cpuUsage() is the fallback where there is no /proc: it counts every thread, so the
// collector's helper threads and libuv's pool add to a turn's figure.
const schedstat = (() => {
  try {
    return openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
})();
const statBuffer = Buffer.alloc(128);
function threadCpuMs(): number {
  if (schedstat === undefined) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  const n = readSync(schedstat, statBuffer, 0, statBuffer.length, 0);
  return Number.parseInt(statBuffer.toString('latin1', 0, n), 10) / 1e6;
}

/** Turns at least this long did some work (an idle turn of the chain takes microseconds). */
const BUSY_MS = 0.1;

/**
 * With SYNC_STALLS_TURNS=<file>, the [start, end] of every turn over 8 ms of CPU, in microseconds of
 * the monotonic clock a `--cpu-prof` profile uses, are written there: to find what ran in them.
 */
const LONG_TURNS: Array<[number, number]> | undefined = process.env.SYNC_STALLS_TURNS ? [] : undefined;

/** Records every loop iteration's wall and CPU time (see the header). */
class TurnProbe {
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  private running = true;
  private lastWall = performance.now();
  private lastCpu = threadCpuMs();
  private readonly delay = monitorEventLoopDelay({ resolution: 1 });
  private readonly done: Promise<void>;

  constructor() {
    this.delay.enable();
    this.done = new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        const cpu = threadCpuMs();
        if (LONG_TURNS !== undefined && cpu - this.lastCpu > 8) {
          const end = Number(process.hrtime.bigint() / 1000n);
          LONG_TURNS.push([end - Math.round((now - this.lastWall) * 1000), end]);
        }
        this.wall.push(now - this.lastWall);
        this.cpu.push(cpu - this.lastCpu);
        this.lastWall = now;
        this.lastCpu = cpu;
        if (this.running) setImmediate(tick);
        else resolve();
      };
      setImmediate(tick);
    });
  }

  async stop(): Promise<Record<string, number>> {
    this.running = false;
    await this.done;
    this.delay.disable();
    const pct = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
    };
    const busy = this.wall.filter((w) => w >= BUSY_MS);
    const r1 = (x: number) => +x.toFixed(1);
    return {
      longest_wall_ms: r1(this.wall.reduce((a, b) => Math.max(a, b), 0)),
      longest_cpu_ms: r1(this.cpu.reduce((a, b) => Math.max(a, b), 0)),
      // Over the busy turns only: the chain's own idle turns (microseconds) would hide them.
      busy_turns: busy.length,
      p99_wall_ms: r1(pct(busy, 99)),
      p99_cpu_ms: r1(
        pct(
          this.cpu.filter((_, i) => (this.wall[i] as number) >= BUSY_MS),
          99,
        ),
      ),
      turns_over_10ms_cpu: this.cpu.filter((c) => c > 10).length,
      loop_delay_max_ms: r1(this.delay.max / 1e6),
    };
  }
}

// The database bench:scale generates (built once per size, kept in the temporary directory).
const template = await scaleTemplate(scaledSize(scale), args.tmpdir);
console.error(
  `database: ${template.rows} rows, ${template.mb} MB${template.built_s === undefined ? '' : `, built in ${template.built_s} s`}`,
);
const server = await serverOnTemplate(template.path, args.tmpdir);
try {
  const loader = await connect(server.unix, { validate: false });

  for (let round = 0; round < rounds; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    const client = await connect(server.unix);
    let probe = new TurnProbe();
    let t0 = performance.now();
    const replica = await Replica.start(client, model);
    let t1 = performance.now();
    const rows = Object.keys(model.tables).reduce((n, t) => n + replica.count(t as never), 0);
    print('initial', { rows, seconds: +((t1 - t0) / 1000).toFixed(3), ...(await probe.stop()) });

    // One big update notification, written by a raw socket so that no client of this process
    // encodes the transaction inside the measured window.
    const text = JSON.stringify({
      id: 1,
      method: 'transact',
      params: [
        DB,
        ...aclGroups(
          1_000_000 + round * 10_000,
          1_000_000 + round * 10_000 + burst / 10,
          10,
          `burst${round}-`,
        ),
      ],
    });
    const bytes = Buffer.from(text);
    const raw = createConnection(server.unix.replace(/^unix:/, ''));
    await once(raw, 'connect');
    const applied = new Promise<void>((resolve) => {
      const onBatch = (b: { rows: number }) => {
        if (b.rows > 1) {
          replica.off('batch', onBatch);
          resolve();
        }
      };
      replica.on('batch', onBatch);
    });
    probe = new TurnProbe();
    t0 = performance.now();
    raw.write(bytes);
    await applied;
    t1 = performance.now();
    print('update', {
      rows: Math.round(burst * 1.1),
      frame_mb: mb(bytes.length),
      seconds: +((t1 - t0) / 1000).toFixed(3),
      ...(await probe.stop()),
    });
    raw.destroy();

    // Resync after a connection loss: every row compared.
    replica.enableResume();
    const suspended = new Promise((resolve) => replica.once('suspended', resolve));
    await client.close();
    await suspended;
    const again = await connect(server.unix);
    probe = new TurnProbe();
    t0 = performance.now();
    const resumed = await replica.resume(again);
    t1 = performance.now();
    print('resync', {
      rows: resumed.rows,
      found: Number(resumed.found),
      seconds: +((t1 - t0) / 1000).toFixed(3),
      ...(await probe.stop()),
    });
    await replica.close();
    await again.close();
  }
  await loader.close();
  console.log(JSON.stringify({ peak_rss_mb: peakRssMb() }));
  if (LONG_TURNS !== undefined)
    writeFileSync(process.env.SYNC_STALLS_TURNS as string, JSON.stringify(LONG_TURNS));
} finally {
  await server.stop();
}

function print(phase: string, line: Record<string, number>): void {
  console.log(JSON.stringify({ phase, scale, ...line }));
}
