/**
 * The address and CIDR spellings the OVN helpers refuse (src/ovn/address-refusals.ts), shown
 * twice against a real sandbox (NB, SB and ovn-northd):
 * - every helper that takes one refuses it with an InvalidSpecError naming the field and the
 *   value, and the Northbound database is left as it was;
 * - for the ones OVN refuses or misreads, the route is written raw (`client.transact`, no
 *   helper in the way) and ovn-northd then computes no routing flow for what the text says:
 *   none at all, or one for another network. That is why the helpers refuse them.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { parseTransitSubnet } from '../../src/ic/index.js';
import { type ClientDatabase, connect, database, type Operation } from '../../src/index.js';
import {
  addNat,
  addPolicyRoute,
  addStaticRoute,
  applyResources,
  applyVpc,
  InvalidSpecError,
} from '../../src/ovn/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const NB = 'OVN_Northbound';
const SB = 'OVN_Southbound';

/** CIDR spellings refused everywhere a CIDR is taken. */
const REFUSED_CIDRS = [
  '::ffff:10.0.0.0/104', // IPv4-mapped
  '::ffff:10.0.0.1/128',
  '::10.4.0.1/128', // IPv4-compatible
  'fe80::1%eth0/64', // zone id
  '10.0.0.0/024', // leading zero in the length (threw ip-address's AddressError before)
  '010.0.0.0/8', // leading zero in an octet
  '10.0.0.256/32', // octet above 255
  '10.0.0.0/33',
  'fd00::/129',
  'fd00::/064',
  '10.0.0.0/',
  '10.0.0.0/+8',
  '10.0.0.0/-0',
  '10.0.0.0 /8',
  '10.0.0.0/ 8',
];

/** Address spellings refused everywhere an address is taken. */
const REFUSED_ADDRESSES = [
  '::ffff:10.0.0.254',
  '::10.0.0.254',
  'fe80::1%eth0',
  '010.0.0.254',
  '10.0.0.256',
  '10.0.0. 254',
];

const v6 = (text: string) => text.includes(':');

/** Asserts `call` fails with an InvalidSpecError naming `field` and `value`. */
async function refused(call: () => unknown, field: string, value: string): Promise<void> {
  await assert.rejects(
    async () => call(),
    (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError, `${field} = ${JSON.stringify(value)}: ${String(error)}`);
      assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
      return true;
    },
  );
}

/** A route written raw, and what ovn-northd does with it. */
interface RawRoute {
  readonly prefix: string;
  readonly nexthop: string;
  /** `refuses`: no flow at all; `misreads`: a flow, for another network than the text says. */
  readonly northd: 'installs' | 'refuses' | 'misreads';
  /** The match a flow would have if northd read the text as it is meant. */
  readonly meant?: RegExp;
  /** For `misreads`: the match northd writes instead (OVN 23.03). */
  readonly written?: RegExp;
  /** What in OVN does it (for people; see address-refusals.ts). */
  readonly why: string;
}

const RAW_ROUTES: RawRoute[] = [
  {
    prefix: '172.31.0.0/16',
    nexthop: '10.0.0.254',
    northd: 'installs',
    meant: /ip4\.dst == 172\.31\.0\.0\/16$/,
    why: 'the control: canonical text gets its flow',
  },
  {
    prefix: '::ffff:10.1.0.0/112',
    nexthop: 'fd00::254',
    northd: 'refuses',
    why: 'parsed_routes_add: IN6_IS_ADDR_V4MAPPED makes the prefix IPv4, the next hop is IPv6',
  },
  {
    prefix: '::ffff:10.2.0.0/112',
    nexthop: '10.0.0.254',
    northd: 'misreads',
    meant: /ip4\.dst == 10\.2\.0\.0\/16|ip6\.dst == ::ffff:/,
    why: 'taken for IPv4 with a length of 112: the match is for no network the text names',
  },
  {
    prefix: '::ffff:10.3.0.1/128',
    nexthop: 'fd00::254',
    northd: 'refuses',
    why: 'parsed_routes_add: families differ',
  },
  {
    prefix: '::10.4.0.1/128',
    nexthop: 'fd00::254',
    northd: 'misreads',
    meant: /ip6\.dst == /,
    written: /ip4\.dst == ::10\.4\.0\.1\/128/,
    why: 'add_route: inet_ntop prints a dot, so the IPv6 route gets an ip4 match',
  },
  {
    prefix: 'fe80::1%eth0/64',
    nexthop: 'fd00::254',
    northd: 'refuses',
    why: "ipv6_parse_cidr: bad 'ip_prefix'",
  },
  {
    prefix: '172.32.0.256/32',
    nexthop: '10.0.0.254',
    northd: 'misreads',
    written: /ip4\.dst == 172\.32\.0\.0\/32/,
    why: 'ip_parse_cidr keeps the octet modulo 256',
  },
  {
    prefix: '172.33.0.0/-0',
    nexthop: '10.0.0.254',
    northd: 'misreads',
    meant: /172\.33\./,
    written: /ip4\.dst == 0\.0\.0\.0\/0$/,
    why: 'ip_parse_cidr reads the signed length -0 as 0: a default route',
  },
  { prefix: '172.34.0.0/33', nexthop: '10.0.0.254', northd: 'refuses', why: 'ip_parse_cidr: length > 32' },
  { prefix: 'fd01::/129', nexthop: 'fd00::254', northd: 'refuses', why: 'ipv6_parse_cidr: length > 128' },
  { prefix: '172.35.0.0/', nexthop: '10.0.0.254', northd: 'refuses', why: 'ip_parse_cidr: no length' },
  {
    prefix: '172.36.0.0 /16',
    nexthop: '10.0.0.254',
    northd: 'refuses',
    why: 'ip_parse_cidr: text left over',
  },
  {
    prefix: '172.37.0.0/16',
    nexthop: '010.0.0.254',
    northd: 'refuses',
    why: 'find_lport_address: ip_parse (inet_pton) refuses the leading zero: no path',
  },
  {
    prefix: '172.38.0.0/16',
    nexthop: '::ffff:10.0.0.254',
    northd: 'refuses',
    why: 'parsed_routes_add: an IPv4 next hop with a /128 mask',
  },
  { prefix: 'fd02::/64', nexthop: 'fe80::1%eth0', northd: 'refuses', why: "ipv6_parse_cidr: bad 'nexthop'" },
];

describe('address and CIDR spellings OVN refuses or misreads', { timeout: 60_000 }, () => {
  const env = nbSandbox();
  let writer: ClientDatabase<NbTables>;

  before(async () => {
    await env.sandbox.nbctl(
      ...['lr-add', 'vpc-1', '--', 'lrp-add', 'vpc-1', 'vpc-1-net', '0a:00:00:00:00:01'],
      ...['10.0.0.1/24', 'fd00::1/64', '--', 'set', 'Logical_Router', 'vpc-1', 'options:chassis=ch1'],
    );
    writer = database(env.client, nbModel);
    await writer.replica();
  });

  test('every helper refuses them, naming the field and the value; nothing is written', async () => {
    const before = await dumpDatabase(env.client, NB);
    for (const cidr of REFUSED_CIDRS) {
      const nextHops = v6(cidr) ? 'fd00::254' : '10.0.0.254';
      await refused(() => addStaticRoute(writer, { router: 'vpc-1', cidr, nextHops }), 'cidr', cidr);
      await refused(
        () =>
          applyVpc(
            writer,
            `kind: Vpc\nmetadata: {name: vpc-1}\nspec:\n  staticRoutes:\n` +
              `    - {cidr: ${JSON.stringify(cidr)}, nextHopIP: ${nextHops}}\n`,
          ),
        'spec.staticRoutes[0].cidr',
        cidr,
      );
      await refused(
        () =>
          applyResources(
            writer,
            `kind: Subnet\nmetadata: {name: net1}\nspec: {vpc: vpc-1, cidrBlock: ${JSON.stringify(cidr)}}\n`,
          ),
        'spec.cidrBlock',
        cidr,
      );
      await refused(() => parseTransitSubnet(cidr), 'subnet', cidr);
    }
    for (const ip of REFUSED_ADDRESSES) {
      const cidr = v6(ip) ? 'fd01::/64' : '172.31.0.0/16';
      await refused(() => addStaticRoute(writer, { router: 'vpc-1', cidr, nextHops: ip }), 'nextHopIP', ip);
      await refused(
        () =>
          addPolicyRoute(writer, {
            router: 'vpc-1',
            priority: 100,
            match: 'ip4.src == 10.0.0.0/24',
            action: 'reroute',
            nextHops: ip,
          }),
        'nextHopIP',
        ip,
      );
      await refused(
        () =>
          addNat(writer, { router: 'vpc-1', type: 'dnat_and_snat', externalIp: ip, logicalIp: '10.0.0.5' }),
        'externalIp',
        ip,
      );
      await refused(
        () =>
          applyVpc(
            writer,
            `kind: Vpc\nmetadata: {name: vpc-1}\nspec:\n  staticRoutes:\n` +
              `    - {cidr: ${cidr}, nextHopIP: ${JSON.stringify(ip)}}\n`,
          ),
        'spec.staticRoutes[0].nextHopIP',
        ip,
      );
    }
    assert.deepEqual(diffDumps(before, await dumpDatabase(env.client, NB)), []);
  });

  test('written raw, ovn-northd installs no routing flow for what the text says', async () => {
    const operations: Operation[] = RAW_ROUTES.map((route, i) => ({
      op: 'insert',
      table: 'Logical_Router_Static_Route',
      row: { ip_prefix: route.prefix, nexthop: route.nexthop },
      'uuid-name': `route${i}`,
    }));
    operations.push({
      op: 'mutate',
      table: 'Logical_Router',
      where: [['name', '==', 'vpc-1']],
      mutations: [
        ['static_routes', 'insert', ['set', RAW_ROUTES.map((_, i) => ['named-uuid', `route${i}`])]],
      ],
    });
    const results = await env.client.transact(NB, operations);
    await env.sandbox.waitForNorthd();

    // northd marks each flow of a route with the route's UUID (its first 8 hex digits).
    const sb = await connect(env.sandbox.sbRemote);
    let flows: { match: string; hint: string | undefined }[];
    try {
      const [select] = await sb.transact(SB, [
        {
          op: 'select',
          table: 'Logical_Flow',
          where: [['external_ids', 'includes', ['map', [['stage-name', 'lr_in_ip_routing']]]]],
          columns: ['match', 'external_ids'],
        },
      ]);
      const rows = (select as { rows: { match: string; external_ids: ['map', [string, string][]] }[] }).rows;
      flows = rows.map((row) => ({
        match: row.match,
        hint: new Map(row.external_ids[1]).get('stage-hint'),
      }));
    } finally {
      await sb.close();
    }

    RAW_ROUTES.forEach((route, i) => {
      const uuid = (results[i] as { uuid: ['uuid', string] }).uuid[1];
      const matches = flows.filter((flow) => flow.hint === uuid.slice(0, 8)).map((flow) => flow.match);
      const about = `${route.prefix} via ${route.nexthop} (${route.why}): flows ${JSON.stringify(matches)}`;
      if (route.northd === 'installs') {
        assert.ok(route.meant && matches.some((match) => route.meant?.test(match)), about);
        return;
      }
      if (route.meant) assert.ok(!matches.some((match) => route.meant?.test(match)), about);
      if (route.northd === 'refuses') assert.deepEqual(matches, [], about);
      else assert.ok(matches.length > 0, about);
      if (route.written)
        assert.ok(
          matches.some((match) => route.written?.test(match)),
          about,
        );
    });
  });
});
