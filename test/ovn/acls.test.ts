import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Operation } from '../../src/index.js';
import { type AclSpec, addAcl, deleteAcls, setAcls } from '../../src/ovn/acls.js';
import { setAddressSet } from '../../src/ovn/address-sets.js';
import { InvalidMatchError } from '../../src/ovn/expr/index.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';
const SW = { switch: 'sw' } as const;
const PG = { portGroup: 'pg.web' } as const;
const OWNER = { np: 'default/web' };

describe('ACLs: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair([
    ...['ls-add', 'sw', '--', 'lsp-add', 'sw', 'p1', '--', 'lsp-add', 'sw', 'p2'],
    ...['--', 'pg-add', 'pg.web', 'p1', 'p2'],
    ...['--', 'create', 'Address_Set', 'name=web.IPv4', 'addresses=["10.16.0.5"]'],
  ]);
  const { nbctl, apply, assertSame } = pair;

  /** ovn-nbctl's acl-add cannot write external_ids or options: set on the ACL it made. */
  async function setOnAcl(priority: number, ...columns: string[]): Promise<void> {
    const ids = await nbctl('--bare', '--columns=_uuid', 'find', 'ACL', `priority=${priority}`);
    const list = ids.split(/\s+/).filter(Boolean);
    assert.equal(list.length, 1, `one ACL of priority ${priority}`);
    await nbctl('set', 'ACL', list[0]!, ...columns);
  }

  before(async () => {
    // The address set as the helper writes it, so that both sides hold the same row.
    await pair.ctlOurs('destroy', 'Address_Set', 'web.IPv4');
    await apply(setAddressSet(pair.nb, { name: 'web.IPv4', addresses: ['10.16.0.5'] }));
    await nbctl('set', 'Address_Set', 'web.IPv4', 'external_ids:vendor=kube-ovn');
  });

  test('acl-add on a switch and a port group, with log, severity, name, meter and label', async () => {
    await apply([
      ...addAcl(pair.nb, SW, {
        direction: 'from-lport',
        priority: 1001,
        match: 'ip4.src == $web.IPv4 && tcp.dst == 80',
        action: 'allow-related',
        log: true,
        severity: 'info',
        name: 'web-allow',
        meter: 'acl-meter',
        label: 1234,
      }),
      ...addAcl(pair.nb, SW, { direction: 'to-lport', priority: 1000, match: 'ip6', action: 'reject' }),
      ...addAcl(pair.nb, PG, {
        direction: 'to-lport',
        priority: 2000,
        match: 'outport == @pg.web && ip',
        action: 'drop',
        // severity alone turns logging on, as ovn-nbctl's --severity does.
        severity: 'warning',
        externalIds: { np: 'other/thing' },
      }),
      ...addAcl(pair.nb, PG, {
        direction: 'from-lport',
        priority: 1500,
        match: 'inport == @pg.web && ip4',
        action: 'allow-stateless',
        options: { 'apply-after-lb': 'true' },
      }),
    ]);
    await nbctl(
      ...['--log', '--severity=info', '--name=web-allow', '--meter=acl-meter', '--label=1234'],
      ...['acl-add', 'sw', 'from-lport', '1001', 'ip4.src == $web.IPv4 && tcp.dst == 80', 'allow-related'],
      ...['--', 'acl-add', 'sw', 'to-lport', '1000', 'ip6', 'reject'],
      ...['--', '--type=port-group', '--severity=warning'],
      ...['acl-add', 'pg.web', 'to-lport', '2000', 'outport == @pg.web && ip', 'drop'],
      ...['--', '--type=port-group', 'acl-add', 'pg.web', 'from-lport', '1500', 'inport == @pg.web && ip4'],
      'allow-stateless',
    );
    for (const priority of [1001, 1000]) await setOnAcl(priority, 'external_ids:vendor=kube-ovn');
    await setOnAcl(2000, 'external_ids:vendor=kube-ovn', 'external_ids:np=other/thing');
    await setOnAcl(1500, 'external_ids:vendor=kube-ovn', 'options:apply-after-lb=true');
    await assertSame();
  });

  test('one identity: refused, or brought to the spec with mayExist', async () => {
    const spec: AclSpec = { direction: 'to-lport', priority: 1000, match: 'ip6', action: 'drop' };
    assert.throws(
      () => addAcl(pair.nb, SW, spec),
      (error: unknown) => error instanceof ObjectExistsError && error.table === 'ACL',
    );
    const ops = addAcl(pair.nb, SW, spec, { mayExist: true });
    assert.deepEqual(
      ops.map((op) => op.op),
      ['update'],
    );
    await apply(ops);
    await setOnAcl(1000, 'action=drop');
    await assertSame();
    assert.deepEqual(addAcl(pair.nb, SW, spec, { mayExist: true }), []);
  });

  test('setAcls: inserts, updates in place, removes only owned rows, then nothing', async () => {
    const specs: AclSpec[] = [
      {
        direction: 'to-lport',
        priority: 2002,
        match: 'outport == @pg.web && ip4.src == $web.IPv4',
        action: 'allow-related',
      },
      { direction: 'to-lport', priority: 1999, match: 'outport == @pg.web && arp', action: 'allow' },
      { direction: 'from-lport', priority: 2001, match: 'inport == @pg.web && ip4', action: 'allow-related' },
    ];
    await apply(setAcls(pair.nb, PG, specs, { owner: OWNER }));
    await nbctl(
      ...['--type=port-group', 'acl-add', 'pg.web', 'to-lport', '2002', specs[0]!.match, 'allow-related'],
      ...['--', '--type=port-group', 'acl-add', 'pg.web', 'to-lport', '1999', specs[1]!.match, 'allow'],
      ...[
        '--',
        '--type=port-group',
        'acl-add',
        'pg.web',
        'from-lport',
        '2001',
        specs[2]!.match,
        'allow-related',
      ],
    );
    for (const priority of [2002, 1999, 2001])
      await setOnAcl(priority, 'external_ids:vendor=kube-ovn', 'external_ids:np=default/web');
    await assertSame();
    assert.deepEqual(setAcls(pair.nb, PG, specs, { owner: OWNER }), []);

    // One changed, one gone, one new: an update, an insert and one mutate of the group's acls.
    const next: AclSpec[] = [
      { ...specs[0]!, log: true, name: 'allow-web' },
      specs[2]!,
      { direction: 'to-lport', priority: 1998, match: 'outport == @pg.web && ip6', action: 'drop' },
    ];
    const ops = setAcls(pair.nb, PG, next, { owner: OWNER });
    assert.deepEqual(
      ops.map((op: Operation) => `${op.op} ${'table' in op ? op.table : ''}`),
      ['update ACL', 'insert ACL', 'mutate Port_Group'],
    );
    await apply(ops);
    await nbctl('--type=port-group', 'acl-del', 'pg.web', 'to-lport', '1999', specs[1]!.match);
    await setOnAcl(2002, 'log=true', 'name=allow-web');
    await nbctl('--type=port-group', 'acl-add', 'pg.web', 'to-lport', '1998', next[2]!.match, 'drop');
    await setOnAcl(1998, 'external_ids:vendor=kube-ovn', 'external_ids:np=default/web');
    await assertSame();
    assert.deepEqual(setAcls(pair.nb, PG, next, { owner: OWNER }), []);
    // The ACL of another owner (np=other/thing, priority 2000) and the unmarked one stay.
    assert.equal(pair.nb.findOne('Port_Group', 'name', 'pg.web')?.acls.length, 5);
  });

  test('setAcls: two specs with one identity are refused naming both', () => {
    const spec: AclSpec = { direction: 'to-lport', priority: 10, match: 'ip4', action: 'drop' };
    assert.throws(
      () =>
        setAcls(pair.nb, PG, [spec, { ...spec, priority: 11 }, { ...spec, action: 'allow' }], {
          owner: OWNER,
          field: 'spec.acls',
        }),
      (error: unknown) =>
        error instanceof InvalidSpecError &&
        error.field === 'spec.acls[2]' &&
        error.reason.includes('spec.acls[0]'),
    );
  });

  test('acl-del: by match, by priority, by direction, all', async () => {
    await apply(deleteAcls(pair.nb, SW, { direction: 'to-lport', priority: 1000, match: 'ip6' }));
    await nbctl('acl-del', 'sw', 'to-lport', '1000', 'ip6');
    await assertSame();
    assert.deepEqual(deleteAcls(pair.nb, SW, { priority: 1000 }, { ifExists: true }), []);
    assert.throws(
      () => deleteAcls(pair.nb, SW, { priority: 1000 }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'ACL',
    );
    await apply(deleteAcls(pair.nb, PG, { direction: 'from-lport' }));
    await nbctl('--type=port-group', 'acl-del', 'pg.web', 'from-lport');
    await assertSame();
    await apply(deleteAcls(pair.nb, PG));
    await apply(deleteAcls(pair.nb, SW));
    await nbctl('--type=port-group', 'acl-del', 'pg.web');
    await nbctl('acl-del', 'sw');
    await assertSame();
    assert.equal(pair.nb.count('ACL'), 0);
    assert.deepEqual(deleteAcls(pair.nb, SW), []);
  });

  test('tier: refused on NB 7.0.0, written on a server with ACL.tier; pass refused', () => {
    const spec: AclSpec = { direction: 'to-lport', priority: 5, match: 'ip4', action: 'drop', tier: 1 };
    assert.throws(
      () => addAcl(pair.nb, SW, spec),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'tier' && error.value === 1,
    );
    assert.throws(
      () => addAcl(pair.nb, SW, { ...spec, action: 'pass', tier: undefined }),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'action' && error.value === 'pass',
    );
    const view = new Proxy(pair.nb, {
      get(target, key) {
        if (key === 'has') return () => true;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const [insert] = addAcl(view, SW, spec);
    assert.ok(insert?.op === 'insert');
    assert.equal(insert.row.tier, 1);
    // Even there, the 7.0.0 model cannot hold pass: refused, not sent to fail.
    assert.throws(
      () => addAcl(view, SW, { ...spec, action: 'pass' }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'action',
    );
    assert.throws(
      () => addAcl(view, SW, { ...spec, tier: 4 }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'tier',
    );
  });

  test('bad input is refused with the field and value, and nothing is written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const base: AclSpec = { direction: 'to-lport', priority: 100, match: 'ip4', action: 'drop' };
    const long = 'n'.repeat(64);
    const cases: Array<[() => unknown, string, unknown]> = [
      [() => addAcl(pair.nb, SW, { ...base, match: 'ip4 && tcp || udp' }), 'match', 'ip4 && tcp || udp'],
      [
        () => addAcl(pair.nb, SW, { ...base, match: 'ip4.src == $web-v4' }, { field: 'spec' }),
        'spec.match',
        'ip4.src == $web-v4',
      ],
      [
        () => addAcl(pair.nb, SW, { ...base, match: 'tcp.dst == $web.IPv4' }),
        'match',
        'tcp.dst == $web.IPv4',
      ],
      [() => addAcl(pair.nb, SW, { ...base, match: '' }), 'match', ''],
      [() => addAcl(pair.nb, SW, { ...base, action: 'accept' as 'allow' }), 'action', 'accept'],
      [() => addAcl(pair.nb, SW, { ...base, priority: 32768 }), 'priority', 32768],
      [() => addAcl(pair.nb, SW, { ...base, priority: -1 }), 'priority', -1],
      [() => addAcl(pair.nb, SW, { ...base, direction: 'both' as 'to-lport' }), 'direction', 'both'],
      [() => addAcl(pair.nb, SW, { ...base, severity: 'loud' as 'info' }), 'severity', 'loud'],
      [() => addAcl(pair.nb, SW, { ...base, name: long }), 'name', long],
      [() => addAcl(pair.nb, SW, { ...base, label: 7 }), 'label', 7],
      [() => addAcl(pair.nb, SW, { ...base, action: 'allow', label: 2 ** 32 }), 'label', 2 ** 32],
      [() => addAcl(pair.nb, SW, { ...base, meter: '' }), 'meter', ''],
      [() => addAcl(pair.nb, SW, { ...base, options: { a: 1 as unknown as string } }), 'options.a', 1],
      [() => addAcl(pair.nb, { switch: '' }, base), 'parent.switch', ''],
      [
        () => setAcls(pair.nb, PG, [base, { ...base, priority: 1.5 }], { owner: OWNER }),
        'acls[1].priority',
        1.5,
      ],
      [() => setAcls(pair.nb, PG, [base], { owner: {} }), 'owner', {}],
      // Options missing at run time (an untyped caller): typed, not a TypeError.
      [() => setAcls(pair.nb, PG, [base], undefined as never), 'options', undefined],
      [() => deleteAcls(pair.nb, SW, { priority: 40000 }), 'priority', 40000],
    ];
    for (const [call, field, value] of cases) {
      assert.throws(
        call,
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${field}: ${String(error)}`);
          assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
          return true;
        },
        `${field} ${JSON.stringify(value)}`,
      );
    }
    assert.throws(
      () => addAcl(pair.nb, SW, { ...base, match: 'ip.ttl == 256' }),
      (error: unknown) =>
        error instanceof InvalidSpecError &&
        error.cause instanceof InvalidMatchError &&
        error.cause.field === 'ip.ttl',
    );
    assert.throws(
      () => addAcl(pair.nb, { portGroup: 'pg-web' }, base),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Port_Group',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});
