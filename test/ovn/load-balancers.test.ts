import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  addLoadBalancer,
  addPortForward,
  deleteLoadBalancer,
  deletePortForward,
  type LoadBalancerSpec,
  removeVip,
} from '../../src/ovn/load-balancers.js';
import { NoGatewayError } from '../../src/ovn/nat.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';

/** Two NB servers with the same base topology: ours written by the helpers, theirs by ovn-nbctl. */
function pair() {
  const base = [
    ...['lr-add', 'vpc-1', '--', 'ls-add', 'net1', '--', 'ls-add', 'net2', '--', 'lr-add', 'vpc-2'],
    ...['--', 'lrp-add', 'vpc-1', 'vpc-1-external', '0a:00:00:00:04:01', '172.18.0.1/24'],
    ...['--', 'lrp-set-gateway-chassis', 'vpc-1-external', 'gw1', '100'],
  ];
  const p = nbPair(base);
  return { s: p, nbctl: p.nbctl, apply: p.apply, assertSame: p.assertSame };
}

/** vpc-dns as a SwitchLBRule: 53/UDP, 53/TCP, 9153/TCP behind one VIP, ClientIP affinity. */
const vpcDns: LoadBalancerSpec = {
  name: 'vpc-dns',
  protocol: 'udp',
  vips: [
    { vip: '10.96.0.3:53', backends: ['10.0.1.2:53', '10.0.1.3:053'] },
    { vip: '10.96.0.3:53', backends: ['10.0.1.2:53', '10.0.1.3:53'], protocol: 'tcp' },
    { vip: '10.96.0.3:9153', backends: ['10.0.1.2:9153'], protocol: 'tcp' },
  ],
  sessionAffinity: 'ClientIP',
  switches: ['net1'],
  routers: ['vpc-1'],
};

describe('load balancers: against ovn-nbctl', { timeout: 20_000 }, () => {
  const { s, nbctl, apply, assertSame } = pair();
  // ovn-nbctl's lb-add cannot write options or external_ids: they are set with `set`.
  async function mark(lb: string, ...extra: string[]): Promise<void> {
    await nbctl('set', 'Load_Balancer', lb, 'external_ids:vendor=kube-ovn', ...extra);
  }

  test('vpc-dns: one balancer per protocol, several ports, affinity, on a switch and a router', async () => {
    await apply(addLoadBalancer(s.nb, vpcDns));
    await nbctl('lb-add', 'vpc-dns-udp', '10.96.0.3:53', '10.0.1.2:53,10.0.1.3:53', 'udp');
    await nbctl('lb-add', 'vpc-dns-tcp', '10.96.0.3:53', '10.0.1.2:53,10.0.1.3:53', 'tcp');
    await nbctl('lb-add', 'vpc-dns-tcp', '10.96.0.3:9153', '10.0.1.2:9153', 'tcp');
    await mark('vpc-dns-udp', 'options:affinity_timeout=10800');
    await mark('vpc-dns-tcp', 'options:affinity_timeout=10800');
    for (const lb of ['vpc-dns-udp', 'vpc-dns-tcp']) {
      await nbctl('ls-lb-add', 'net1', lb);
      await nbctl('lr-lb-add', 'vpc-1', lb);
    }
    await assertSame();
  });

  test('IPv6 and port-less VIPs, sctp, custom affinity timeout', async () => {
    await apply(
      addLoadBalancer(s.nb, {
        name: 'svc6',
        protocol: 'sctp',
        vips: [
          { vip: '[FD00::3]:53', backends: ['[fd00:1::2]:53'] },
          { vip: 'fd00::4', backends: ['fd00:1::2', 'fd00:1::3'] },
        ],
        sessionAffinity: 'ClientIP',
        affinityTimeoutSeconds: 60,
        switches: ['net2'],
      }),
    );
    await nbctl('lb-add', 'svc6-sctp', '[fd00::3]:53', '[fd00:1::2]:53', 'sctp');
    // ovn-nbctl refuses a protocol beside a port-less VIP (and then writes tcp): set it back.
    await nbctl('lb-add', 'svc6-sctp', 'fd00::4', 'fd00:1::2,fd00:1::3');
    await mark('svc6-sctp', 'options:affinity_timeout=60', 'protocol=sctp');
    await nbctl('ls-lb-add', 'net2', 'svc6-sctp');
    await assertSame();
  });

  test('idempotence: the same rule with mayExist is no operation; without it a refusal', () => {
    assert.deepEqual(addLoadBalancer(s.nb, vpcDns, { mayExist: true }), []);
    assert.throws(
      () => addLoadBalancer(s.nb, vpcDns),
      (e: unknown) => e instanceof ObjectExistsError && e.table === 'Load_Balancer',
    );
  });

  test('mayExist replaces backends and adds VIPs; removeVip drops one VIP', async () => {
    await apply(
      addLoadBalancer(
        s.nb,
        { ...vpcDns, vips: [{ vip: '10.96.0.3:53', backends: ['10.0.1.9:53'] }], switches: ['net1', 'net2'] },
        { mayExist: true },
      ),
    );
    await nbctl('--may-exist', 'lb-add', 'vpc-dns-udp', '10.96.0.3:53', '10.0.1.9:53', 'udp');
    await nbctl('ls-lb-add', 'net2', 'vpc-dns-udp');
    await apply(removeVip(s.nb, { name: 'vpc-dns', vip: '10.96.0.3:9153', protocol: 'tcp' }));
    await nbctl('lb-del', 'vpc-dns-tcp', '10.96.0.3:9153');
    await assertSame();
    assert.deepEqual(removeVip(s.nb, { name: 'vpc-dns', vip: '10.96.0.3:9153' }, { ifExists: true }), []);
    assert.throws(() => removeVip(s.nb, { name: 'vpc-dns', vip: '10.96.0.3:9153' }), ObjectNotFoundError);
  });

  test('port forward: a router load balancer; then deleted', async () => {
    const pf = {
      router: 'vpc-1',
      externalIp: '172.18.0.20',
      externalPort: 8888,
      internalIp: '10.0.1.10',
      internalPort: 80,
      protocol: 'tcp',
    } as const;
    await apply(addPortForward(s.nb, pf));
    await nbctl('lb-add', 'pf-vpc-1-172.18.0.20-8888-tcp', '172.18.0.20:8888', '10.0.1.10:80', 'tcp');
    await mark('pf-vpc-1-172.18.0.20-8888-tcp');
    await nbctl('lr-lb-add', 'vpc-1', 'pf-vpc-1-172.18.0.20-8888-tcp');
    await assertSame();
    assert.deepEqual(addPortForward(s.nb, pf, { mayExist: true }), []);
    await apply([...deletePortForward(s.nb, pf), ...deleteLoadBalancer(s.nb, { name: 'svc6' })]);
    await nbctl('lb-del', 'pf-vpc-1-172.18.0.20-8888-tcp', '--', 'lb-del', 'svc6-sctp');
    await assertSame();
    assert.deepEqual(deleteLoadBalancer(s.nb, { name: 'svc6' }, { ifExists: true }), []);
    assert.throws(() => deleteLoadBalancer(s.nb, { name: 'svc6' }), ObjectNotFoundError);
  });

  test('refusals: bad input, no gateway; the server is unchanged', async () => {
    const before = await dumpDatabase(s.client, NB);
    const bad: Array<[LoadBalancerSpec, string]> = [
      [
        {
          name: 'x',
          protocol: 'tcp',
          vips: [{ vip: '10.96.0.9:53', backends: ['10.0.0.1:53', '[fd00::1]:53'] }],
        },
        'vips[0].backends[1]',
      ],
      [
        { name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.9:70000', backends: ['10.0.0.1:53'] }] },
        'vips[0].vip',
      ],
      [
        { name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.9:53', backends: ['10.0.0.1:0'] }] },
        'vips[0].backends[0]',
      ],
      [{ name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.300:53', backends: [] }] }, 'vips[0].vip'],
      [
        { name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.9:53', backends: ['10.0.0.1'] }] },
        'vips[0].backends[0]',
      ],
      [
        { name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.9', backends: ['10.0.0.1:53'] }] },
        'vips[0].backends[0]',
      ],
      [{ name: 'x', protocol: 'icmp' as 'tcp', vips: [{ vip: '10.96.0.9', backends: [] }] }, 'protocol'],
      [
        { name: 'x', protocol: 'tcp', vips: [{ vip: '10.96.0.9', backends: [] }], affinityTimeoutSeconds: 5 },
        'affinityTimeoutSeconds',
      ],
      [
        {
          name: 'x',
          protocol: 'tcp',
          vips: [{ vip: '10.96.0.9', backends: [] }],
          sessionAffinity: 'ClientIP',
          affinityTimeoutSeconds: 86401,
        },
        'affinityTimeoutSeconds',
      ],
      [
        {
          name: 'x',
          protocol: 'tcp',
          vips: [
            { vip: '10.96.0.9:53', backends: [] },
            { vip: '10.96.0.9:053', backends: [] },
          ],
        },
        'vips[1].vip',
      ],
    ];
    for (const [spec, field] of bad) {
      assert.throws(
        () => addLoadBalancer(s.nb, spec),
        (e: unknown) => e instanceof InvalidSpecError && e.code === 'OVNDB_INVALID_SPEC' && e.field === field,
        JSON.stringify(spec),
      );
    }
    assert.throws(
      () =>
        addLoadBalancer(s.nb, {
          name: 'x',
          protocol: 'tcp',
          vips: [{ vip: '10.96.0.9', backends: [] }],
          switches: ['nope'],
        }),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Switch',
    );
    const pf = {
      router: 'vpc-2',
      externalIp: '172.18.0.21',
      externalPort: 22,
      internalIp: '10.0.2.2',
      internalPort: 22,
      protocol: 'tcp',
    } as const;
    assert.throws(
      () => addPortForward(s.nb, pf),
      (e: unknown) => e instanceof NoGatewayError && e.router === 'vpc-2',
    );
    assert.throws(
      () => addPortForward(s.nb, { ...pf, router: 'vpc-1', internalIp: 'fd00::2' }),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'internalIp',
    );
    assert.throws(
      () => addPortForward(s.nb, { ...pf, router: 'vpc-1', externalPort: 65536 }),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'externalPort',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(s.client, NB)), []);
  });
});
