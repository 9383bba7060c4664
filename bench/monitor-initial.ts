/**
 * `npm run bench:monitor`: the initial monitor of a big OVN_Northbound alone (bench/monitor-suite.ts),
 * repetitions interleaved. One JSON line per child, then a markdown table.
 *
 *   npm run bench:monitor -- --reps 3 [--routes 100000] [--clients shared-raw,raw,replica,py-idl]
 *     [--slice N] [--profile DIR] [--rebuild]
 *
 * `--profile DIR` writes a V8 CPU profile of every replica child into DIR.
 */
import { parseArgs } from 'node:util';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import {
  type MonitorClient,
  type MonitorLine,
  measureMonitor,
  monitorClientAvailable,
  monitorTable,
  monitorTemplate,
} from './monitor-suite.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    routes: { type: 'string', default: '100000' },
    clients: { type: 'string', default: 'shared-raw,raw,replica,py-idl' },
    slice: { type: 'string' },
    profile: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    ...tmpdirOption,
  },
});
prepareBenchProcess(args.tmpdir);

const routes = Number(args.routes);
const template = await monitorTemplate(routes, args.tmpdir, args.rebuild);
const clients = (args.clients.split(',') as MonitorClient[]).filter(monitorClientAvailable);
const results: MonitorLine[] = [];
for (let rep = 0; rep < Number(args.reps); rep++) {
  for (const client of rep % 2 === 0 ? clients : [...clients].reverse()) {
    const measured = await measureMonitor(client, template.path, args.tmpdir, {
      ...(args.slice ? { slice: args.slice } : {}),
      ...(args.profile ? { profile: args.profile } : {}),
    });
    const line = { ...measured, rep, routes, db_file_mb: template.mb };
    results.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
process.stdout.write(`\n${monitorTable(results)}\n`);
