/**
 * What `connectTransitSwitch` writes, written the ovn-nbctl way on the other side of an NB
 * pair: the router port on `ovn-cluster` and the `ts-az1` router-type port on `ts`, their
 * Kube-OVN external ids, and the gateway chassis with their priorities (ovn-nbctl cannot
 * address a Gateway_Chassis by name, so their external ids go in directly).
 */
import type { NbPair } from './nb-pair.js';

/** Joins AZ `az1` to transit switch `ts` on `pair`'s ovn-nbctl side, with gateways `chassis` from priority 100 down. */
export async function joinTransitSwitchWithNbctl(
  pair: NbPair,
  mac: string,
  network: string,
  chassis: readonly string[],
): Promise<void> {
  await pair.nbctl(
    'lrp-add',
    'ovn-cluster',
    'az1-ts',
    mac,
    network,
    '--',
    'set',
    'Logical_Router_Port',
    'az1-ts',
    'external_ids:lr=ovn-cluster',
    'external_ids:vendor=kube-ovn',
    '--',
    'lsp-add',
    'ts',
    'ts-az1',
    '--',
    'lsp-set-type',
    'ts-az1',
    'router',
    '--',
    'lsp-set-addresses',
    'ts-az1',
    'router',
    '--',
    'lsp-set-options',
    'ts-az1',
    'router-port=az1-ts',
    '--',
    'set',
    'Logical_Switch_Port',
    'ts-az1',
    'external_ids:ls=ts',
    'external_ids:vendor=kube-ovn',
  );
  for (const [i, name] of chassis.entries()) {
    await pair.nbctl('lrp-set-gateway-chassis', 'az1-ts', name, String(100 - i));
  }
  await pair.theirClient.transact(
    'OVN_Northbound',
    chassis.map((name) => ({
      op: 'mutate' as const,
      table: 'Gateway_Chassis',
      where: [['name', '==', `az1-ts-${name}`] as const],
      mutations: [
        [
          'external_ids',
          'insert',
          [
            'map',
            [
              ['vendor', 'kube-ovn'],
              ['lrp', 'az1-ts'],
            ],
          ],
        ] as const,
      ],
    })),
  );
}
