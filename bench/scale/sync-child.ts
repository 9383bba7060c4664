/**
 * Initial sync of the whole Northbound in a child process of `npm run bench:scale`:
 * `--client replica` (ovndb's `Replica.start` over every table of the model) or `--client raw`
 * (one `monitor_cond` of every table, the reply framed, `JSON.parse`d and its rows indexed by
 * UUID). Prints one JSON line: wall and CPU time, peak RSS, the longest event-loop block and
 * its CPU, and the RSS per row held (after a collection) above what the process had before.
 *
 * With `--burst N`, the replica then consumes its change stream: it prints `{"ready":true}`,
 * counts changes until N arrived, and prints the time (ms since the epoch) of the last one
 * and its peak RSS.
 *
 *   node --expose-gc --import tsx bench/scale/sync-child.ts --client replica --remote unix:/x.sock [--burst N]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { model } from '../../src/generated/nb/index.js';
import { connect, Replica } from '../../src/index.js';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { collect, mb, peakRssMb, report, seconds } from '../monitor-probe.js';
import { openSocket } from '../raw-socket.js';
import { rssBytes, ScaleLoopProbe } from './loop-probe.js';

const { values: args } = parseArgs({
  options: { client: { type: 'string' }, remote: { type: 'string' }, burst: { type: 'string' } },
});
const remote = args.remote!;
const epochMs = () => performance.timeOrigin + performance.now();

async function rawSync(): Promise<{ rows: number; bytes: number; keep: unknown }> {
  const socket = await openSocket(remote);
  let bytes = 0;
  const schemaText = await request(socket, { id: 0, method: 'get_schema', params: ['OVN_Northbound'] });
  const tables = Object.keys((JSON.parse(schemaText) as { result: { tables: object } }).result.tables);
  const monitor = Object.fromEntries(tables.map((t) => [t, [{}]]));
  const text = await request(
    socket,
    { id: 1, method: 'monitor_cond', params: ['OVN_Northbound', null, monitor] },
    (n) => (bytes += n),
  );
  const reply = JSON.parse(text) as { result: Record<string, Record<string, { initial: unknown }>> };
  const replica = new Map<string, Map<string, unknown>>();
  let rows = 0;
  for (const [table, updates] of Object.entries(reply.result)) {
    const byUuid = new Map<string, unknown>();
    replica.set(table, byUuid);
    for (const uuid in updates) {
      byUuid.set(uuid, updates[uuid]!.initial);
      rows++;
    }
  }
  socket.destroy();
  return { rows, bytes, keep: replica };
}

function request(
  socket: Awaited<ReturnType<typeof openSocket>>,
  message: object,
  onBytes: (n: number) => void = () => {},
): Promise<string> {
  return new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      onBytes(chunk.length);
      splitter.push(chunk);
    };
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (frame: string) => {
        socket.off('data', onData);
        resolve(frame);
      },
    });
    socket.on('data', onData);
    socket.write(JSON.stringify(message));
  });
}

collect();
const rssAtStart = rssBytes();
if (args.client === 'raw') {
  const probe = new ScaleLoopProbe();
  const t0 = performance.now();
  const { rows, bytes, keep } = await rawSync();
  const t1 = performance.now();
  const loop = probe.stop();
  collect();
  const held = rssBytes() - rssAtStart;
  report({
    client: 'raw',
    rows,
    reply_mb: mb(bytes),
    total_s: seconds(t0, t1),
    ...loop,
    peak_rss_mb: peakRssMb(),
    rss_per_row_bytes: Math.round(held / rows),
    tables: (keep as Map<string, unknown>).size,
  });
} else {
  const client = await connect(remote);
  const probe = new ScaleLoopProbe();
  const t0 = performance.now();
  const replica = await Replica.start(client, model);
  const t1 = performance.now();
  const loop = probe.stop();
  let rows = 0;
  for (const table of Object.keys(model.tables)) rows += replica.count(table as never);
  collect();
  const held = rssBytes() - rssAtStart;
  const line = {
    client: 'replica',
    rows,
    total_s: seconds(t0, t1),
    ...loop,
    peak_rss_mb: peakRssMb(),
    rss_per_row_bytes: Math.round(held / rows),
  };
  if (args.burst === undefined) {
    report(line);
  } else {
    const want = Number(args.burst);
    const stream = replica.changes({});
    report({ ...line, ready: true });
    let seen = 0;
    let last = 0;
    const burstProbe = new ScaleLoopProbe();
    for await (const _ of stream) {
      seen++;
      last = epochMs();
      if (seen >= want) break;
    }
    const loop2 = burstProbe.stop();
    report({ client: 'replica', changes: seen, last_change_ms: last, ...loop2, peak_rss_mb: peakRssMb() });
  }
  await replica.close();
  await client.close();
}
