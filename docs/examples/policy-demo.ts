/**
 * `npm run demo:policy`: a Kubernetes NetworkPolicy, end to end on real OVN.
 *
 * Starts a sandbox in a temp dir (OVN Northbound and Southbound ovsdb-servers and ovn-northd),
 * applies one YAML stream with `applyResources` (a Kube-OVN Vpc and Subnet, a Namespace, three Pods
 * with Kube-OVN's annotations, and a NetworkPolicy that lets only `role: client` pods reach
 * `app: web` pods on TCP 80), prints the port group, address sets and ACLs as the replica
 * holds them, asks ovn-trace what northd's logical flows do with a TCP SYN to web:80 from the
 * client (delivered) and from the unlabelled pod (dropped by the policy's default deny), labels
 * that pod `role: client` and traces it again (delivered), shows that applying the same YAML
 * again sends nothing, and stops every process it started.
 */
import { Session } from 'ovndb';
import { model } from 'ovndb/nb';
import { applyResources, type NbHandle, type NbReplica, waitFor } from 'ovndb/ovn';
import { type OvnSandbox, type OvnTraceResult, ovnTrace, startOvnSandbox } from 'ovndb/testing';

interface Pod {
  readonly name: string;
  /** The pod's labels as YAML flow mapping text. */
  readonly labels: string;
  readonly ip: string;
  readonly mac: string;
}

const web: Pod = { name: 'web', labels: '{ app: web }', ip: '10.0.0.10', mac: '0a:58:0a:00:00:0a' };
const client: Pod = { name: 'client', labels: '{ role: client }', ip: '10.0.0.11', mac: '0a:58:0a:00:00:0b' };
const other: Pod = { name: 'other', labels: '{}', ip: '10.0.0.12', mac: '0a:58:0a:00:00:0c' };

/** A Pod as the API server holds it once Kube-OVN's controller has annotated it. */
const podYaml = (pod: Pod) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${pod.name}
  namespace: default
  labels: ${pod.labels}
  annotations:
    ovn.kubernetes.io/ip_address: ${pod.ip}
    ovn.kubernetes.io/mac_address: ${pod.mac}
    ovn.kubernetes.io/logical_switch: net1
spec:
  containers: [{ name: main, image: nginx }]
`;

/** The whole cluster state, one YAML stream: the network, the namespace, the pods, the policy. */
const clusterYaml = (otherPod: Pod) =>
  [
    `
apiVersion: kubeovn.io/v1
kind: Vpc
metadata:
  name: vpc-1
spec:
  namespaces: [default]
`,
    `
apiVersion: kubeovn.io/v1
kind: Subnet
metadata:
  name: net1
spec:
  vpc: vpc-1
  cidrBlock: 10.0.0.0/24
  namespaces: [default]
`,
    `
apiVersion: v1
kind: Namespace
metadata:
  name: default
  labels: { kubernetes.io/metadata.name: default }
`,
    podYaml(web),
    podYaml(client),
    podYaml(otherPod),
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-allow-clients
  namespace: default
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { role: client } } }]
      ports: [{ protocol: TCP, port: 80 }]
`,
  ].join('---');

/**
 * Applies the stream in one call, as `kubectl apply -f` would: the Vpc, the Subnet, the Pods'
 * switch ports, then the NetworkPolicy with the Namespace's and Pods' labels. Prints each
 * change and resolves with the number of operations sent.
 */
async function apply(handle: NbHandle, yamlText: string): Promise<number> {
  const outcome = await applyResources(handle, yamlText);
  for (const resource of outcome.resources)
    for (const change of resource.changes) console.log(`  ${resource.kind} ${resource.name}: ${change}`);
  return outcome.resources.reduce((n, resource) => n + resource.operations, 0);
}

/** The policy's rows, as the replica holds them. */
function printPolicyRows(nb: NbReplica): void {
  for (const group of nb.list('Port_Group')) {
    const ports = group.ports.map((uuid) => nb.get('Logical_Switch_Port', uuid)?.name ?? uuid);
    console.log(`  port group ${group.name}: ${ports.join(', ')}`);
    const acls = group.acls
      .map((uuid) => nb.get('ACL', uuid))
      .filter((acl) => acl !== undefined)
      .sort((a, b) => b.priority - a.priority);
    for (const acl of acls)
      console.log(`    acl ${acl.direction} ${acl.priority} ${acl.action.padEnd(13)} ${acl.match}`);
  }
  for (const set of nb.list('Address_Set'))
    console.log(`  address set ${set.name}: ${set.addresses.join(', ') || '(empty)'}`);
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The trace's verdict in words, naming the ACL that northd's ls_out_acl flow came from. */
function verdictOf(nb: NbReplica, trace: OvnTraceResult): string {
  // northd adds 1000 to an ACL's priority and keeps its match in parentheses.
  const acl = nb
    .list('ACL')
    .find((a) =>
      new RegExp(`ls_out_acl .*\\(${literal(a.match)}\\), priority ${a.priority + 1000}`).test(trace.text),
    );
  const by = acl === undefined ? '' : `ACL "${acl.name}", priority ${acl.priority}`;
  const v = trace.verdict;
  if (v.kind === 'output')
    return `delivered to "${v.port}"${by === '' ? '' : ` (allowed at ls_out_acl by ${by})`}`;
  if (v.kind === 'drop') {
    const why = acl?.action === 'drop' ? ` (default deny: ${by})` : by === '' ? '' : ` (${by})`;
    return `dropped at ${v.stage ?? 'an unknown stage'}${why}`;
  }
  return 'unknown';
}

/** A TCP SYN from `from` to web:80, on a new connection, as ovn-trace sees it. */
async function traceToWeb(sandbox: OvnSandbox, nb: NbReplica, from: Pod): Promise<void> {
  const microflow =
    `inport == "${from.name}.default" && eth.src == ${from.mac} && eth.dst == ${web.mac} && ` +
    `ip4.src == ${from.ip} && ip4.dst == ${web.ip} && ip.ttl == 64 && ` +
    `tcp.src == 40000 && tcp.dst == 80 && tcp.flags == 0x002`;
  const trace = await ovnTrace(sandbox, 'net1', microflow, { ct: ['new', 'new'] });
  console.log(`  ${from.name} (${from.ip}) -> web:80: ${verdictOf(nb, trace)}`);
}

async function main(sandbox: OvnSandbox): Promise<void> {
  const handle = await Session.open(sandbox.nbRemote, { model });
  const nb = await handle.replica();
  try {
    console.log('\n# apply: Vpc, Subnet, Namespace, 3 Pods, NetworkPolicy web-allow-clients');
    await apply(handle, clusterYaml(other));

    console.log('\n# the policy, as the replica holds it');
    printPolicyRows(nb);

    let nbCfg = await waitFor(handle, 'sb', { timeoutMs: 10_000 });
    console.log(`\n# ovn-northd has processed it (nb_cfg ${nbCfg}); ovn-trace, a TCP SYN to web:80:`);
    await traceToWeb(sandbox, nb, client);
    await traceToWeb(sandbox, nb, other);

    console.log('\n# label other role=client and apply again');
    const relabelled = { ...other, labels: '{ role: client }' };
    const sent = await apply(handle, clusterYaml(relabelled));
    console.log(`  (${sent} operation${sent === 1 ? '' : 's'})`);
    nbCfg = await waitFor(handle, 'sb', { timeoutMs: 10_000 });
    console.log(`  ovn-trace (nb_cfg ${nbCfg}):`);
    await traceToWeb(sandbox, nb, relabelled);

    const again = await apply(handle, clusterYaml(relabelled));
    console.log(`\n# applying the same YAML again sends ${again} operations`);
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
