/**
 * One measurement of bench/frame-memory.ts: connects to `--remote`, makes one request whose
 * reply is the frame under test (`echo` from the hostile peer, or `monitor_cond` of every
 * table from a real ovsdb-server), and prints one JSON line: the frame's size, the outcome
 * (ok, or the error code) and the peak resident memory the reply added.
 */
import { parseArgs } from 'node:util';
import { receivedBytes } from '../src/client/received-bytes.js';
import { connect } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    remote: { type: 'string' },
    request: { type: 'string', default: 'echo' },
    factor: { type: 'string' },
  },
});
const client = await connect(args.remote as string, {
  maxFrameBytes: 1 << 30,
  ...(args.factor !== undefined ? { maxParseCostFactor: Number(args.factor) } : {}),
  requestTimeoutMs: 0,
});
const before = receivedBytes(client);
let request: Promise<unknown>;
if (args.request === 'monitor') {
  const schema = await client.getSchema('OVN_Northbound');
  const requests = Object.fromEntries([...schema.tables.keys()].map((table) => [table, [{}]]));
  request = client.monitorCond('OVN_Northbound', 'm', requests);
} else {
  request = client.echo([]);
}
global.gc?.();
const baseline = Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
const started = performance.now();
let outcome = 'ok';
try {
  await request;
} catch (error) {
  outcome = (error as { code?: string }).code ?? String(error);
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code !== undefined) outcome = cause.code;
}
const peak = process.resourceUsage().maxRSS * 1024;
const bytes = receivedBytes(client) - before;
console.log(
  JSON.stringify({
    bytes,
    outcome,
    peak_mb: +((peak - baseline) / 1048576).toFixed(1),
    peak_x: +((peak - baseline) / bytes).toFixed(1),
    seconds: +((performance.now() - started) / 1000).toFixed(2),
  }),
);
await client.close().catch(() => {});
process.exit(0);
