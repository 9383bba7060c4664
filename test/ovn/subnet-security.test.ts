import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { createRouter } from '../../src/ovn/routers.js';
import {
  parseKeyValueList,
  parseSubnetSecurity,
  planSubnetSecurity,
  type SubnetSecuritySpec,
} from '../../src/ovn/subnet-security.js';
import { addSubnet } from '../../src/ovn/subnets.js';
import { nbPair } from '../helpers/nb-pair.js';
import { until } from '../helpers/replica-wait.js';

/** The error is an InvalidSpecError on exactly `field`. */
function specError(field: string) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidSpecError, String(error));
    assert.equal(error.field, field);
    return true;
  };
}

describe('parseSubnetSecurity', () => {
  const doc = (spec: Record<string, unknown>) => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 'net1' },
    spec: { cidrBlock: '10.66.0.0/24', ...spec },
  });

  test('reads the Kube-OVN fields', () => {
    const spec = parseSubnetSecurity(
      doc({
        vpc: 'vpc1',
        private: true,
        allowSubnets: ['10.67.0.0/24', ''],
        acls: [{ direction: 'to-lport', priority: 1010, match: 'ip4.src == 10.68.0.5', action: 'drop' }],
        enableDHCP: true,
        dhcpV4Options: 'lease_time=600,dns_server={8.8.8.8;1.1.1.1}',
        excludeIps: ['10.66.0.10..10.66.0.20'],
        mtu: 0,
        gateway: '',
      }),
    );
    assert.equal(spec.name, 'net1');
    assert.equal(spec.vpc, 'vpc1');
    assert.equal(spec.private, true);
    assert.deepEqual(spec.allowSubnets, ['10.67.0.0/24', '']);
    assert.equal(spec.acls?.length, 1);
    assert.equal(spec.mtu, undefined, 'Kube-OVN reads 0 as unset');
    assert.equal(spec.gateway, undefined);
    assert.deepEqual(parseKeyValueList('lease_time=600,dns_server={8.8.8.8;1.1.1.1}', 'f'), {
      lease_time: '600',
      dns_server: '{8.8.8.8,1.1.1.1}',
    });
    assert.deepEqual(parseKeyValueList(' dns_server = {8.8.8.8,1.1.1.1} , mtu=1400', 'f'), {
      dns_server: '{8.8.8.8,1.1.1.1}',
      mtu: '1400',
    });
  });

  test('bad input names the field path', () => {
    const acl = { direction: 'to-lport', priority: 1010, match: 'ip', action: 'drop' };
    assert.throws(
      () => parseSubnetSecurity(doc({ acls: [acl, { ...acl, action: 'deny' }] })),
      specError('Subnet net1: spec.acls[1].action'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ acls: [{ ...acl, priority: 32768 }] })),
      specError('Subnet net1: spec.acls[0].priority'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ acls: [{ ...acl, direction: 'ingress' }] })),
      specError('Subnet net1: spec.acls[0].direction'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ acls: [acl, acl] })),
      specError('Subnet net1: spec.acls[1]'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ allowSubnets: ['10.67.0.0/24', '10.68.0.0/33'] })),
      specError('Subnet net1: spec.allowSubnets[1]'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ dhcpV4Options: 'lease_time=600,router' })),
      specError('Subnet net1: spec.dhcpV4Options'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ dhcpV4Options: 'dns_server={8.8.8.8' })),
      specError('Subnet net1: spec.dhcpV4Options'),
    );
    assert.throws(
      () => parseSubnetSecurity(doc({ ipv6RAConfigs: 'address_mode=stateful' })),
      specError('Subnet net1: spec.ipv6RAConfigs'),
    );
    assert.throws(() => parseSubnetSecurity(doc({ private: 'yes' })), specError('Subnet net1: spec.private'));
    assert.throws(
      () => parseSubnetSecurity(doc({ acls: [{ ...acl, action: 'x' }] }), 'items[3]'),
      specError('items[3].spec.acls[0].action'),
    );
    assert.throws(() => parseSubnetSecurity({ spec: {} }), specError('Subnet: metadata.name'));
  });
});

describe('planSubnetSecurity: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair([
    'ls-add',
    'sw1',
    '--',
    'set',
    'Logical_Switch',
    'sw1',
    'other_config:subnet=10.70.0.0/24',
  ]);
  const { nbctl, apply, assertSame } = pair;
  const base: SubnetSecuritySpec = { name: 'sw1', cidrBlock: '10.70.0.0/24' };

  /** Sets the subnet's owner marks on every ACL of sw1 that ovn-nbctl added. */
  const markAcls = async (subnetKey: boolean) => {
    const uuids = (await nbctl('--bare', '--columns=acls', 'list', 'Logical_Switch', 'sw1')).split(/\s+/);
    for (const uuid of uuids.filter((u) => u !== ''))
      await nbctl(
        'set',
        'ACL',
        uuid,
        'external_ids:parent=sw1',
        'external_ids:vendor=kube-ovn',
        ...(subnetKey ? ['external_ids:subnet=sw1'] : []),
      );
  };

  test('acls: ACLs on the switch as acl-add writes them, marked as Kube-OVN marks them', async () => {
    const spec: SubnetSecuritySpec = {
      ...base,
      acls: [
        { direction: 'to-lport', priority: 1010, match: 'ip4.src == 10.71.0.5', action: 'drop' },
        {
          direction: 'from-lport',
          priority: 1020,
          match: 'ip4.dst == 10.72.0.0/16 && tcp',
          action: 'reject',
        },
      ],
    };
    await apply(planSubnetSecurity(pair.nb, spec));
    await nbctl('acl-add', 'sw1', 'to-lport', '1010', 'ip4.src == 10.71.0.5', 'drop');
    await nbctl('acl-add', 'sw1', 'from-lport', '1020', 'ip4.dst == 10.72.0.0/16 && tcp', 'reject');
    await markAcls(true);
    await assertSame();
    assert.deepEqual(planSubnetSecurity(pair.nb, spec), [], 'the same spec again plans nothing');
  });

  test('dhcp: the row dhcp-options-create makes, with the options and identity', async () => {
    const spec: SubnetSecuritySpec = {
      ...base,
      enableDHCP: true,
      dhcpV4Options: 'server_mac=0a:00:00:00:70:01,dns_server={8.8.8.8;1.1.1.1}',
    };
    const ops = planSubnetSecurity(pair.nb, spec);
    // The acls of the previous case go: the subnet owns them and the spec no longer has them.
    await apply(ops);
    await nbctl('acl-del', 'sw1');
    await nbctl('dhcp-options-create', '10.70.0.0/24', 'ls=sw1', 'protocol=IPv4', 'vendor=kube-ovn');
    const uuid = await nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', 'external_ids:ls=sw1');
    await nbctl(
      'dhcp-options-set-options',
      uuid,
      'lease_time=3600',
      'router=10.70.0.1',
      'server_id=169.254.0.254',
      'server_mac=0a:00:00:00:70:01',
      'mtu=1400',
      'dns_server={8.8.8.8,1.1.1.1}',
    );
    await assertSame();
    assert.deepEqual(planSubnetSecurity(pair.nb, spec), []);
    // enableDHCP off removes the row.
    await apply(planSubnetSecurity(pair.nb, base));
    await nbctl('dhcp-options-del', uuid);
    await assertSame();
  });

  test('private: the drop, the subnet, the join subnet and allowSubnets', async () => {
    const spec: SubnetSecuritySpec = { ...base, private: true, allowSubnets: ['10.80.0.0/16'] };
    await apply(planSubnetSecurity(pair.nb, spec, { joinCidr: '100.64.0.0/16' }));
    await nbctl(
      '--log',
      '--severity=warning',
      '--name=sw1',
      'acl-add',
      'sw1',
      'to-lport',
      '1000',
      'ip',
      'drop',
    );
    const allow = (priority: string, match: string) =>
      nbctl('acl-add', 'sw1', 'to-lport', priority, match, 'allow-related');
    await allow('1001', 'ip4.src == 10.70.0.0/24 && ip4.dst == 10.70.0.0/24');
    await allow('3000', 'ip4.src == 100.64.0.0/16');
    await allow(
      '1001',
      '(ip4.src == 10.70.0.0/24 && ip4.dst == 10.80.0.0/16) || (ip4.src == 10.80.0.0/16 && ip4.dst == 10.70.0.0/24)',
    );
    await markAcls(false);
    await assertSame();
    assert.deepEqual(planSubnetSecurity(pair.nb, spec, { joinCidr: '100.64.0.0/16' }), []);

    // An ACL another tool put on the switch is never touched; turning private off removes ours.
    await pair.ctlOurs('acl-add', 'sw1', 'to-lport', '500', 'ip4.dst == 10.70.0.9', 'drop');
    await nbctl('acl-add', 'sw1', 'to-lport', '500', 'ip4.dst == 10.70.0.9', 'drop');
    await until(pair.nb, () => pair.nb.list('ACL').some((row) => row.priority === 500));
    await apply(planSubnetSecurity(pair.nb, base));
    await nbctl('acl-del', 'sw1', 'to-lport');
    await nbctl('acl-add', 'sw1', 'to-lport', '500', 'ip4.dst == 10.70.0.9', 'drop');
    await assertSame();
  });

  test('excludeIps: other_config:exclude_ips by one mutate', async () => {
    const spec: SubnetSecuritySpec = { ...base, excludeIps: ['10.70.0.2', '10.70.0.10..10.70.0.20'] };
    const ops = planSubnetSecurity(pair.nb, spec);
    assert.equal(ops.length, 1);
    assert.equal(ops[0]?.op, 'mutate');
    await apply(ops);
    await nbctl(
      'set',
      'Logical_Switch',
      'sw1',
      'other_config:exclude_ips="10.70.0.2 10.70.0.10..10.70.0.20"',
    );
    await assertSame();
    assert.deepEqual(planSubnetSecurity(pair.nb, spec), []);
  });

  test('bad input: typed errors, nothing planned', () => {
    assert.throws(
      () =>
        planSubnetSecurity(pair.nb, {
          ...base,
          acls: [
            { direction: 'to-lport', priority: 1010, match: 'ip4.src == 10.71.0.5', action: 'drop' },
            { direction: 'to-lport', priority: 1011, match: 'ip4.src == 10.71.0.5 &&', action: 'drop' },
          ],
        }),
      specError('Subnet sw1: spec.acls[1].match'),
    );
    assert.throws(
      () =>
        planSubnetSecurity(pair.nb, {
          ...base,
          acls: [{ direction: 'to-lport', priority: 1010, match: 'ip4.source == 1.2.3.4', action: 'drop' }],
        }),
      specError('Subnet sw1: spec.acls[0].match'),
    );
    assert.throws(
      () =>
        planSubnetSecurity(pair.nb, {
          ...base,
          private: true,
          acls: [{ direction: 'to-lport', priority: 1000, match: 'ip', action: 'allow' }],
        }),
      specError('Subnet sw1: spec.acls[0]'),
    );
    assert.throws(
      () => planSubnetSecurity(pair.nb, { ...base, enableDHCP: true, dhcpV4Options: 'lease_tim=60' }),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field.startsWith('Subnet sw1: spec.dhcpV4Options'),
    );
    assert.throws(
      () => planSubnetSecurity(pair.nb, { name: 'nope', cidrBlock: '10.90.0.0/24' }),
      ObjectNotFoundError,
    );
  });
});

describe('planSubnetSecurity: IPv6 RA on the router port', { timeout: 20_000 }, () => {
  const pair = nbPair();
  test('enableIPv6RA writes ipv6_ra_configs, off clears them', async () => {
    const nb = pair.nb;
    await pair.apply(createRouter(nb, { name: 'vpc6' }));
    await pair.apply(
      addSubnet(nb, {
        name: 'ds1',
        vpc: 'vpc6',
        cidrBlock: '10.75.0.0/24,fd00:75::/64',
        mac: '0a:00:00:00:75:01',
      }),
    );
    const spec: SubnetSecuritySpec = { name: 'ds1', vpc: 'vpc6', cidrBlock: '10.75.0.0/24,fd00:75::/64' };
    await pair.apply(planSubnetSecurity(nb, { ...spec, enableIPv6RA: true }));
    assert.deepEqual(nb.findOne('Logical_Router_Port', 'name', 'vpc6-ds1')?.ipv6_ra_configs, {
      address_mode: 'dhcpv6_stateful',
      max_interval: '30',
      min_interval: '5',
      send_periodic: 'true',
    });
    await pair.apply(
      planSubnetSecurity(nb, { ...spec, enableIPv6RA: true, ipv6RAConfigs: 'address_mode=slaac' }),
    );
    assert.deepEqual(nb.findOne('Logical_Router_Port', 'name', 'vpc6-ds1')?.ipv6_ra_configs, {
      address_mode: 'slaac',
    });
    assert.deepEqual(
      planSubnetSecurity(nb, { ...spec, enableIPv6RA: true, ipv6RAConfigs: 'address_mode=slaac' }),
      [],
    );
    await pair.apply(planSubnetSecurity(nb, spec));
    assert.deepEqual(nb.findOne('Logical_Router_Port', 'name', 'vpc6-ds1')?.ipv6_ra_configs, {});
    assert.deepEqual(planSubnetSecurity(nb, spec), []);
    // Both families served by DHCP: one row each, found by Kube-OVN's identity.
    await pair.apply(planSubnetSecurity(nb, { ...spec, enableDHCP: true }));
    const rows = nb.list('DHCP_Options');
    assert.deepEqual(rows.map((r) => r.external_ids.protocol).sort(), ['IPv4', 'IPv6']);
    const v4 = rows.find((r) => r.external_ids.protocol === 'IPv4');
    assert.equal(v4?.options.router, '10.75.0.1');
    assert.deepEqual(planSubnetSecurity(nb, { ...spec, enableDHCP: true }), [], 'server_mac is kept');
  });
});
