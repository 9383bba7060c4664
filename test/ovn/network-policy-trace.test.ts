/**
 * End to end with ovn-northd and ovn-trace: what applyNetworkPolicies writes decides what
 * northd 23.03's logical flows do with a packet between pods of one switch. Each case has its
 * negative twin (the packet the policy does not allow, or the same packet without the policy).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { database, type Operation } from '../../src/index.js';
import { addSubnet, addSwitchPort, createRouter } from '../../src/ovn/index.js';
import { applyNetworkPolicies } from '../../src/ovn/network-policy/index.js';
import { type OvnTraceResult, ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const R = 'cluster';
const LS = 'ovn-default';

function verdictOf(trace: OvnTraceResult): string {
  const v = trace.verdict;
  return v.kind === 'output' ? v.port : v.kind === 'drop' ? `drop@${v.stage ?? '?'}` : 'unknown';
}

interface Pod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly mac: string;
  readonly ip: string;
}

const pods = {
  web: { name: 'web', labels: { app: 'web' }, mac: '0a:00:00:20:00:0a', ip: '10.20.0.10' },
  good: { name: 'good', labels: { role: 'client' }, mac: '0a:00:00:20:00:14', ip: '10.20.0.20' },
  bad: { name: 'bad', labels: { role: 'other' }, mac: '0a:00:00:20:00:1e', ip: '10.20.0.30' },
} satisfies Record<string, Pod>;

const podObject = (pod: Pod) => ({
  kind: 'Pod',
  metadata: {
    namespace: 'default',
    name: pod.name,
    labels: pod.labels,
    annotations: {
      'ovn.kubernetes.io/ip_address': pod.ip,
      'ovn.kubernetes.io/mac_address': pod.mac,
      'ovn.kubernetes.io/logical_switch': LS,
    },
  },
});

const allowClients = {
  kind: 'NetworkPolicy',
  metadata: { namespace: 'default', name: 'web-from-clients' },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 80 }] }],
    egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/24', except: ['10.20.0.30/32'] } }] }],
  },
};

describe('NetworkPolicy, traced through ovn-northd', { timeout: 30_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  const writer = () => database(env.client, nbModel);
  const objects = (...policies: object[]) => [...Object.values(pods).map(podObject), ...policies];

  /** A TCP packet from `from` to `to` on the switch; `ct` states for successive ct_next actions. */
  const trace = async (from: Pod, to: Pod, dport = 80, ct = ['new', 'new']) => {
    const result = await ovnTrace(
      env.sandbox,
      LS,
      `inport == "${from.name}.default" && eth.src == ${from.mac} && eth.dst == ${to.mac} && ` +
        `ip4.src == ${from.ip} && ip4.dst == ${to.ip} && ip.ttl == 64 && tcp.src == 40000 && tcp.dst == ${dport}`,
      { ct },
    );
    return { verdict: verdictOf(result), text: result.text };
  };

  before(async () => {
    await apply(createRouter(env.nb, { name: R }));
    await apply(addSubnet(env.nb, { name: LS, vpc: R, cidrBlock: '10.20.0.0/16' }));
    // The clients are selected by no policy: their ports exist as the CNI made them.
    for (const pod of [pods.good, pods.bad])
      await apply(
        addSwitchPort(env.nb, { switch: LS, name: `${pod.name}.default`, mac: pod.mac, ips: pod.ip }),
      );
    const outcome = await applyNetworkPolicies(writer(), objects(allowClients));
    assert.equal(outcome.applied, true);
    assert.ok(env.nb.findOne('Logical_Switch_Port', 'name', 'web.default'), "the web pod's port was created");
  });

  test('ingress: the selected client reaches port 80; another pod, or another port, is dropped', async () => {
    const allowed = await trace(pods.good, pods.web);
    assert.equal(allowed.verdict, 'web.default', allowed.text);
    // Passed by the allow-related ACL (northd adds 1000 to an ACL's priority), then committed to conntrack.
    assert.match(
      allowed.text,
      /ls_out_acl .*ip4\.src == \$web\.from\.clients\.default\.ingress\.allow\.IPv4\.0 && tcp\.dst == 80\), priority 3001/,
    );
    assert.match(allowed.text, /ls_out_stateful .*\n\s+ct_commit/);
    // The denied packet is dropped by the default drop (2000 + 1000).
    const denied = await trace(pods.bad, pods.web);
    assert.match(denied.verdict, /^drop@ls_out_acl/, denied.text);
    assert.match(
      denied.text,
      /ls_out_acl .*\(outport == @web\.from\.clients\.default && ip\), priority 3000/,
    );
    const otherPort = await trace(pods.good, pods.web, 81);
    assert.match(otherPort.verdict, /^drop@ls_out_acl/, otherPort.text);
  });

  test('egress: the ipBlock lets web reach a client, its except is dropped; replies pass', async () => {
    const allowed = await trace(pods.web, pods.good, 9000);
    assert.equal(allowed.verdict, 'good.default', allowed.text);
    const excepted = await trace(pods.web, pods.bad, 9000);
    assert.match(excepted.verdict, /^drop@ls_in_acl/, excepted.text);
    // A reply of a connection the other side opened is related traffic: allowed in both stages.
    const reply = await trace(pods.web, pods.bad, 9000, ['est,rpl', 'est,rpl']);
    assert.equal(reply.verdict, 'bad.default', reply.text);
  });

  test('without the policy both pods reach web and web reaches both', async () => {
    const outcome = await applyNetworkPolicies(writer(), objects(), { prune: true });
    assert.deepEqual(
      outcome.policies.map((p) => p.policy),
      ['default/web-from-clients'],
    );
    assert.equal((await trace(pods.bad, pods.web)).verdict, 'web.default');
    assert.equal((await trace(pods.good, pods.web, 81)).verdict, 'web.default');
    assert.equal((await trace(pods.web, pods.bad, 9000)).verdict, 'bad.default');
    // And back: the policy again drops the other pod (the twin of the twin).
    await applyNetworkPolicies(writer(), objects(allowClients));
    assert.match((await trace(pods.bad, pods.web)).verdict, /^drop@ls_out_acl/);
  });
});
