/**
 * End to end with ovn-northd and ovn-trace: NAT rows and load balancers written by the
 * helpers change where a packet goes. A router joins an internal subnet (pod `web`) and an
 * external one (`ext-client`) through a distributed gateway port (gateway chassis set by the
 * NAT helper's `setGatewayChassis`); a switch load balancer serves pods of the internal
 * subnet. Each case has a negative twin without the deciding row. (A gateway router,
 * `options:chassis`, cannot be traced this way: ovn-trace treats its `ct_snat;` in
 * lr_in_unsnat as a no-op that ends the trace.)
 *
 * ovn-trace forks at `ct_dnat(ip)`, `ct_snat(ip)` and `ct_lb`: one fork carries the
 * translated packet, the other the untranslated one (no NAT state). The translated fork's
 * delivery is what the assertions look for, in `outputs`; the untranslated fork is why the
 * twins assert the port is *not* among the outputs.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Operation } from '../../src/index.js';
import {
  addLoadBalancer,
  addNat,
  addPortForward,
  addSubnet,
  addSwitchPort,
  createRouter,
  deleteLoadBalancer,
  deleteNat,
  deletePortForward,
  setGatewayChassis,
} from '../../src/ovn/index.js';
import { type OvnTraceOptions, ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const _NB = 'OVN_Northbound';
const R = 'vpc-gw';

describe('NAT and load balancers, traced through ovn-northd', { timeout: 90_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  const pods = {
    web: { subnet: 'int-net', name: 'web', mac: '0a:00:00:05:00:02', ip: '10.5.0.2' },
    web2: { subnet: 'int-net', name: 'web2', mac: '0a:00:00:05:00:03', ip: '10.5.0.3' },
    client: { subnet: 'int-net', name: 'in-client', mac: '0a:00:00:05:00:04', ip: '10.5.0.4' },
    ext: { subnet: 'ext-net', name: 'ext-client', mac: '0a:00:00:14:00:64', ip: '172.20.0.100' },
  };
  type Pod = (typeof pods)[keyof typeof pods];
  /** Traces a packet from `pod` to its gateway's MAC, addressed to `dst` (`ip.ttl` 64, `l4` extra match). */
  const trace = async (pod: Pod, dst: string, l4 = '', options: OvnTraceOptions = {}) => {
    const gateway = env.nb.findOne('Logical_Router_Port', 'name', `${R}-${pod.subnet}`)?.mac;
    assert.ok(gateway);
    return ovnTrace(
      env.sandbox,
      pod.subnet,
      `inport == "${pod.name}" && eth.src == ${pod.mac} && eth.dst == ${gateway} && ` +
        `ip4.src == ${pod.ip} && ip4.dst == ${dst} && ip.ttl == 64${l4}`,
      options,
    );
  };

  before(async () => {
    await apply(createRouter(env.nb, { name: R }));
    await apply(addSubnet(env.nb, { name: 'int-net', vpc: R, cidrBlock: '10.5.0.0/24' }));
    await apply(addSubnet(env.nb, { name: 'ext-net', vpc: R, cidrBlock: '172.20.0.0/24' }));
    // The external side is a distributed gateway port (what Kube-OVN's OVN-native EIPs use).
    await apply(setGatewayChassis(env.nb, { routerPort: `${R}-ext-net`, chassis: ['gw1'] }));
    for (const pod of Object.values(pods)) {
      await apply(addSwitchPort(env.nb, { switch: pod.subnet, name: pod.name, mac: pod.mac, ips: pod.ip }));
    }
  });

  test('dnat_and_snat (a FIP): the external address reaches the pod', async () => {
    await apply(
      addNat(env.nb, { router: R, type: 'dnat_and_snat', externalIp: '172.20.0.50', logicalIp: pods.web.ip }),
    );
    const fip = await trace(pods.ext, '172.20.0.50');
    assert.match(fip.text, /ct_dnat(_in_czone)?\(10\.5\.0\.2\)/);
    assert.ok(fip.outputs.includes('web'), fip.text);
    // Twin: without the row, nothing translates the address and the pod is never reached.
    await apply(deleteNat(env.nb, { router: R, type: 'dnat_and_snat', ip: '172.20.0.50' }));
    const none = await trace(pods.ext, '172.20.0.50');
    assert.doesNotMatch(none.text, /ct_dnat(_in_czone)?\(10\.5\.0\.2\)/);
    assert.ok(!none.outputs.includes('web'), none.text);
  });

  test('snat: traffic from the subnet leaves with the external address', async () => {
    await apply(
      addNat(env.nb, { router: R, type: 'snat', externalIp: '172.20.0.51', logicalIp: '10.5.0.0/24' }),
    );
    const out = await trace(pods.web, pods.ext.ip);
    assert.match(out.text, /ct_snat(_in_czone)?\(172\.20\.0\.51\)/);
    assert.ok(out.outputs.includes('ext-client'), out.text);
    await apply(deleteNat(env.nb, { router: R, type: 'snat', ip: '10.5.0.0/24' }));
    const plain = await trace(pods.web, pods.ext.ip);
    assert.doesNotMatch(plain.text, /ct_snat(_in_czone)?\(172\.20\.0\.51\)/);
    assert.ok(plain.outputs.includes('ext-client'), 'still routed, just not translated');
  });

  test('a switch load balancer (SwitchLBRule): the VIP reaches the chosen backend', async () => {
    await apply(
      addLoadBalancer(env.nb, {
        name: 'web-lb',
        protocol: 'tcp',
        vips: [{ vip: '10.96.0.10:80', backends: [`${pods.web.ip}:8080`, `${pods.web2.ip}:8080`] }],
        switches: ['int-net'],
      }),
    );
    // northd's balancing flow carries both backends.
    const lflows = await env.sandbox.sbctl('lflow-list', 'int-net');
    assert.match(
      lflows,
      /ls_in_lb .*ip4\.dst == 10\.96\.0\.10 && tcp\.dst == 80\), action=\(.*ct_lb_mark\(backends=10\.5\.0\.2:8080,10\.5\.0\.3:8080\)/,
    );
    for (const backend of [pods.web, pods.web2]) {
      const hit = await trace(pods.client, '10.96.0.10', ' && tcp && tcp.dst == 80', {
        lbDst: `${backend.ip}:8080`,
        ct: ['new'],
      });
      // ovn-trace applies --lb-dst at the first ct_lb_mark, the VIP's in ls_in_pre_stateful.
      assert.match(hit.text, /ls_in_pre_stateful .*ip4\.dst == 10\.96\.0\.10 && tcp\.dst == 80/);
      assert.ok(hit.outputs.includes(backend.name), hit.text);
    }
    // Twin: without the balancer the VIP is just an address no route covers.
    await apply(deleteLoadBalancer(env.nb, { name: 'web-lb' }));
    const miss = await trace(pods.client, '10.96.0.10', ' && tcp && tcp.dst == 80', {
      lbDst: `${pods.web.ip}:8080`,
    });
    assert.ok(!miss.outputs.includes('web') && !miss.outputs.includes('web2'), miss.text);
    assert.equal(
      miss.verdict.kind === 'drop' ? miss.verdict.stage : miss.verdict.kind,
      'lr_in_ip_routing',
      miss.text,
    );
  });

  test('a port forward (router load balancer) reaches the internal port', async () => {
    const forward = { router: R, externalIp: '172.20.0.60', externalPort: 8080, protocol: 'tcp' as const };
    await apply(addPortForward(env.nb, { ...forward, internalIp: pods.web.ip, internalPort: 80 }));
    const hit = await trace(pods.ext, '172.20.0.60', ' && tcp && tcp.dst == 8080', {
      lbDst: `${pods.web.ip}:80`,
      ct: ['new'],
    });
    assert.match(hit.text, /ct_lb(_mark)?\(backends=10\.5\.0\.2:80\)/);
    assert.ok(hit.outputs.includes('web'), hit.text);
    await apply(deletePortForward(env.nb, forward));
    const miss = await trace(pods.ext, '172.20.0.60', ' && tcp && tcp.dst == 8080', {
      lbDst: `${pods.web.ip}:80`,
    });
    assert.ok(!miss.outputs.includes('web'), miss.text);
  });
});
