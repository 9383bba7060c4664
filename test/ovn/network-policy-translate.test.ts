/**
 * The NetworkPolicy translation without a database: parsing (field paths of refusals), label
 * selectors, policyTypes defaults, and the rows one policy becomes (names, priorities,
 * matches as Kube-OVN writes them).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  NetworkPolicyConflictError,
  parseKubernetesObjects,
  parseLabelSelector,
  selectorMatches,
  translateNetworkPolicies,
} from '../../src/ovn/network-policy/index.js';
import { InvalidSpecError } from '../../src/ovn/ovn-errors.js';

const pod = (ns: string, name: string, labels: Record<string, string>, ip: string, extra: object = {}) => ({
  kind: 'Pod',
  metadata: {
    namespace: ns,
    name,
    labels,
    annotations: {
      'ovn.kubernetes.io/ip_address': ip,
      'ovn.kubernetes.io/mac_address': '0a:00:00:00:00:01',
      'ovn.kubernetes.io/logical_switch': 'ovn-default',
    },
  },
  spec: { containers: [{ name: 'c', ...extra }] },
});

const policy = (spec: object, name = 'allow-web', ns = 'default') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: ns, name },
  spec,
});

function refusal(input: unknown, field: string) {
  assert.throws(
    () => parseKubernetesObjects(input),
    (error: unknown) => error instanceof InvalidSpecError && error.field === field,
    field,
  );
}

describe('NetworkPolicy objects: parsing', () => {
  test('YAML with several documents; other kinds skipped; policyTypes defaulted', () => {
    const objects = parseKubernetesObjects(`
apiVersion: v1
kind: Namespace
metadata: { name: prod, labels: { team: a } }
---
apiVersion: v1
kind: Service
metadata: { name: svc }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: prod }
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress, namespace: prod }
spec:
  podSelector: {}
  egress: [{ to: [{ ipBlock: { cidr: 10.0.0.1/8, except: [10.1.0.0/16] } }], ports: [{ port: 53, protocol: UDP }] }]
`);
    assert.deepEqual(objects.namespaces, [
      { name: 'prod', labels: { team: 'a', 'kubernetes.io/metadata.name': 'prod' } },
    ]);
    const [deny, egress] = objects.networkPolicies;
    assert.equal(deny?.ingressIsolated, true);
    assert.equal(deny?.egressIsolated, false);
    assert.equal(egress?.ingressIsolated, true, 'Ingress is always a default type');
    assert.equal(egress?.egressIsolated, true, 'Egress when egress rules exist');
    const peer = egress?.egress[0]?.peers[0];
    assert.ok(peer?.kind === 'ipBlock');
    assert.equal(peer.ipBlock.cidr.networkText, '10.0.0.0/8', 'host bits cleared');
    assert.deepEqual(egress?.egress[0]?.ports, [{ protocol: 'UDP', port: 53 }]);
  });

  test('refusals name the object and the field path', () => {
    const from = (peer: object) =>
      policy({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }, peer] }] });
    refusal(
      from({ ipBlock: { cidr: '10.0.0.0/33' } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.cidr',
    );
    refusal(
      from({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.except[0]',
    );
    refusal(
      from({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.except[0]',
    );
    refusal(
      from({ ipBlock: { cidr: '10.0.0.0/16', except: ['fd00::/64'] } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.except[0]',
    );
    refusal(
      from({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1]',
    );
    refusal(from({}), 'NetworkPolicy default/allow-web: spec.ingress[0].from[1]');
    refusal(
      from({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].podSelector.matchExpressions[0].values',
    );
    refusal(
      from({ namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'Has' }] } }),
      'NetworkPolicy default/allow-web: spec.ingress[0].from[1].namespaceSelector.matchExpressions[0].operator',
    );
    const ports = (entry: object) => policy({ podSelector: {}, egress: [{ ports: [entry] }] }, 'p', 'ns1');
    refusal(ports({ port: 0 }), 'NetworkPolicy ns1/p: spec.egress[0].ports[0].port');
    refusal(ports({ port: 'Http' }), 'NetworkPolicy ns1/p: spec.egress[0].ports[0].port');
    refusal(ports({ port: 80, endPort: 79 }), 'NetworkPolicy ns1/p: spec.egress[0].ports[0].endPort');
    refusal(ports({ port: 'http', endPort: 90 }), 'NetworkPolicy ns1/p: spec.egress[0].ports[0].endPort');
    refusal(ports({ protocol: 'ICMP' }), 'NetworkPolicy ns1/p: spec.egress[0].ports[0].protocol');
    refusal(policy({ policyTypes: ['Both'] }), 'NetworkPolicy default/allow-web: spec.policyTypes[0]');
    refusal(
      pod('default', 'p1', {}, '10.0.0.300'),
      'Pod default/p1: metadata.annotations["ovn.kubernetes.io/ip_address"]',
    );
    refusal(
      { kind: 'Pod', metadata: { name: 'p', labels: { app: 1 } } },
      'Pod default/p: metadata.labels.app',
    );
  });
});

describe('label selectors', () => {
  const sel = (value: object) => parseLabelSelector(value, 'sel');
  test('matchLabels and the four operators', () => {
    const labels = { app: 'web', tier: 'front' };
    assert.equal(selectorMatches(sel({}), labels), true, 'empty selects everything');
    assert.equal(selectorMatches(sel({ matchLabels: { app: 'web' } }), labels), true);
    assert.equal(selectorMatches(sel({ matchLabels: { app: 'db' } }), labels), false);
    const expr = (operator: string, values?: string[]) =>
      sel({ matchExpressions: [{ key: 'tier', operator, ...(values ? { values } : {}) }] });
    assert.equal(selectorMatches(expr('In', ['front', 'back']), labels), true);
    assert.equal(selectorMatches(expr('In', ['back']), labels), false);
    assert.equal(selectorMatches(expr('NotIn', ['back']), labels), true);
    assert.equal(selectorMatches(expr('NotIn', ['back']), {}), true, 'NotIn holds without the key');
    assert.equal(selectorMatches(expr('NotIn', ['front']), labels), false);
    assert.equal(selectorMatches(expr('Exists'), labels), true);
    assert.equal(selectorMatches(expr('Exists'), {}), false);
    assert.equal(selectorMatches(expr('DoesNotExist'), labels), false);
    assert.equal(selectorMatches(expr('DoesNotExist'), {}), true);
  });
});

describe('NetworkPolicy translation', () => {
  const objects = () =>
    parseKubernetesObjects([
      { kind: 'Namespace', metadata: { name: 'default' } },
      { kind: 'Namespace', metadata: { name: 'other', labels: { team: 'b' } } },
      pod('default', 'web-1', { app: 'web' }, '10.16.0.10', {
        ports: [{ name: 'http', containerPort: 8080 }],
      }),
      pod('default', 'web-2', { app: 'web' }, '10.16.0.11,fd00::11', {
        ports: [{ name: 'http', containerPort: 8081 }],
      }),
      pod('default', 'client', { role: 'client' }, '10.16.0.20'),
      pod('other', 'remote', { role: 'client' }, '10.16.1.20,fd00::1:20'),
      policy({
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { role: 'client' } } },
              { namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: {} },
              { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } },
            ],
            ports: [{ port: 'http' }, { protocol: 'UDP', port: 5000, endPort: 5010 }],
          },
        ],
        egress: [{ ports: [{ protocol: 'SCTP' }] }],
      }),
    ]);

  test('the rows of a policy: names, priorities and matches', () => {
    const [np] = translateNetworkPolicies(objects());
    assert.ok(np);
    assert.equal(np.portGroup, 'allow.web.default');
    assert.deepEqual(np.portGroupExternalIds, { np: 'default/allow-web' });
    assert.deepEqual(
      np.pods.map((p) => p.name),
      ['web-1', 'web-2'],
    );
    const sets = Object.fromEntries(np.addressSets.map((s) => [s.name, s.addresses]));
    assert.deepEqual(sets, {
      'allow.web.default.ingress.allow.IPv4.0': ['10.16.0.20', '10.16.1.20'],
      'allow.web.default.ingress.allow.IPv4.0.2': ['192.168.0.0/16'],
      'allow.web.default.ingress.except.IPv4.0.2': ['192.168.1.0/24'],
      'allow.web.default.ingress.allow.IPv6.0': ['fd00::1:20'],
      'allow.web.default.egress.allow.IPv4.0': ['0.0.0.0/0'],
      'allow.web.default.egress.allow.IPv6.0': ['::/0'],
    });
    assert.ok(np.addressSets.every((s) => s.externalIds.np?.startsWith('default/allow-web/')));
    const rows = np.acls.map((a) => `${a.direction} ${a.priority} ${a.action} ${a.match}`);
    const pg = 'allow.web.default';
    assert.deepEqual(rows, [
      `to-lport 2000 drop outport == @${pg} && ip`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip4.src == $${pg}.ingress.allow.IPv4.0 && tcp.dst == {8080, 8081}`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip4.src == $${pg}.ingress.allow.IPv4.0 && 5000 <= udp.dst <= 5010`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip4.src == $${pg}.ingress.allow.IPv4.0.2 && ip4.src != $${pg}.ingress.except.IPv4.0.2 && tcp.dst == {8080, 8081}`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip4.src == $${pg}.ingress.allow.IPv4.0.2 && ip4.src != $${pg}.ingress.except.IPv4.0.2 && 5000 <= udp.dst <= 5010`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip6.src == $${pg}.ingress.allow.IPv6.0 && tcp.dst == {8080, 8081}`,
      `to-lport 2001 allow-related outport == @${pg} && ip && ip6.src == $${pg}.ingress.allow.IPv6.0 && 5000 <= udp.dst <= 5010`,
      `from-lport 2000 drop inport == @${pg} && ip`,
      `from-lport 2001 allow-related inport == @${pg} && ip && ip4.dst == $${pg}.egress.allow.IPv4.0 && sctp`,
      `from-lport 2001 allow-related inport == @${pg} && ip && ip6.dst == $${pg}.egress.allow.IPv6.0 && sctp`,
      `from-lport 2001 allow-stateless inport == @${pg} && icmp6`,
      `to-lport 2001 allow-stateless outport == @${pg} && icmp6`,
    ]);
    assert.ok(
      np.acls
        .filter((a) => a.direction === 'from-lport')
        .every((a) => a.options?.['apply-after-lb'] === 'true'),
    );
    assert.equal(np.acls[0]?.name, 'default/allow-web');
    assert.equal(np.acls[1]?.name, 'np/allow-web.default/ingress/IPv4/0');
    assert.equal(np.acls[3]?.name, 'np/allow-web.default/ingress/IPv4/0/ipBlock');
  });

  test('no selected pod: a port group and no ACL; a name starting with a digit gets np', () => {
    const [np] = translateNetworkPolicies(
      parseKubernetesObjects(policy({ podSelector: { matchLabels: { app: 'none' } } }, '1st')),
    );
    assert.equal(np?.portGroup, 'np1st.default');
    assert.deepEqual(np?.acls, []);
    assert.deepEqual(np?.addressSets, []);
  });

  test('a named port no target pod has allows nothing (its ACL is left out)', () => {
    const input = [
      pod('default', 'a', { app: 'a' }, '10.0.0.1'),
      policy({ podSelector: {}, ingress: [{ ports: [{ port: 'metrics' }] }] }),
    ];
    const [np] = translateNetworkPolicies(parseKubernetesObjects(input));
    assert.deepEqual(
      np?.acls.map((a) => a.action),
      ['drop'],
    );
  });

  test('two objects that would share one OVN row are refused', () => {
    assert.throws(
      () =>
        translateNetworkPolicies(
          parseKubernetesObjects([
            policy({ podSelector: {} }, 'test-np'),
            policy({ podSelector: {} }, 'test.np'),
          ]),
        ),
      (e: unknown) =>
        e instanceof NetworkPolicyConflictError && e.kind === 'port-group' && e.ovnName === 'test.np.default',
    );
    assert.throws(
      () =>
        translateNetworkPolicies(
          parseKubernetesObjects([
            policy({ podSelector: {} }, 'x', 'a-b'),
            policy({ podSelector: {} }, 'x-a', 'b'),
          ]),
        ),
      (e: unknown) => e instanceof NetworkPolicyConflictError && e.ovnName === 'x.a.b',
    );
    assert.throws(
      () =>
        translateNetworkPolicies(
          parseKubernetesObjects([pod('d', 'p', {}, '10.0.0.1'), pod('d', 'p', {}, '10.0.0.2')]),
        ),
      (e: unknown) =>
        e instanceof NetworkPolicyConflictError && e.kind === 'switch-port' && e.ovnName === 'p.d',
    );
    assert.throws(
      () => translateNetworkPolicies(parseKubernetesObjects([policy({}), policy({})])),
      (e: unknown) =>
        e instanceof InvalidSpecError && e.field === 'NetworkPolicy default/allow-web: metadata.name',
    );
  });
});
