import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import {
  deleteSecurityGroup,
  parseSecurityGroup,
  planSecurityGroup,
  podSecurityGroups,
  type SecurityGroupResource,
} from '../../src/ovn/security-groups.js';
import { nbPair } from '../helpers/nb-pair.js';

function specError(field: string) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidSpecError, String(error));
    assert.equal(error.field, field);
    return true;
  };
}

const web = {
  ipVersion: 'ipv4',
  protocol: 'tcp',
  priority: 10,
  remoteType: 'address',
  remoteAddress: '10.1.0.0/16',
  portRangeMin: 80,
  portRangeMax: 80,
  policy: 'allow',
};

describe('parseSecurityGroup and podSecurityGroups', () => {
  const doc = (spec: Record<string, unknown>) => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'SecurityGroup',
    metadata: { name: 'sg1' },
    spec,
  });

  test('reads the rules, normalized', () => {
    const sg = parseSecurityGroup(
      doc({
        allowSameGroupTraffic: true,
        ingressRules: [{ ...web, remoteAddress: '10.1.2.3/16' }],
        egressRules: [
          { ipVersion: 'ipv6', priority: 1, remoteType: 'address', remoteAddress: 'FD00::1', policy: 'drop' },
        ],
      }),
    );
    assert.equal(sg.name, 'sg1');
    assert.equal(sg.ingressRules[0]?.remoteAddress, '10.1.0.0/16');
    assert.equal(sg.egressRules[0]?.remoteAddress, 'fd00::1');
    assert.equal(sg.egressRules[0]?.protocol, 'all');
  });

  test('bad input names the field path', () => {
    const rules = (bad: Record<string, unknown>) =>
      doc({ ingressRules: [web, web, { ...web, priority: 11, ...bad }] });
    assert.throws(
      () => parseSecurityGroup(rules({ remoteAddress: '10.1.0.300' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].remoteAddress'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ remoteAddress: 'fd00::/64' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].remoteAddress'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ priority: 0 })),
      specError('SecurityGroup sg1: spec.ingressRules[2].priority'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ priority: 16385 })),
      specError('SecurityGroup sg1: spec.ingressRules[2].priority'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ policy: 'deny' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].policy'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ portRangeMin: 90 })),
      specError('SecurityGroup sg1: spec.ingressRules[2].portRangeMax'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ portRangeMax: 70000 })),
      specError('SecurityGroup sg1: spec.ingressRules[2].portRangeMax'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ remoteType: 'cidr' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].remoteType'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ remoteType: 'securityGroup' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].remoteSecurityGroup'),
    );
    assert.throws(
      () => parseSecurityGroup(rules({ ipVersion: 'IPv4' })),
      specError('SecurityGroup sg1: spec.ingressRules[2].ipVersion'),
    );
    assert.throws(
      () => parseSecurityGroup(doc({ tier: 1, egressRules: [{ ...web, policy: 'pass' }] })),
      specError('SecurityGroup sg1: spec.egressRules[0].policy'),
    );
    assert.throws(
      () => parseSecurityGroup({ metadata: { name: 'a/b' }, spec: {} }),
      specError('SecurityGroup a/b: metadata.name'),
    );
  });

  test('the pod annotation, read as Kube-OVN reads it', () => {
    const pod = (value: string) => ({
      metadata: { annotations: { 'ovn.kubernetes.io/security_groups': value } },
    });
    assert.deepEqual(podSecurityGroups(pod(' sg1, sg-2,,sg1 ')), ['sg1', 'sg-2']);
    assert.deepEqual(podSecurityGroups({ metadata: {} }), []);
    assert.deepEqual(
      podSecurityGroups(
        { metadata: { annotations: { 'net1.default.ovn.kubernetes.io/security_groups': 'a' } } },
        { provider: 'net1.default.ovn' },
      ),
      ['a'],
    );
  });
});

describe('planSecurityGroup: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair([
    'ls-add',
    'sw1',
    '--',
    'lsp-add',
    'sw1',
    'p1',
    '--',
    'lsp-set-addresses',
    'p1',
    '0a:00:00:00:00:01 10.0.0.1 fd00::1',
    '--',
    'lsp-add',
    'sw1',
    'p2',
    '--',
    'lsp-set-addresses',
    'p2',
    '0a:00:00:00:00:02 10.0.0.2',
  ]);
  const { nbctl, apply, assertSame } = pair;
  const sg: SecurityGroupResource = parseSecurityGroup({
    metadata: { name: 'web-sg' },
    spec: { ingressRules: [web] },
  });

  test('the port group, its address sets and ACLs, and the deny-all group', async () => {
    await apply(planSecurityGroup(pair.nb, sg, { members: ['p1'] }));

    const pg = 'ovn.sg.web.sg';
    const ids = (sgName: string) => [
      `external_ids:type=security_group`,
      `external_ids:sg=${sgName}`,
      'external_ids:vendor=kube-ovn',
    ];
    await nbctl('pg-add', pg, 'p1', '--', 'set', 'Port_Group', pg, ...ids('web-sg'));
    for (const [v, addresses] of [
      ['v4', '10.0.0.1'],
      ['v6', '"fd00::1"'],
    ])
      await nbctl(
        'create',
        'Address_Set',
        `name=ovn.sg.web.sg.associated.${v}`,
        `addresses=${addresses}`,
        'external_ids:sg=web-sg',
        'external_ids:vendor=kube-ovn',
      );
    const acl = (group: string, direction: string, priority: string, match: string, action: string) =>
      nbctl('--type=port-group', 'acl-add', group, direction, priority, match, action);
    await acl(
      pg,
      'to-lport',
      '18474',
      `outport == @${pg} && ip4 && ip4.src == 10.1.0.0/16 && 80 <= tcp.dst <= 80`,
      'allow-related',
    );
    for (const [direction, port, icmp6, v4, v6] of [
      [
        'to-lport',
        'outport',
        '{130, 134, 135, 136}',
        'udp.src == 67 && udp.dst == 68',
        'udp.src == 547 && udp.dst == 546',
      ],
      [
        'from-lport',
        'inport',
        '{130, 133, 135, 136}',
        'udp.src == 68 && udp.dst == 67',
        'udp.src == 546 && udp.dst == 547',
      ],
    ] as const) {
      await acl(pg, direction, '2005', `${port} == @${pg} && arp`, 'allow-related');
      await acl(
        pg,
        direction,
        '2005',
        `${port} == @${pg} && icmp6.type == ${icmp6} && icmp6.code == 0 && ip.ttl == 255`,
        'allow-related',
      );
      await acl(pg, direction, '2005', `${port} == @${pg} && ${v4} && ip4`, 'allow-related');
      await acl(pg, direction, '2005', `${port} == @${pg} && ${v6} && ip6`, 'allow-related');
      await acl(pg, direction, '2005', `${port} == @${pg} && ip.proto == 112`, 'allow-related');
    }
    const deny = 'ovn.sg.kubeovn_deny_all';
    await nbctl('pg-add', deny, 'p1', '--', 'set', 'Port_Group', deny, ...ids('kubeovn_deny_all'));
    await acl(deny, 'to-lport', '2003', `outport == @${deny} && ip`, 'drop');
    await acl(deny, 'from-lport', '2003', `inport == @${deny} && ip`, 'drop');
    for (const group of [pg, deny]) {
      const uuids = (await nbctl('--bare', '--columns=acls', 'list', 'Port_Group', group)).split(/\s+/);
      for (const uuid of uuids.filter((u) => u !== ''))
        await nbctl('set', 'ACL', uuid, `external_ids:parent=${group}`, 'external_ids:vendor=kube-ovn');
    }
    await assertSame();
    assert.deepEqual(
      planSecurityGroup(pair.nb, sg, { members: ['p1'] }),
      [],
      'the same call again plans nothing',
    );
    assert.deepEqual(planSecurityGroup(pair.nb, sg), [], 'without members the membership stays');
  });

  test('members move; a rule changes by one ACL; delete leaves nothing behind', async () => {
    await apply(planSecurityGroup(pair.nb, sg, { members: ['p2'] }));
    const names = (group: string) =>
      (pair.nb.findOne('Port_Group', 'name', group)?.ports ?? []).map(
        (u) => pair.nb.get('Logical_Switch_Port', u)?.name,
      );
    assert.deepEqual(names('ovn.sg.web.sg'), ['p2']);
    assert.deepEqual(names('ovn.sg.kubeovn_deny_all'), ['p2']);
    assert.deepEqual(pair.nb.findOne('Address_Set', 'name', 'ovn.sg.web.sg.associated.v4')?.addresses, [
      '10.0.0.2',
    ]);
    assert.deepEqual(pair.nb.findOne('Address_Set', 'name', 'ovn.sg.web.sg.associated.v6')?.addresses, []);

    // A second group over p2 keeps it in deny-all when the first lets it go.
    const other = parseSecurityGroup({ metadata: { name: 'other' }, spec: { allowSameGroupTraffic: true } });
    await apply(planSecurityGroup(pair.nb, other, { members: ['p2'] }));
    await apply(planSecurityGroup(pair.nb, sg, { members: [] }));
    assert.deepEqual(names('ovn.sg.kubeovn_deny_all'), ['p2']);

    const changed = { ...sg, ingressRules: [{ ...sg.ingressRules[0]!, portRangeMax: 81 }] };
    const ops = planSecurityGroup(pair.nb, changed);
    assert.ok(ops.length <= 3, JSON.stringify(ops));
    await apply(ops);
    assert.ok(
      pair.nb.list('ACL').some((row) => row.match.endsWith('80 <= tcp.dst <= 81') && row.priority === 18474),
    );

    // A rule naming another group's members.
    const byGroup = parseSecurityGroup({
      metadata: { name: 'db' },
      spec: {
        ingressRules: [
          {
            ipVersion: 'ipv4',
            priority: 5,
            remoteType: 'securityGroup',
            remoteSecurityGroup: 'web-sg',
            policy: 'allow',
          },
        ],
      },
    });
    await apply(planSecurityGroup(pair.nb, byGroup, { members: ['p1'] }));
    assert.ok(
      pair.nb
        .list('ACL')
        .some(
          (row) => row.match === 'outport == @ovn.sg.db && ip4 && ip4.src == $ovn.sg.web.sg.associated.v4',
        ),
    );

    await apply(deleteSecurityGroup(pair.nb, 'db'));
    await apply(deleteSecurityGroup(pair.nb, 'other'));
    await apply(deleteSecurityGroup(pair.nb, 'web-sg'));
    assert.deepEqual(names('ovn.sg.kubeovn_deny_all'), []);
    assert.equal(pair.nb.findOne('Port_Group', 'name', 'ovn.sg.web.sg'), undefined);
    assert.equal(pair.nb.findOne('Address_Set', 'name', 'ovn.sg.web.sg.associated.v4'), undefined);
    assert.deepEqual(
      pair.nb.list('ACL').map((row) => row.priority),
      [2003, 2003],
      'only the deny-all drops are left',
    );
    assert.deepEqual(deleteSecurityGroup(pair.nb, 'web-sg', { ifExists: true }), []);
    assert.throws(() => deleteSecurityGroup(pair.nb, 'web-sg'), ObjectNotFoundError);
  });

  test('refusals before anything is planned', () => {
    const byGroup = parseSecurityGroup({
      metadata: { name: 'db' },
      spec: {
        egressRules: [
          {
            ipVersion: 'ipv6',
            priority: 5,
            remoteType: 'securityGroup',
            remoteSecurityGroup: 'ghost',
            policy: 'drop',
          },
        ],
      },
    });
    assert.throws(
      () => planSecurityGroup(pair.nb, byGroup),
      specError('SecurityGroup db: spec.egressRules[0].remoteSecurityGroup'),
    );
    assert.throws(
      () => planSecurityGroup(pair.nb, { ...sg, ingressRules: [web as never, web as never] }),
      specError('SecurityGroup web-sg: spec.ingressRules[1]'),
    );
    assert.throws(() => planSecurityGroup(pair.nb, sg, { members: ['p9'] }), ObjectNotFoundError);
  });
});
