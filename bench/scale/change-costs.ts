/**
 * `npm run bench:change-costs`: what the client's share of the VPC change of `bench:scale`
 * costs, stage by stage, measured two ways on the same replica of a Kube-OVN-sized Northbound:
 *
 * - **after a pause**: each stage run once, alone, after `--pause-ms` (50) of idle time, as
 *   `bench:scale` makes its changes (and as a controller does between events);
 * - **hot**: the same stage over and over, `--hot-reps` times one right after the other, each
 *   on a new change whose input is made untimed (what a micro-benchmark of it says).
 *
 * The stages, each on a change of its own (so no parse cache holds its addresses):
 *
 * - `parse`: `parseResources` of the two Vpc objects;
 * - `plan`: `applyResources` with `dryRun` (parse and plan on the replica, nothing recorded);
 * - `plan in transaction`: the same planned in the transaction that would be sent (reads
 *   recorded, writes in the transaction's overlay, the verify waits built), captured before
 *   sending;
 * - `schema check`: `validateOperations` of that transaction (25 operations);
 * - `encode`: the request's JSON text;
 * - `change`: `applyResources` end to end (one transaction, sent, its update applied);
 * - `raw`: a raw client on a connection monitoring every table sending the same operations.
 *
 * The ratio of the two ways is what the change pays beyond a micro-benchmark's figure.
 *
 *   npm run bench:change-costs -- [--scale 0.1] [--reps 30] [--pause-ms 50] [--hot-reps 200] [--tmpdir DIR]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { model } from '../../src/generated/nb/index.js';
import { connect, database } from '../../src/index.js';
import { applyResources, parseResources } from '../../src/ovn/index.js';
import type { Operation } from '../../src/protocol/operations.js';
import { validateOperations } from '../../src/protocol/validation.js';
import { encodeRequest } from '../../src/rpc/codec.js';
import { prepareBenchProcess, tmpdirOption } from '../bench-process.js';
import { serverOnTemplate } from '../monitor-suite.js';
import { median } from '../stats.js';
import { capturedTransaction } from './captured-transaction.js';
import { scaleTemplate } from './generate.js';
import { scaledSize } from './nb-shape.js';
import { RawTransactClient } from './raw-transact.js';
import { vpcChangeObjects } from './vpc-change.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.1' },
    reps: { type: 'string', default: '30' },
    'pause-ms': { type: 'string', default: '50' },
    'hot-reps': { type: 'string', default: '200' },
    ...tmpdirOption,
  },
});
prepareBenchProcess(args.tmpdir);
const size = scaledSize(Number(args.scale));
const reps = Number(args.reps);
const pauseMs = Number(args['pause-ms']);
const hotReps = Number(args['hot-reps']);
const NB = 'OVN_Northbound';

const template = await scaleTemplate(size, args.tmpdir);
const server = await serverOnTemplate(template.path, args.tmpdir);
const pause = () => new Promise((resolve) => setTimeout(resolve, pauseMs));

try {
  const client = await connect(server.unix);
  const nb = database(client, model);
  await nb.replica();
  const schema = client.cachedSchema(NB)!;
  const raw = await RawTransactClient.open(server.unix);
  await raw.monitorChanges(Object.keys(model.tables));

  // Change numbers: every stage run gets one of its own (fresh addresses, as a new change has).
  let next = 1;
  const fresh = () => vpcChangeObjects(size, next++);
  // A captured transaction for the stages that take operations (never sent itself).
  const captured = async (): Promise<Operation[]> => capturedTransaction(nb, fresh());

  /** A stage: `prepare` (untimed) then `run` (timed), for one run. */
  interface Stage {
    readonly name: string;
    prepare(): Promise<unknown>;
    run(input: unknown): unknown;
  }
  const stages: Stage[] = [
    { name: 'parse', prepare: async () => fresh(), run: (objects) => parseResources(objects) },
    {
      name: 'plan',
      prepare: async () => fresh(),
      run: (objects) => applyResources(nb, objects, { dryRun: true }),
    },
    {
      name: 'plan in transaction',
      prepare: async () => fresh(),
      run: (objects) => capturedTransaction(nb, objects),
    },
    {
      name: 'schema check',
      prepare: captured,
      run: (ops) => validateOperations(schema, ops as Operation[]),
    },
    {
      name: 'encode',
      prepare: captured,
      run: (ops) => encodeRequest(next++, 'transact', [NB, ...(ops as Operation[])]),
    },
    { name: 'change', prepare: async () => fresh(), run: (objects) => applyResources(nb, objects) },
    { name: 'raw', prepare: captured, run: (ops) => raw.transact(ops as Operation[]) },
  ];

  const timeOnce = async (stage: Stage, input: unknown): Promise<number> => {
    const t0 = performance.now();
    await stage.run(input);
    return (performance.now() - t0) * 1000;
  };

  // Warm-up: the code compiled, as in a process that has made changes before.
  for (const until = performance.now() + 1000; performance.now() < until; )
    for (const stage of stages)
      if (stage.name !== 'change' && stage.name !== 'raw') await timeOnce(stage, await stage.prepare());
  for (let i = 0; i < 3; i++) for (const stage of stages) await timeOnce(stage, await stage.prepare());

  const afterPause = new Map<string, number[]>(stages.map((s) => [s.name, []]));
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? stages : [...stages].reverse();
    for (const stage of order) {
      const input = await stage.prepare();
      await pause();
      afterPause.get(stage.name)!.push(await timeOnce(stage, input));
    }
  }
  const hot = new Map<string, number[]>();
  for (const stage of stages) {
    const times: number[] = [];
    // A new change every time (its input made untimed), one right after the other.
    for (let i = 0; i < hotReps; i++) times.push(await timeOnce(stage, await stage.prepare()));
    hot.set(stage.name, times);
  }

  const rows = stages.map((stage) => {
    const paused = median(afterPause.get(stage.name)!);
    const inLoop = median(hot.get(stage.name)!);
    const line = {
      bench: 'change-costs',
      stage: stage.name,
      after_pause_us: Math.round(paused),
      hot_us: Math.round(inLoop),
      ratio: +(paused / inLoop).toFixed(1),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return line;
  });
  process.stdout.write(
    `\n${template.rows.toLocaleString('en-US')} rows, ${reps} runs per stage after a ${pauseMs} ms pause, ${hotReps} hot; medians\n\n` +
      '| stage | after a pause | hot | ratio |\n|---|---|---|---|\n' +
      rows.map((r) => `| ${r.stage} | ${r.after_pause_us} µs | ${r.hot_us} µs | ${r.ratio}x |`).join('\n') +
      '\n',
  );
  raw.close();
  await client.close();
} finally {
  await server.stop();
}
