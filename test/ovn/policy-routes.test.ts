import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InvalidMatchError } from '../../src/ovn/expr/index.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { addPolicyRoute, deletePolicyRoute, type PolicyRouteSpec } from '../../src/ovn/policy-routes.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';
const SUBNET = 'ip4.src == 10.0.1.0/24';

describe('policy routes: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;
  before(async () => {
    // Both sides start with the router (the replica sees it by the time a test runs).
    await nbctl('lr-add', 'vpc-1');
    await pair.apply([{ op: 'insert', table: 'Logical_Router', row: { name: 'vpc-1' } }]);
  });
  // ovn-nbctl's lr-policy-add cannot write external_ids: Kube-OVN's vendor mark is set with `set`.
  async function markPolicy(priority: number): Promise<void> {
    const ids = await nbctl(
      '--bare',
      '--columns=_uuid',
      'find',
      'Logical_Router_Policy',
      `priority=${priority}`,
    );
    for (const id of ids.split(/\s+/).filter(Boolean))
      await nbctl('set', 'Logical_Router_Policy', id, 'external_ids:vendor=kube-ovn');
  }

  test('allow, drop, reroute and ECMP reroute as the Vpc doc writes them', async () => {
    await apply([
      ...addPolicyRoute(pair.nb, {
        router: 'vpc-1',
        priority: 31000,
        match: 'ip4.dst == 10.0.0.0/16',
        action: 'allow',
      }),
      ...addPolicyRoute(pair.nb, {
        router: 'vpc-1',
        priority: 30000,
        match: SUBNET,
        action: 'drop',
        nextHops: '',
      }),
      ...addPolicyRoute(pair.nb, {
        router: 'vpc-1',
        priority: 29000,
        match: SUBNET,
        action: 'reroute',
        nextHops: '10.0.1.252',
      }),
      ...addPolicyRoute(pair.nb, {
        router: 'vpc-1',
        priority: 28000,
        match: SUBNET,
        action: 'reroute',
        nextHops: ' 10.0.1.253, 10.0.1.254 ',
      }),
    ]);
    await nbctl(
      ...['lr-policy-add', 'vpc-1', '31000', 'ip4.dst == 10.0.0.0/16', 'allow'],
      ...['--', 'lr-policy-add', 'vpc-1', '30000', SUBNET, 'drop'],
      ...['--', 'lr-policy-add', 'vpc-1', '29000', SUBNET, 'reroute', '10.0.1.252'],
      ...['--', 'lr-policy-add', 'vpc-1', '28000', SUBNET, 'reroute', '10.0.1.253,10.0.1.254'],
    );
    for (const priority of [31000, 30000, 29000, 28000]) await markPolicy(priority);
    await assertSame();
    // No bfd_sessions column in the 23.03 schema, so none was written.
    assert.equal(pair.nb.has('Logical_Router_Policy', 'bfd_sessions'), false);
  });

  test('same priority and match: refused, a no-op, or replaced with mayExist', async () => {
    const spec: PolicyRouteSpec = {
      router: 'vpc-1',
      priority: 28000,
      match: SUBNET,
      action: 'reroute',
      nextHops: ['10.0.1.254', '10.0.1.253'],
    };
    assert.throws(() => addPolicyRoute(pair.nb, spec), ObjectExistsError);
    assert.deepEqual(addPolicyRoute(pair.nb, spec, { mayExist: true }), []);
    await apply(addPolicyRoute(pair.nb, { ...spec, nextHops: '10.0.1.251' }, { mayExist: true }));
    // One ovn-nbctl transaction still sees the deleted policy at the add: two calls.
    await nbctl('lr-policy-del', 'vpc-1', '28000', SUBNET);
    await nbctl('lr-policy-add', 'vpc-1', '28000', SUBNET, 'reroute', '10.0.1.251');
    await markPolicy(28000);
    await assertSame();
  });

  test('delete by priority and match, or by priority', async () => {
    await apply(deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 29000, match: SUBNET }));
    await nbctl('lr-policy-del', 'vpc-1', '29000', SUBNET);
    await assertSame();
    await apply(deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 31000 }));
    await nbctl('lr-policy-del', 'vpc-1', '31000');
    await assertSame();
    assert.deepEqual(
      deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 31000 }, { ifExists: true }),
      [],
    );
    assert.throws(
      () => deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 31000 }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Logical_Router_Policy',
    );
  });

  test('a policy with a match OVN refuses, written by another tool, can still be deleted', async () => {
    const bad = 'ip4.src == 10.0.0.0/24 && tcp || udp';
    await apply([
      {
        op: 'insert',
        table: 'Logical_Router_Policy',
        row: { priority: 7, match: bad, action: 'drop' },
        'uuid-name': 'bad',
      },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: [['name', '==', 'vpc-1']],
        mutations: [['policies', 'insert', ['set', [['named-uuid', 'bad']]]]],
      },
    ]);
    assert.throws(
      () => addPolicyRoute(pair.nb, { router: 'vpc-1', priority: 7, match: bad, action: 'drop' }),
      InvalidSpecError,
    );
    await apply(deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 7, match: bad }));
    assert.deepEqual(
      pair.nb.where('Logical_Router_Policy', (row) => row.match === bad),
      [],
    );
    await assertSame();
  });

  test("a match's address sets: those of the NB checked by their addresses, others left to come", async () => {
    await nbctl('create', 'Address_Set', 'name=v6set', 'addresses=["fd00::1"]');
    await apply([
      { op: 'insert', table: 'Address_Set', row: { name: 'v6set', addresses: ['set', ['fd00::1']] } },
    ]);
    const spec: PolicyRouteSpec = {
      router: 'vpc-1',
      priority: 9,
      match: 'ip4.src == $v6set',
      action: 'drop',
    };
    assert.throws(
      () => addPolicyRoute(pair.nb, spec, { index: 0 }),
      (error: unknown) =>
        error instanceof InvalidSpecError &&
        error.field === 'policyRoutes[0].match' &&
        error.cause instanceof InvalidMatchError &&
        error.cause.field === 'ip4.src',
    );
    assert.equal(addPolicyRoute(pair.nb, { ...spec, match: 'ip6.src == $v6set' }).length, 2);
    assert.equal(addPolicyRoute(pair.nb, { ...spec, match: 'ip4.src == $v6set_not_yet' }).length, 2);
    await assertSame();
  });

  test('bfd_sessions is written only when the server has it', () => {
    // The replica as it would look against a newer server whose schema has the column.
    const view = new Proxy(pair.nb, {
      get(target, key) {
        if (key === 'has') return () => true;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const spec: PolicyRouteSpec = { router: 'vpc-1', priority: 100, match: 'ip6', action: 'drop' };
    const [withColumn] = addPolicyRoute(view, spec);
    const [without] = addPolicyRoute(pair.nb, spec);
    assert.ok(withColumn?.op === 'insert' && without?.op === 'insert');
    assert.deepEqual(withColumn.row.bfd_sessions, ['set', []]);
    assert.equal(without.row.bfd_sessions, undefined);
  });

  test('bad input is refused with the field and value, and nothing is written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const base: PolicyRouteSpec = { router: 'vpc-1', priority: 100, match: SUBNET, action: 'allow' };
    const cases: Array<[PolicyRouteSpec, number | undefined, string, unknown]> = [
      [{ ...base, priority: 32768 }, 3, 'policyRoutes[3].priority', 32768],
      [{ ...base, priority: -1 }, undefined, 'priority', -1],
      [{ ...base, priority: 1.5 }, undefined, 'priority', 1.5],
      [{ ...base, match: ' ' }, 0, 'policyRoutes[0].match', ' '],
      [{ ...base, action: 'forward' as 'allow' }, undefined, 'action', 'forward'],
      [{ ...base, action: 'reroute' }, 1, 'policyRoutes[1].nextHopIP', undefined],
      [
        { ...base, action: 'reroute', nextHops: '10.0.1.1,fd00::1' },
        undefined,
        'nextHopIP',
        '10.0.1.1,fd00::1',
      ],
      [{ ...base, action: 'reroute', nextHops: '10.0.1' }, undefined, 'nextHopIP', '10.0.1'],
      [{ ...base, action: 'drop', nextHops: '10.0.1.1' }, undefined, 'nextHopIP', '10.0.1.1'],
      // Matches OVN's parser refuses: northd would copy them into flows ovn-controller never installs.
      [{ ...base, match: 'ip4.src == ' }, 1, 'policyRoutes[1].match', 'ip4.src == '],
      [{ ...base, match: '((((' }, undefined, 'match', '(((('],
      [
        { ...base, match: 'ip4.src == 1.2.3.4"; drop' },
        2,
        'policyRoutes[2].match',
        'ip4.src == 1.2.3.4"; drop',
      ],
      [{ ...base, match: 'ip4 && tcp || udp' }, undefined, 'match', 'ip4 && tcp || udp'],
      [{ ...base, match: 'ip4.src == fd00::1' }, undefined, 'match', 'ip4.src == fd00::1'],
      // A router's pipeline has no port groups: ovn-northd gives them to switches only.
      [{ ...base, match: 'inport == @pg1' }, undefined, 'match', 'inport == @pg1'],
    ];
    for (const [spec, index, field, value] of cases) {
      assert.throws(
        () => addPolicyRoute(pair.nb, spec, { index }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${field}: ${String(error)}`);
          assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
          return true;
        },
      );
    }
    assert.throws(
      () => addPolicyRoute(pair.nb, { ...base, match: 'ip.ttl == 256' }, { index: 4 }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSpecError && error.cause instanceof InvalidMatchError);
        assert.deepEqual(
          [error.field, error.cause.position, error.cause.field, error.cause.code],
          ['policyRoutes[4].match', 10, 'ip.ttl', 'OVNDB_INVALID_MATCH'],
        );
        return true;
      },
    );
    // Address sets are not looked up: one created later makes the policy work from then on.
    assert.equal(addPolicyRoute(pair.nb, { ...base, match: 'ip4.src == $later' }).length, 2);
    assert.throws(
      () => addPolicyRoute(pair.nb, { ...base, router: 'nope' }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Logical_Router',
    );
    assert.throws(
      () => deletePolicyRoute(pair.nb, { router: 'vpc-1', priority: 40000 }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'priority',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});
