/**
 * Typed transactions and a replica: starts a throwaway OVN Northbound ovsdb-server and, through ovndb:
 * replicates it (a `Replica` with a change stream), creates a router and two static routes in
 * one typed transaction, reads them back from the replica at once (read-your-writes), adds a
 * route with an optimistic transaction, shows the routes as `ovn-nbctl lr-route-list` sees
 * them, and stops the server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, insertRow, Replica, replicaRowSource, runTransaction, whereColumn } from 'ovndb';
import { LogicalRouterStaticRouteTable, LogicalRouterTable, model } from 'ovndb/nb';
import { ovnSchemaPath, startOvsdbServer } from 'ovndb/testing';

const run = promisify(execFile);

// A short description of a router or route row, for the change log.
function label(row: object): string | undefined {
  if ('ip_prefix' in row)
    return `${String(row.ip_prefix)} via ${String((row as { nexthop?: string }).nexthop)}`;
  if ('name' in row) return String(row.name);
  return undefined;
}
const NB = 'OVN_Northbound';

const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
console.log(`sandbox OVN_Northbound: ${server.unix} (pid ${server.pid})`);
try {
  const client = await connect(server.unix);
  try {
    const nb = await Replica.start(client, model, {
      tables: { Logical_Router: true, Logical_Router_Static_Route: true },
    });
    console.log(`replica: ${nb.method}, tables ${nb.tables.join(', ')}`);
    // Every change, in order, from a lossless stream consumed in the background.
    const stream = nb.changes();
    const printed = (async () => {
      for await (const change of stream) {
        const row = change.kind === 'delete' ? change.old : change.new;
        console.log(
          `  change: ${change.kind} ${change.table} ${change.uuid.slice(0, 8)} ${JSON.stringify(label(row))}`,
        );
      }
    })();

    // One typed transaction: two routes and the router that refers to them by name.
    const r1 = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: '10.0.1.0/24', nexthop: '192.168.0.254' },
      { uuidName: 'r1' },
    );
    const r2 = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: '192.168.0.0/16', nexthop: '10.0.0.1', policy: 'src-ip' },
      { uuidName: 'r2' },
    );
    const lr = insertRow(LogicalRouterTable, {
      name: 'vpc-demo',
      static_routes: [r1.ref, r2.ref],
      external_ids: { vendor: 'ovndb-demo' },
    });
    await client.transact(NB, [r1.operation, r2.operation, lr.operation]);
    // Read-your-writes: the replica already holds the router.
    const router = nb.where('Logical_Router', (r) => r.name === 'vpc-demo')[0];
    console.log(`replica sees vpc-demo with ${router?.static_routes.length} routes right after the commit`);

    // An optimistic read-modify-write: reads come from the replica and are verified at commit.
    const outcome = await runTransaction(
      client,
      model,
      async (txn) => {
        const [found] = await txn.select('Logical_Router', [whereColumn('name', '==', 'vpc-demo')]);
        if (found === undefined) throw new Error('vpc-demo is gone');
        const route = txn.insert('Logical_Router_Static_Route', {
          ip_prefix: '0.0.0.0/0',
          nexthop: '10.0.0.254',
        });
        txn.update('Logical_Router', found._uuid, { static_routes: [...found.static_routes, route] });
        return found.static_routes.length + 1;
      },
      { rowSource: replicaRowSource(nb) },
    );
    console.log(`optimistic transaction: ${outcome.value} routes after ${outcome.attempts} attempt(s)`);

    await nb.close();
    await printed;
  } finally {
    await client.close();
  }
  const { stdout } = await run('ovn-nbctl', [`--db=${server.unix}`, 'lr-route-list', 'vpc-demo']);
  console.log(`ovn-nbctl lr-route-list vpc-demo:\n${stdout}`);
} finally {
  await server.stop();
  console.log('sandbox stopped');
}
