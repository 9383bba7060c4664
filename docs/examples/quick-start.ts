/**
 * The README's example, runnable: a session on a 3-member raft cluster of OVN_Northbound (the
 * leader found over the comma list and followed across failovers) opened with the generated
 * model, a Kube-OVN Vpc applied from its YAML in one transaction, and the result read back from
 * the session's replica at once. Here the cluster is a throwaway one from `ovndb/testing`.
 */
import { Session } from 'ovndb';
import { model } from 'ovndb/nb';
import { applyVpc } from 'ovndb/ovn';
import { ovnSchemaPath, startRaftCluster } from 'ovndb/testing';

const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb') });
try {
  // --- as in the README, with the cluster's own remotes ---
  const nb = await Session.open(cluster.tcpRemotes, { model }); // OVN_Northbound, typed by the model

  // Kube-OVN's Vpc as its docs write it: one transaction; nothing is sent when it is already applied.
  const vpc = `
kind: Vpc
metadata: { name: vpc-1 }
spec:
  staticRoutes: [{ cidr: 172.31.0.0/16, nextHopIP: 169.254.0.2, policy: policyDst }]
`;
  const plan = await applyVpc(nb, vpc);
  console.log(plan.changes);

  // The session's replica (an in-memory copy kept by monitor_cond_since) shows the write as
  // soon as the transaction resolves.
  const db = await nb.replica();
  const router = db.where('Logical_Router', (r) => r.name === 'vpc-1')[0];
  console.log(`vpc-1 has ${router?.static_routes.length} static route(s)`);
  console.log(`again: ${(await applyVpc(nb, vpc)).operations.length} operations`);
  await nb.close();
  // --- end of the README's example ---
  console.log('session closed');
} finally {
  await cluster.stop();
}
