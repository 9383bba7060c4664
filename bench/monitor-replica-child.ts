/**
 * Initial monitor, ovndb: `Replica.start` over Logical_Router and Logical_Router_Static_Route
 * (every column) on a connected client, until it resolves (the replica holds the initial
 * contents), timing its slices through the `onProgress` option. Run by monitor-initial.ts.
 *
 *   node --expose-gc --import tsx bench/monitor-replica-child.ts --remote unix:/x.sock [--slice N]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { model } from '../src/generated/nb/index.js';
import { connect, Replica } from '../src/index.js';
import { collect, LoopBlockProbe, mb, peakRssMb, report, seconds } from './monitor-probe.js';

const { values: args } = parseArgs({ options: { remote: { type: 'string' }, slice: { type: 'string' } } });
// No wire trace here: tracing a big frame would make the client decode it whole.
const client = await connect(args.remote!);
collect();
const rssAtStart = mb(process.memoryUsage().rss);
let tFirstProgress = 0;
let tLastProgress = 0;
let longestSlice = 0;
let slices = 0;
let replyBytes = 0;
const onProgress = (p: { bytes?: number }) => {
  const now = performance.now();
  slices++;
  replyBytes = p.bytes ?? replyBytes;
  tFirstProgress ||= now;
  // From one slice's end to the next: the turn given away plus the next slice's work.
  if (tLastProgress) longestSlice = Math.max(longestSlice, now - tLastProgress);
  tLastProgress = now;
};
const probe = new LoopBlockProbe();
const t0 = performance.now();
const replica = await Replica.start(client, model, {
  tables: { Logical_Router: true, Logical_Router_Static_Route: true },
  onProgress,
  ...(args.slice ? { initialSliceRows: Number(args.slice) } : {}),
});
const tSynced = performance.now();
const loop = probe.stop();
const rows = replica.count('Logical_Router') + replica.count('Logical_Router_Static_Route');
const lr0 = replica.where('Logical_Router', (r) => r.name === 'lr0')[0];
report({
  client: 'replica',
  method: replica.method,
  rows,
  reply_mb: mb(replyBytes),
  first_slice_s: seconds(t0, tFirstProgress),
  rest_s: seconds(tFirstProgress, tSynced),
  total_s: seconds(t0, tSynced),
  ...loop,
  rss_at_start_mb: rssAtStart,
  peak_rss_mb: peakRssMb(),
  lr0_routes: lr0?.static_routes.length,
  slices,
  longest_later_slice_ms: +longestSlice.toFixed(1),
});
await replica.close();
await client.close();
