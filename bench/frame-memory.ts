/**
 * `npm run bench:frame-memory`: what one incoming frame costs the client in memory, frame size
 * -> peak resident memory, for hostile shapes (millions of empty arrays or objects, numbers,
 * strings) and for a real OVN_Northbound initial dump; with the parse-cost limit (the default)
 * and without it (`factor 0`). Each measurement runs in a child process of its own, with
 * `--max-old-space-size=1024`, so that an out-of-memory abort shows as such.
 *
 *   npm run bench:frame-memory -- [--mb 16,100] [--shapes arrays,objects,...] [--routes 100000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { monitorTemplate, serverOnTemplate } from './monitor-suite.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '16,100' },
    shapes: { type: 'string', default: 'arrays,objects,zeros,strings,sets,uuids,rows,near-limit' },
    routes: { type: 'string', default: '100000' },
    ...tmpdirOption,
  },
});
prepareBenchProcess(args.tmpdir);

/** One element of each shape, repeated to fill the frame. */
const units: Record<string, string> = {
  arrays: '[]',
  objects: '{}',
  zeros: '0',
  strings: '""',
  sets: '["set",[]]',
  uuids: '["uuid","0a1b2c3d-0000-4000-8000-000000000001"]',
  rows: '{"name":"ls-0001","ports":["set",[]],"external_ids":["map",[["k","v"]]]}',
  // Just under the default limit (an estimate of about 26 times its size).
  'near-limit': '[],0,0,0',
};

/** `{"id":<id>,"result":[u,u,…],"error":null}` of about `mb` MiB. */
function frameOf(id: unknown, unit: string, mb: number): Buffer {
  const head = `{"id":${JSON.stringify(id)},"result":[`;
  const tail = '],"error":null}';
  const count = Math.floor((mb * 1048576 - head.length - tail.length) / (unit.length + 1));
  const out = Buffer.allocUnsafe(head.length + count * (unit.length + 1) - 1 + tail.length);
  let at = out.write(head, 0, 'latin1');
  const piece = Buffer.from(`${unit},`, 'latin1');
  for (let i = 0; i < count; i++) at += piece.copy(out, at);
  at -= 1; // the last comma
  out.write(tail, at, 'latin1');
  return out;
}

function runChild(remote: string, extra: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=1024',
        '--import',
        'tsx',
        join(import.meta.dirname, 'frame-memory-child.ts'),
        '--remote',
        remote,
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('exit', (code, signal) => {
      const line = out.trim().split('\n').pop();
      if (code === 0 && line) resolve(JSON.parse(line));
      else
        resolve({
          outcome: /heap out of memory/i.test(err) ? 'ABORT: heap out of memory' : `exit ${code ?? signal}`,
        });
    });
  });
}

const dir = await mkdtemp(join(args.tmpdir, 'ovndb-frame-memory-'));
const path = join(dir, 'peer.sock');
let current = Buffer.alloc(0);
let currentUnit = '';
const server = createServer((socket: Socket) => {
  socket.on('error', () => {});
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const match = /"id":(\d+),"method":"echo"/.exec(pending);
    if (match === null) return;
    pending = '';
    socket.write(frameOf(Number(match[1]), currentUnit, current.length));
  });
});
await new Promise<void>((resolve) => server.listen(path, resolve));

const rows: string[] = [];
const row = (shape: string, factor: string, line: Record<string, unknown>) =>
  rows.push(
    `| ${shape} | ${line.bytes === undefined ? '' : (Number(line.bytes) / 1048576).toFixed(0)} | ${factor} | ${line.outcome} | ${line.peak_mb ?? ''} | ${line.peak_x ?? ''} |`,
  );
for (const mb of args.mb.split(',').map(Number)) {
  for (const shape of args.shapes.split(',')) {
    currentUnit = units[shape] as string;
    current = Buffer.alloc(mb); // only its length is used: the size in MiB
    for (const factor of ['32', '0']) {
      const line = await runChild(`unix:${path}`, ['--factor', factor]);
      process.stderr.write(`${shape} ${mb} MiB factor ${factor}: ${JSON.stringify(line)}\n`);
      row(shape, factor === '0' ? 'off' : factor, line);
    }
  }
}
server.close();

// A real dump: the initial monitor of every table of an OVN_Northbound with many routes.
const template = await monitorTemplate(Number(args.routes), args.tmpdir);
const nb = await serverOnTemplate(template.path, args.tmpdir);
for (const factor of ['32', '0']) {
  const line = await runChild(nb.unix, ['--request', 'monitor', '--factor', factor]);
  process.stderr.write(`NB dump factor ${factor}: ${JSON.stringify(line)}\n`);
  row(`real NB dump (${args.routes} static routes)`, factor === '0' ? 'off' : factor, line);
}
await nb.stop();
await rm(dir, { recursive: true, force: true });

console.log('| frame | MiB | cost limit | outcome | peak RSS added (MiB) | x frame size |');
console.log('|---|---|---|---|---|---|');
for (const line of rows) console.log(line);
