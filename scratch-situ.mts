import { connect, op } from './src/index.js';
import { ovnSchemaPath, startOvsdbServer } from './src/testing/index.js';
import { transactionOps } from './bench/workload.js';
process.env.TMPDIR = '/dev/shm';
const rows = Number(process.env.ROWS ?? 100), N = rows === 1 ? 5000 : 200;
for (let rep = 0; rep < 3; rep++) {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
  const c = await connect(server.unix);
  const [lr, warm] = await c.transact('OVN_Northbound', [op.insert('Logical_Router', { name: 'lr0' }), op.insert('Logical_Router', { name: 'lr0-warmup' })]);
  for (let t = 0; t < 2000 / rows; t++) await c.transact('OVN_Northbound', transactionOps(t, rows, (warm as any).uuid[1], 11));
  const ops = Array.from({ length: N }, (_, t) => transactionOps(t, rows, (lr as any).uuid[1], 10));
  const g = globalThis as any; g.vt = 0; g.st = 0; g.rt = 0;
  const t0 = performance.now();
  for (const o of ops) await c.transact('OVN_Northbound', o);
  const total = performance.now() - t0;
  const k = 1000 / N;
  console.log('per txn us: total', (total * k).toFixed(1), 'validate', (g.vt * k).toFixed(1), 'start', (g.st * k).toFixed(1), 'results', (g.rt * k).toFixed(1));
  await c.close(); await server.stop();
}
