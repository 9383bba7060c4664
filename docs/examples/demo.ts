/**
 * `npm run demo`: Kube-OVN's VPC peering, end to end on real OVN.
 *
 * Starts a sandbox in a temp dir (OVN Northbound and Southbound ovsdb-servers and ovn-northd),
 * applies the two Kube-OVN steps of a VPC peering through ovndb (two VPCs with one subnet
 * each, then `vpcPeerings` and static routes), adds a pod port on each side, prints the
 * routers and routes as the replica holds them, asks ovn-trace where northd's logical flows
 * send a packet from one pod to the other and back, and stops every process it started.
 */
import { Session } from 'ovndb';
import { model } from 'ovndb/nb';
import { addSwitchPort, applyResources, waitFor } from 'ovndb/ovn';
import { type OvnSandbox, ovnTrace, startOvnSandbox } from 'ovndb/testing';

// Step 1 of the Kube-OVN guide: two VPCs that do not know each other, one subnet in each.
const vpcsAndSubnets = `
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-1
spec: {}
---
kind: Subnet
apiVersion: kubeovn.io/v1
metadata:
  name: net1
spec:
  vpc: vpc-1
  cidrBlock: 10.0.0.0/16
---
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-2
spec: {}
---
kind: Subnet
apiVersion: kubeovn.io/v1
metadata:
  name: net2
spec:
  vpc: vpc-2
  cidrBlock: 172.31.0.0/16
`;

// Step 2: each VPC names its peer, its end of the link, and a route to the other side.
const peering = `
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-1
spec:
  vpcPeerings:
    - remoteVpc: vpc-2
      localConnectIP: 169.254.0.1/30
  staticRoutes:
    - cidr: 172.31.0.0/16
      nextHopIP: 169.254.0.2
      policy: policyDst
---
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-2
spec:
  vpcPeerings:
    - remoteVpc: vpc-1
      localConnectIP: 169.254.0.2/30
  staticRoutes:
    - cidr: 10.0.0.0/16
      nextHopIP: 169.254.0.1
      policy: policyDst
`;

// The pods of the guide, as the switch ports Kube-OVN gives them.
const pods = [
  { vpc: 'vpc-1', switch: 'net1', name: 'vpc-1-pod', mac: '0a:58:0a:00:00:02', ips: '10.0.0.2' },
  { vpc: 'vpc-2', switch: 'net2', name: 'vpc-2-pod', mac: '0a:58:ac:1f:00:02', ips: '172.31.0.2' },
] as const;

async function main(sandbox: OvnSandbox): Promise<void> {
  // The Northbound database's handle, typed by the generated model, with a replica of its own.
  const handle = await Session.open(sandbox.nbRemote, { model });
  const nb = await handle.replica();
  try {
    console.log('\n# step 1: two VPCs, a subnet in each');
    const step1 = await applyResources(handle, vpcsAndSubnets);
    for (const plan of step1.vpcs) for (const change of plan.changes) console.log(`  ${change}`);
    for (const s of step1.subnets)
      console.log(`  create subnet ${s.subnet} on ${s.vpc} (${s.operations} operations)`);
    // Both pods in one transaction: each helper handed `txn` adds its operations to it.
    await handle.transaction((txn) => {
      for (const pod of pods) addSwitchPort(txn, pod);
    });
    for (const pod of pods) console.log(`  pod ${pod.name} on ${pod.switch}: ${pod.mac} ${pod.ips}`);

    console.log('\n# step 2: vpcPeerings and static routes');
    const step2 = await applyResources(handle, peering);
    for (const plan of step2.vpcs) {
      console.log(`  ${plan.vpc}: one transaction of ${plan.operations.length} operations`);
      for (const change of plan.changes) console.log(`    ${change}`);
    }
    const again = await applyResources(handle, peering);
    const resent = again.vpcs.reduce((n, plan) => n + plan.operations.length, 0);
    console.log(`  applying step 2 again sends ${resent} operations`);

    console.log('\n# routers, as the replica holds them');
    for (const router of nb.list('Logical_Router').sort((a, b) => a.name.localeCompare(b.name))) {
      console.log(`  ${router.name}`);
      for (const uuid of router.ports) {
        const port = nb.get('Logical_Router_Port', uuid);
        if (port === undefined) continue;
        const peer = port.peer === undefined ? '' : ` peer ${port.peer}`;
        console.log(`    port ${port.name.padEnd(12)} ${port.mac} ${port.networks.join(' ')}${peer}`);
      }
      for (const uuid of router.static_routes) {
        const route = nb.get('Logical_Router_Static_Route', uuid);
        if (route === undefined) continue;
        console.log(
          `    route ${route.ip_prefix.padEnd(15)} via ${route.nexthop} (${route.policy ?? 'dst-ip'})`,
        );
      }
    }

    console.log('\n# the same routes, as ovn-nbctl lr-route-list prints them');
    for (const router of ['vpc-1', 'vpc-2']) {
      const text = await sandbox.nbctl('lr-route-list', router);
      console.log(text.trimEnd().replace(/^/gm, '  '));
    }

    const nbCfg = await waitFor(handle, 'sb', { timeoutMs: 10_000 });
    console.log(`\n# ovn-northd has processed it all (nb_cfg ${nbCfg}); ovn-trace:`);
    for (const [from, to] of [
      [pods[0], pods[1]],
      [pods[1], pods[0]],
    ] as const) {
      // The pod sends to its subnet's gateway: the router port `<vpc>-<subnet>`.
      const gateway = nb.findOne('Logical_Router_Port', 'name', `${from.vpc}-${from.switch}`);
      const microflow =
        `inport == "${from.name}" && eth.src == ${from.mac} && eth.dst == ${gateway?.mac} && ` +
        `ip4.src == ${from.ips} && ip4.dst == ${to.ips} && ip.ttl == 64`;
      const trace = await ovnTrace(sandbox, from.switch, microflow);
      const verdict =
        trace.verdict.kind === 'output'
          ? `output to "${trace.verdict.port}"`
          : trace.verdict.kind === 'drop'
            ? `dropped at ${trace.verdict.stage ?? 'an unknown stage'}`
            : 'unknown';
      console.log(`  ${from.name} (${from.ips}) -> ${to.ips}: ${verdict}`);
    }
  } finally {
    await handle.close();
  }
}

console.log('starting a sandbox: OVN_Northbound, OVN_Southbound, ovn-northd');
const sandbox = await startOvnSandbox();
console.log(`  NB ${sandbox.nbRemote} (pid ${sandbox.nb.pid})`);
console.log(`  SB ${sandbox.sbRemote} (pid ${sandbox.sb.pid})`);
console.log(`  ovn-northd pid ${sandbox.northdPid}`);
try {
  await main(sandbox);
} finally {
  await sandbox.stop();
  console.log('\nsandbox stopped');
}
