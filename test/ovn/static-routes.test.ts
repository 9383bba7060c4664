import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { addStaticRoute, deleteStaticRoute } from '../../src/ovn/static-routes.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';
const MAC1 = '0a:00:00:00:02:01';
const MAC2 = '0a:00:00:00:02:02';

/** Two NB servers: ours written by the helpers, theirs by ovn-nbctl, same base topology. */
function pair() {
  const base = [
    ...['lr-add', 'vpc-1'],
    ...['--', 'lrp-add', 'vpc-1', 'vpc-1-vpc-2', MAC1, '169.254.0.1/29'],
    ...['--', 'lrp-add', 'vpc-1', 'vpc-1-v6', MAC2, 'fd00::1/64'],
  ];
  const p = nbPair(base);
  return { s: p, nbctl: p.nbctl, ours: p.ctlOurs, apply: p.apply, assertSame: p.assertSame };
}

describe('static routes: against ovn-nbctl', { timeout: 20_000 }, () => {
  const { s, nbctl, apply, assertSame } = pair();
  // ovn-nbctl's route commands cannot write external_ids: Kube-OVN's vendor mark is set with `set`.
  async function markRoutes(prefix: string): Promise<void> {
    const ids = await nbctl(
      '--bare',
      '--columns=_uuid',
      'find',
      'Logical_Router_Static_Route',
      `ip_prefix="${prefix}"`,
    );
    for (const id of ids.split(/\s+/).filter(Boolean))
      await nbctl('set', 'Logical_Router_Static_Route', id, 'external_ids:vendor=kube-ovn');
  }

  test('a peering route (policyDst, host bits cleared) as the Vpc doc writes it', async () => {
    await apply(
      addStaticRoute(s.nb, {
        router: 'vpc-1',
        cidr: '172.31.5.0/16',
        nextHops: '169.254.0.2',
        policy: 'policyDst',
      }),
    );
    // Kube-OVN writes dst-ip where ovn-nbctl leaves policy empty: ask ovn-nbctl for it.
    await nbctl('--policy=dst-ip', 'lr-route-add', 'vpc-1', '172.31.5.0/16', '169.254.0.2');
    await markRoutes('172.31.0.0/16');
    await assertSame();
  });

  test('src-ip in a route table with an output port; an IPv6 host route; discard', async () => {
    await apply([
      ...addStaticRoute(s.nb, {
        router: 'vpc-1',
        cidr: '10.0.1.0/24',
        nextHops: '169.254.0.2',
        policy: 'policySrc',
        routeTable: 'rtb1',
        outputPort: 'vpc-1-vpc-2',
      }),
      ...addStaticRoute(s.nb, { router: 'vpc-1', cidr: 'FD01:0::5/128', nextHops: 'FD00::2' }),
      ...addStaticRoute(s.nb, { router: 'vpc-1', cidr: '192.168.100.0/24', nextHops: 'discard' }),
    ]);
    await nbctl(
      ...[
        '--policy=src-ip',
        '--route-table=rtb1',
        'lr-route-add',
        'vpc-1',
        '10.0.1.0/24',
        '169.254.0.2',
        'vpc-1-vpc-2',
      ],
      ...['--', '--policy=dst-ip', 'lr-route-add', 'vpc-1', 'fd01::5/128', 'fd00::2'],
      ...['--', '--policy=dst-ip', 'lr-route-add', 'vpc-1', '192.168.100.0/24', 'discard'],
    );
    for (const prefix of ['10.0.1.0/24', 'fd01::5', '192.168.100.0/24']) await markRoutes(prefix);
    await assertSame();
  });

  test('ECMP: one call with N next hops, then reconciled to another set', async () => {
    await apply(
      addStaticRoute(s.nb, { router: 'vpc-1', cidr: '0.0.0.0/0', nextHops: ['169.254.0.2', '169.254.0.3'] }),
    );
    await nbctl(
      ...['--ecmp', '--policy=dst-ip', 'lr-route-add', 'vpc-1', '0.0.0.0/0', '169.254.0.2'],
      ...['--', '--ecmp', '--policy=dst-ip', 'lr-route-add', 'vpc-1', '0.0.0.0/0', '169.254.0.3'],
    );
    await markRoutes('0.0.0.0/0');
    await assertSame();

    const ops = addStaticRoute(
      s.nb,
      { router: 'vpc-1', cidr: '0.0.0.0/0', nextHops: '169.254.0.3,169.254.0.4' },
      { mayExist: true },
    );
    await apply(ops);
    await nbctl(
      ...['lr-route-del', 'vpc-1', '0.0.0.0/0', '169.254.0.2'],
      ...['--', '--ecmp', '--policy=dst-ip', 'lr-route-add', 'vpc-1', '0.0.0.0/0', '169.254.0.4'],
    );
    await markRoutes('0.0.0.0/0');
    await assertSame();
    // The same call again changes nothing.
    assert.deepEqual(
      addStaticRoute(
        s.nb,
        { router: 'vpc-1', cidr: '0.0.0.0/0', nextHops: ['169.254.0.4', '169.254.0.3'] },
        { mayExist: true },
      ),
      [],
    );
  });

  test('BFD: the BFD row is made with its route and removed with it', async () => {
    await apply(
      addStaticRoute(s.nb, {
        router: 'vpc-1',
        cidr: '10.10.0.0/16',
        nextHops: '169.254.0.5',
        outputPort: 'vpc-1-vpc-2',
        bfd: true,
      }),
    );
    await nbctl(
      ...['--bfd', '--ecmp-symmetric-reply', '--policy=dst-ip', 'lr-route-add', 'vpc-1', '10.10.0.0/16'],
      ...['169.254.0.5', 'vpc-1-vpc-2'],
    );
    await markRoutes('10.10.0.0/16');
    const bfd = await nbctl('--bare', '--columns=_uuid', 'find', 'BFD', 'dst_ip="169.254.0.5"');
    await nbctl('set', 'BFD', bfd, 'external_ids:vendor=kube-ovn');
    await assertSame();

    await apply(deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.10.0.0/16' }));
    // ovn-nbctl 23.03 deletes the route's BFD row with it, too.
    await nbctl('lr-route-del', 'vpc-1', '10.10.0.0/16');
    assert.equal(s.nb.count('BFD'), 0);
    await assertSame();
  });

  test('delete one next hop, then the whole identity', async () => {
    await apply(deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '0.0.0.0/0', nextHop: '169.254.0.3' }));
    await nbctl('lr-route-del', 'vpc-1', '0.0.0.0/0', '169.254.0.3');
    await assertSame();
    await apply(
      deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.0.1.0/24', policy: 'src-ip', routeTable: 'rtb1' }),
    );
    await nbctl('--policy=src-ip', '--route-table=rtb1', 'lr-route-del', 'vpc-1', '10.0.1.0/24');
    await assertSame();
    assert.deepEqual(
      deleteStaticRoute(
        s.nb,
        { router: 'vpc-1', cidr: '0.0.0.0/0', nextHop: '169.254.0.3' },
        { ifExists: true },
      ),
      [],
    );
    assert.throws(
      () => deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '0.0.0.0/0', nextHop: '169.254.0.3' }),
      (error: unknown) =>
        error instanceof ObjectNotFoundError && error.table === 'Logical_Router_Static_Route',
    );
  });
});

describe('static routes: identity, learned routes, bad input', { timeout: 20_000 }, () => {
  const { s, ours, apply } = pair();
  const routes = () =>
    s.nb
      .list('Logical_Router_Static_Route')
      .map((r) => `${r.policy ?? ''}|${r.ip_prefix}|${r.nexthop}|${r.external_ids['ic-learned-route'] ?? ''}`)
      .sort();

  test('an empty-policy route (ovn-nbctl) and a dst-ip route are one identity', async () => {
    await ours('lr-route-add', 'vpc-1', '172.20.0.0/16', '169.254.0.2');
    assert.throws(
      () =>
        addStaticRoute(s.nb, {
          router: 'vpc-1',
          cidr: '172.20.0.0/16',
          nextHops: '169.254.0.2',
          policy: 'dst-ip',
        }),
      (error: unknown) => error instanceof ObjectExistsError && error.code === 'OVNDB_ALREADY_EXISTS',
    );
    // Same next hop: nothing to do.
    assert.deepEqual(
      addStaticRoute(
        s.nb,
        { router: 'vpc-1', cidr: '172.20.0.0/16', nextHops: '169.254.0.2' },
        { mayExist: true },
      ),
      [],
    );
    // Another next hop replaces the empty-policy row.
    await apply(
      addStaticRoute(
        s.nb,
        { router: 'vpc-1', cidr: '172.20.0.0/16', nextHops: '169.254.0.3', policy: 'policyDst' },
        { mayExist: true },
      ),
    );
    assert.deepEqual(routes(), ['dst-ip|172.20.0.0/16|169.254.0.3|']);
    await apply(deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '172.20.0.0/16' }));
    await ours('lr-route-add', 'vpc-1', '172.20.0.0/16', '169.254.0.2');
    await apply(deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '172.20.0.0/16', policy: 'policyDst' }));
    assert.deepEqual(routes(), []);
  });

  test('learned IC routes are never touched', async () => {
    await s.client.transact(NB, [
      {
        op: 'insert',
        table: 'Logical_Router_Static_Route',
        'uuid-name': 'learned',
        row: {
          ip_prefix: '10.17.0.0/24',
          nexthop: '169.254.0.6',
          options: ['map', [['origin', 'static']]],
          external_ids: ['map', [['ic-learned-route', '6b1d4e5c-0000-4000-8000-000000000001']]],
        },
      },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: [['name', '==', 'vpc-1']],
        mutations: [['static_routes', 'insert', ['named-uuid', 'learned']]],
      },
    ]);
    const learned = '|10.17.0.0/24|169.254.0.6|6b1d4e5c-0000-4000-8000-000000000001';
    // Not an existing identity for add (no ObjectExistsError), and left in place beside the new route.
    await apply(addStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.17.0.0/24', nextHops: '169.254.0.2' }));
    await apply(
      addStaticRoute(
        s.nb,
        { router: 'vpc-1', cidr: '10.17.0.0/24', nextHops: '169.254.0.3' },
        { mayExist: true },
      ),
    );
    assert.deepEqual(routes(), ['dst-ip|10.17.0.0/24|169.254.0.3|', learned]);
    await apply(deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.17.0.0/24' }));
    assert.deepEqual(routes(), [learned]);
    assert.throws(
      () => deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.17.0.0/24', nextHop: '169.254.0.6' }),
      ObjectNotFoundError,
    );
  });

  test('BFD finds the router port facing the next hop', () => {
    const ops = addStaticRoute(s.nb, {
      router: 'vpc-1',
      cidr: '10.30.0.0/16',
      nextHops: '169.254.0.4',
      bfd: true,
    });
    const insertBfd = ops.find((o) => o.op === 'insert' && o.table === 'BFD');
    assert.ok(insertBfd !== undefined && insertBfd.op === 'insert');
    assert.equal(insertBfd.row.logical_port, 'vpc-1-vpc-2');
    assert.equal(insertBfd.row.dst_ip, '169.254.0.4');
  });

  test('bad input is refused with the field and value, and nothing is written', async () => {
    const before = await dumpDatabase(s.client, NB);
    const cases: Array<[Parameters<typeof addStaticRoute>[1], number | undefined, string, unknown]> = [
      [{ router: 'vpc-1', cidr: '10.0.0.0/33', nextHops: '169.254.0.2' }, undefined, 'cidr', '10.0.0.0/33'],
      [{ router: 'vpc-1', cidr: 'nonsense', nextHops: '169.254.0.2' }, 2, 'staticRoutes[2].cidr', 'nonsense'],
      [
        { router: 'vpc-1', cidr: '10.0.0.0/8', nextHops: 'fd00::2' },
        1,
        'staticRoutes[1].nextHopIP',
        'fd00::2',
      ],
      [
        { router: 'vpc-1', cidr: 'fd02::/64', nextHops: '169.254.0.2' },
        undefined,
        'nextHopIP',
        '169.254.0.2',
      ],
      [{ router: 'vpc-1', cidr: '10.0.0.0/8', nextHops: '1.2.3' }, undefined, 'nextHopIP', '1.2.3'],
      [
        { router: 'vpc-1', cidr: '10.0.0.0/8', nextHops: '169.254.0.2', policy: 'policyAny' as 'dst-ip' },
        0,
        'staticRoutes[0].policy',
        'policyAny',
      ],
      [
        { router: 'vpc-1', cidr: '10.40.0.0/16', nextHops: '192.0.2.1', bfd: true },
        undefined,
        'nextHopIP',
        '192.0.2.1',
      ],
    ];
    for (const [spec, index, field, value] of cases) {
      assert.throws(
        () => addStaticRoute(s.nb, spec, { index }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${field}: ${String(error)}`);
          assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
          return true;
        },
      );
    }
    assert.throws(
      () => deleteStaticRoute(s.nb, { router: 'vpc-1', cidr: '10.0.0.0/8', policy: 'up' as 'dst-ip' }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'policy',
    );
    assert.throws(
      () => addStaticRoute(s.nb, { router: 'nope', cidr: '10.0.0.0/8', nextHops: '169.254.0.2' }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Logical_Router',
    );
    assert.throws(
      () =>
        addStaticRoute(s.nb, {
          router: 'vpc-1',
          cidr: '10.0.0.0/8',
          nextHops: '169.254.0.2',
          outputPort: 'x',
        }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Logical_Router_Port',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(s.client, NB)), []);
  });
});
