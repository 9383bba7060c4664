/**
 * Builds the Kube-OVN-sized Northbound of `npm run bench:scale` as a database file: a fresh
 * ovsdb-server, a raw client writing a few large transactions (100 Vpcs with their ports,
 * switches, pods, routes and policies per transaction; 200 port groups with their ACLs; all
 * address sets in one), then `ovsdb-tool compact`. Kept as a file per size and copied for
 * every measured server.
 */
import { existsSync } from 'node:fs';
import { copyFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Operation } from '../../src/index.js';
import { buildNbFile } from '../nb-template-file.js';
import {
  type NbSize,
  podIp,
  podMac,
  podName,
  subnetCidr,
  subnetName,
  switchNet,
  switchNumber,
  totalRows,
  vpcName,
  vpcPolicy,
  vpcRoute,
} from './nb-shape.js';

const VPCS_PER_TXN = 100;
const GROUPS_PER_TXN = 200;
const PORTS_PER_GROUP = 5;
const VENDOR: [string, string] = ['vendor', 'kube-ovn'];
const map = (...pairs: [string, string][]) => ['map', pairs];
const named = (name: string) => ['named-uuid', name];
const set = (items: unknown[]) => ['set', items];
const insert = (table: string, name: string, row: Record<string, unknown>): Operation =>
  ({ op: 'insert', table, 'uuid-name': name, row }) as Operation;

/** The operations of Vpcs [from, to): routers, routes, policies, switches, router and pod ports. */
function vpcOps(size: NbSize, from: number, to: number): { ops: Operation[]; pods: Map<string, number> } {
  const ops: Operation[] = [];
  // Op index of the first pods of each switch, for the port groups.
  const pods = new Map<string, number>();
  for (let v = from; v < to; v++) {
    const vpc = vpcName(v);
    const routes = Array.from({ length: size.routesPerRouter }, (_, i) => {
      const r = vpcRoute(size, v, i);
      ops.push(
        insert('Logical_Router_Static_Route', `r${v}_${i}`, {
          ip_prefix: r.cidr,
          nexthop: r.nextHopIP,
          policy: 'dst-ip',
          external_ids: map(VENDOR),
        }),
      );
      return named(`r${v}_${i}`);
    });
    const policies = Array.from({ length: size.policiesPerRouter }, (_, i) => {
      const p = vpcPolicy(size, v, i);
      ops.push(insert('Logical_Router_Policy', `p${v}_${i}`, { ...p, external_ids: map(VENDOR) }));
      return named(`p${v}_${i}`);
    });
    const lrps: unknown[] = [];
    for (let k = 0; k < size.subnetsPerRouter; k++) {
      const s = switchNumber(size, v, k);
      const subnet = subnetName(v, k);
      ops.push(
        insert('Logical_Router_Port', `lrp${s}`, {
          name: `${vpc}-${subnet}`,
          mac: podMac(s, 255),
          networks: `${switchNet(s)}.1/24`,
          external_ids: map(['lr', vpc], VENDOR),
        }),
      );
      lrps.push(named(`lrp${s}`));
      const ports = [named(`lsp${s}`)];
      ops.push(
        insert('Logical_Switch_Port', `lsp${s}`, {
          name: `${subnet}-${vpc}`,
          type: 'router',
          addresses: 'router',
          options: map(['router-port', `${vpc}-${subnet}`]),
          external_ids: map(['ls', subnet], VENDOR),
        }),
      );
      pods.set(String(s), ops.length);
      for (let j = 0; j < size.podsPerSwitch; j++) {
        ops.push(
          insert('Logical_Switch_Port', `pod${s}_${j}`, {
            name: `${podName(s, j)}.bench`,
            addresses: `${podMac(s, j)} ${podIp(s, j)}`,
            external_ids: map(['ls', subnet], ['pod', `bench/${podName(s, j)}`], VENDOR),
          }),
        );
        ports.push(named(`pod${s}_${j}`));
      }
      ops.push(
        insert('Logical_Switch', `ls${s}`, {
          name: subnet,
          ports: set(ports),
          other_config: map(['subnet', subnetCidr(s)]),
          external_ids: map(VENDOR),
        }),
      );
    }
    ops.push(
      insert('Logical_Router', `lr${v}`, {
        name: vpc,
        ports: set(lrps),
        static_routes: set(routes),
        policies: set(policies),
        options: map(
          ['always_learn_from_arp_request', 'false'],
          ['dynamic_neigh_routers', 'true'],
          ['mac_binding_age_threshold', '300'],
        ),
        external_ids: map(VENDOR),
      }),
    );
  }
  return { ops, pods };
}

/** Port groups [from, to) with their ACLs, each holding pods of switch `g % switches`. */
function groupOps(size: NbSize, from: number, to: number, podUuids: Map<number, string[]>): Operation[] {
  const ops: Operation[] = [];
  const switches = size.routers * size.subnetsPerRouter;
  for (let g = from; g < to; g++) {
    const acls = Array.from({ length: size.aclsPerGroup }, (_, a) => {
      const set = `as_${(g * size.aclsPerGroup + a) % size.addressSets}`;
      ops.push(
        insert('ACL', `acl${g}_${a}`, {
          direction: 'to-lport',
          priority: 2000 + a,
          match: `outport == @pg_${g} && ip4.src == $${set} && tcp.dst == ${1000 + a}`,
          action: 'allow-related',
          external_ids: map(VENDOR),
        }),
      );
      return named(`acl${g}_${a}`);
    });
    const ports = (podUuids.get(g % switches) ?? []).map((u) => ['uuid', u]);
    ops.push(
      insert('Port_Group', `pg${g}`, {
        name: `pg_${g}`,
        ports: set(ports),
        acls: set(acls),
        external_ids: map(VENDOR),
      }),
    );
  }
  return ops;
}

function addressSetOps(size: NbSize): Operation[] {
  return Array.from({ length: size.addressSets }, (_, a) =>
    insert('Address_Set', `as${a}`, {
      name: `as_${a}`,
      addresses: set(
        Array.from({ length: size.addressesPerSet }, (_, i) => `11.${(a >> 8) & 255}.${a & 255}.${i + 1}`),
      ),
      external_ids: map(VENDOR),
    }),
  );
}

/** Writes the database of `size` to `path` (built in `workDir`). */
export async function buildScaleTemplate(path: string, size: NbSize, workDir: string): Promise<void> {
  await buildNbFile(path, workDir, async (client) => {
    const podUuids = new Map<number, string[]>();
    for (let v = 0; v < size.routers; v += VPCS_PER_TXN) {
      const { ops, pods } = vpcOps(size, v, Math.min(size.routers, v + VPCS_PER_TXN));
      const results = (await client.transact('OVN_Northbound', ops)) as { uuid?: [string, string] }[];
      for (const [s, first] of pods) {
        const uuids: string[] = [];
        for (let j = 0; j < Math.min(PORTS_PER_GROUP, size.podsPerSwitch); j++)
          uuids.push(results[first + j]!.uuid![1]);
        podUuids.set(Number(s), uuids);
      }
    }
    await client.transact('OVN_Northbound', addressSetOps(size));
    for (let g = 0; g < size.portGroups; g += GROUPS_PER_TXN)
      await client.transact(
        'OVN_Northbound',
        groupOps(size, g, Math.min(size.portGroups, g + GROUPS_PER_TXN), podUuids),
      );
  });
}

/** The database file of `size` in `dir`, built once per size and reused. */
export async function scaleTemplate(
  size: NbSize,
  dir: string,
): Promise<{ path: string; mb: number; rows: number; built_s?: number }> {
  const rows = totalRows(size);
  const key = [
    size.routers,
    size.subnetsPerRouter,
    size.routesPerRouter,
    size.policiesPerRouter,
    size.podsPerSwitch,
    size.portGroups,
    size.aclsPerGroup,
    size.addressSets,
    size.addressesPerSet,
  ].join('-');
  const path = join(dir, `ovndb-scale-nb-v1-${key}.db`);
  let built_s: number | undefined;
  if (!existsSync(path)) {
    const t0 = performance.now();
    await buildScaleTemplate(`${path}.tmp`, size, dir);
    await copyFile(`${path}.tmp`, path);
    await rm(`${path}.tmp`, { force: true });
    built_s = +((performance.now() - t0) / 1000).toFixed(1);
  }
  const mb = +((await stat(path)).size / 1048576).toFixed(1);
  return built_s === undefined ? { path, mb, rows } : { path, mb, rows, built_s };
}
