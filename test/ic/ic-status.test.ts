/**
 * icStatus against `ovn-ic-sbctl show` on a real IC-SB: zones, gateways with hostname and
 * encapsulations, and the ports bound to each gateway, rendered exactly as the tool prints
 * them; ports bound to no gateway are reported apart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as icSbModel } from '../../src/generated/ic-sb/index.js';
import type { Tables as IcSbTables } from '../../src/generated/ic-sb/rows.js';
import { icStatus, renderIcStatus } from '../../src/ic/index.js';
import { connect, type OvsdbClient, op, Replica } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const run = promisify(execFile);
const IC_SB = 'OVN_IC_Southbound';

describe('icStatus: ovn-ic-sbctl show as typed objects', { timeout: 20_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let icSb: Replica<IcSbTables>;
  const show = async () => (await run('ovn-ic-sbctl', [`--db=${server.unix}`, 'show'])).stdout;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('ic-sb')] });
    client = await connect(server.unix);
    icSb = await Replica.start(client, icSbModel);
  });
  after(async () => {
    await icSb?.close();
    await client?.close();
    await server?.stop();
  });

  test('empty database: nothing to show', async () => {
    assert.deepEqual(icStatus(icSb), { zones: [] });
    assert.equal(renderIcStatus(icStatus(icSb)), await show());
  });

  test('two zones as the seed shows them, plus a zone without gateways and an unbound port', async () => {
    const zone = (name: string) =>
      op.insert('Availability_Zone', { name }, { uuidName: name.replace('-', '_') });
    const gateway = (name: string, az: string, hostname: string, ips: string[]) => [
      ...ips.map((ip, i) =>
        op.insert(
          'Encap',
          { type: i === 0 ? 'geneve' : 'vxlan', ip, gateway_name: name },
          { uuidName: `e_${name}_${i}` },
        ),
      ),
      op.insert('Gateway', {
        name,
        availability_zone: ['named-uuid', az],
        hostname,
        encaps: ['set', ips.map((_, i) => ['named-uuid', `e_${name}_${i}`])],
      }),
    ];
    const binding = (lp: string, ts: string, az: string, key: number, gw: string, address: string) =>
      op.insert('Port_Binding', {
        logical_port: lp,
        transit_switch: ts,
        availability_zone: ['named-uuid', az],
        tunnel_key: key,
        gateway: gw,
        address,
      });
    await client.transact(IC_SB, [
      zone('az2'),
      zone('az1'),
      zone('az0'),
      ...gateway('gw1', 'az1', 'az1-gw', ['192.168.42.145']),
      ...gateway('gw2', 'az2', 'az2-gw', ['192.168.42.149', '192.168.42.150']),
      ...gateway('gw1b', 'az1', '', ['192.168.42.146']),
      binding('ts1-az1', 'ts1', 'az1', 2, 'gw1', '00:00:00:50:AC:8D 169.254.101.45/24'),
      binding('ts-az1', 'ts', 'az1', 1, 'gw1', '00:00:00:50:AC:8C 169.254.100.45/24'),
      binding('ts-az2', 'ts', 'az2', 3, 'gw2', '00:00:00:07:4A:59 169.254.100.63/24'),
      binding('ts2-az2', 'ts2', 'az2', 4, '', '00:00:00:07:4A:5A 169.254.102.63/24'),
    ]);
    const status = icStatus(icSb);
    assert.deepEqual(
      status.zones.map((z) => [z.name, z.gateways.map((g) => g.name)]),
      [
        ['az0', []],
        ['az1', ['gw1', 'gw1b']],
        ['az2', ['gw2']],
      ],
    );
    const az1 = status.zones[1];
    assert.deepEqual(
      az1?.gateways[0]?.ports.map((p) => p.logicalPort),
      ['ts-az1', 'ts1-az1'],
    );
    assert.deepEqual(az1?.gateways[0]?.encaps, [{ type: 'geneve', ip: '192.168.42.145' }]);
    assert.deepEqual(
      status.zones[2]?.unboundPorts.map((p) => [p.logicalPort, p.transitSwitch]),
      [['ts2-az2', 'ts2']],
    );
    // The judge: the tool's own output, byte for byte.
    assert.equal(renderIcStatus(status), await show());
  });
});
