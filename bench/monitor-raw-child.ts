/**
 * Initial monitor, raw: one `monitor_cond` for every column of Logical_Router and
 * Logical_Router_Static_Route, the reply framed and `JSON.parse`d as one message, then its
 * rows indexed by UUID (the least a replica must do). The same measurement as
 * ../shared/perf/raw-monitor.mjs, written for this repository. Run by monitor-initial.ts.
 *
 *   node --expose-gc --import tsx bench/monitor-raw-child.ts --remote unix:/x.sock
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { JsonFrameSplitter } from '../src/rpc/frame-splitter.js';
import { collect, LoopBlockProbe, mb, peakRssMb, report, seconds } from './monitor-probe.js';
import { openSocket } from './raw-socket.js';

const { values: args } = parseArgs({ options: { remote: { type: 'string' } } });
collect();
const rssAtStart = mb(process.memoryUsage().rss);
const socket = await openSocket(args.remote!);
const probe = new LoopBlockProbe();
const t0 = performance.now();
let bytes = 0;
const text = await new Promise<string>((resolve) => {
  const splitter = new JsonFrameSplitter({ maxFrameBytes: 1 << 30, onFrame: resolve });
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    splitter.push(chunk);
  });
  socket.write(
    JSON.stringify({
      id: 1,
      method: 'monitor_cond',
      params: ['OVN_Northbound', null, { Logical_Router: [{}], Logical_Router_Static_Route: [{}] }],
    }),
  );
});
const tReceived = performance.now();
const reply = JSON.parse(text) as {
  result: Record<string, Record<string, { initial: unknown }>>;
  error: unknown;
};
const tParsed = performance.now();
if (reply.error) throw new Error(JSON.stringify(reply.error));
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
const tIndexed = performance.now();
const loop = probe.stop();
socket.destroy();
report({
  client: 'raw',
  rows,
  reply_mb: mb(bytes),
  receive_s: seconds(t0, tReceived),
  parse_s: seconds(tReceived, tParsed),
  index_s: seconds(tParsed, tIndexed),
  total_s: seconds(t0, tIndexed),
  ...loop,
  rss_at_start_mb: rssAtStart,
  peak_rss_mb: peakRssMb(),
  keep: replica.get('Logical_Router')?.size,
});
