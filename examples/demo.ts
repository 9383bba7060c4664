/**
 * `npm run demo`: starts a throwaway OVN Northbound ovsdb-server, creates a router and two static
 * routes through ovndb in one transaction, shows them as `ovn-nbctl lr-route-list` sees them,
 * and stops the server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, op } from '../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';

const run = promisify(execFile);

const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
console.log(`sandbox OVN_Northbound: ${server.unix} (pid ${server.pid})`);
try {
  const client = await connect(server.unix);
  try {
    const results = await client.transact('OVN_Northbound', [
      op.insert(
        'Logical_Router_Static_Route',
        { ip_prefix: '10.0.1.0/24', nexthop: '192.168.0.254' },
        { uuidName: 'r1' },
      ),
      op.insert(
        'Logical_Router_Static_Route',
        { ip_prefix: '192.168.0.0/16', nexthop: '10.0.0.1', policy: 'src-ip' },
        { uuidName: 'r2' },
      ),
      op.insert(
        'Logical_Router',
        {
          name: 'vpc-demo',
          static_routes: [
            'set',
            [
              ['named-uuid', 'r1'],
              ['named-uuid', 'r2'],
            ],
          ],
          external_ids: ['map', [['vendor', 'ovndb-demo']]],
        },
        { uuidName: 'lr' },
      ),
    ]);
    console.log(`committed: ${results.length} operations`);
    const rows = await client.transact('OVN_Northbound', [
      op.select('Logical_Router', [['name', '==', 'vpc-demo']], ['_uuid', 'name', 'static_routes']),
    ]);
    console.log('ovndb sees:', JSON.stringify(rows[0]));
  } finally {
    await client.close();
  }
  const { stdout } = await run('ovn-nbctl', [`--db=${server.unix}`, 'lr-route-list', 'vpc-demo']);
  console.log(`ovn-nbctl lr-route-list vpc-demo:\n${stdout}`);
} finally {
  await server.stop();
  console.log('sandbox stopped');
}
