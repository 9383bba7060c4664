import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MutateOperation } from '../../src/index.js';
import {
  addressSetEntry,
  deleteAddressSet,
  setAddressSet,
  setAddressSetPair,
} from '../../src/ovn/address-sets.js';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { isOvnIdentifier, ovnIdentifier } from '../../src/ovn/ovn-names.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';

/** The elements a mutation carries: an atom, or a ["set", [...]] of them. */
function elements(value: unknown): unknown[] {
  return Array.isArray(value) && value[0] === 'set' ? (value[1] as unknown[]) : [value];
}

describe('address sets: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;

  test('create: canonical addresses, as ovn-nbctl stores the same text', async () => {
    await apply(
      setAddressSet(pair.nb, {
        name: 'web.IPv4',
        // Host bits and spacing are dropped, a repeated address kept once.
        addresses: ['10.16.0.5', ' 10.16.1.9/24', '10.16.0.5', '192.168.0.0/16'],
        family: 4,
      }),
    );
    await nbctl(
      'create',
      'Address_Set',
      'name=web.IPv4',
      'addresses=["10.16.0.5","10.16.1.0/24","192.168.0.0/16"]',
      'external_ids:vendor=kube-ovn',
    );
    await assertSame();
    const row = pair.nb.findOne('Address_Set', 'name', 'web.IPv4');
    assert.deepEqual([...(row?.addresses ?? [])].sort(), ['10.16.0.5', '10.16.1.0/24', '192.168.0.0/16']);
  });

  test('update by diff: one mutate inserting and deleting, then nothing', async () => {
    const spec = { name: 'web.IPv4', addresses: ['10.16.0.7', '10.16.1.0/24', '192.168.0.0/16'] };
    const ops = setAddressSet(pair.nb, spec);
    assert.equal(ops.length, 1);
    const [op] = ops as [MutateOperation];
    assert.equal(op.op, 'mutate');
    assert.deepEqual(
      op.mutations.map(([column, mutator, value]) => [column, mutator, elements(value)]),
      [
        ['addresses', 'delete', ['10.16.0.5']],
        ['addresses', 'insert', ['10.16.0.7']],
      ],
    );
    await apply(ops);
    await nbctl('add', 'Address_Set', 'web.IPv4', 'addresses', '"10.16.0.7"');
    await nbctl('remove', 'Address_Set', 'web.IPv4', 'addresses', '"10.16.0.5"');
    await assertSame();
    assert.deepEqual(setAddressSet(pair.nb, spec), []);
    // external_ids merged in the same single mutate: a changed value is deleted, then inserted.
    const tagged = setAddressSet(pair.nb, { ...spec, externalIds: { vendor: 'other', np: 'default/web' } });
    assert.equal(tagged.length, 1);
    await apply(tagged);
    await nbctl('set', 'Address_Set', 'web.IPv4', 'external_ids:vendor=other', 'external_ids:np=default/web');
    await assertSame();
  });

  test('a pair: <base>.IPv4 and <base>.IPv6, addresses split by family', async () => {
    await apply(
      setAddressSetPair(pair.nb, 'np.allow', ['10.0.0.1', 'FD00:0::1', 'fd00:1::/64', '10.1.0.0/16'], {
        externalIds: { np: 'ns/allow' },
      }),
    );
    await nbctl(
      ...['create', 'Address_Set', 'name=np.allow.IPv4', 'addresses=["10.0.0.1","10.1.0.0/16"]'],
      ...['external_ids:vendor=kube-ovn', 'external_ids:np=ns/allow'],
      ...['--', 'create', 'Address_Set', 'name=np.allow.IPv6', 'addresses=["fd00::1","fd00:1::/64"]'],
      ...['external_ids:vendor=kube-ovn', 'external_ids:np=ns/allow'],
    );
    await assertSame();
    // Only IPv4 left: the IPv6 set stays, emptied.
    const ops = setAddressSetPair(pair.nb, 'np.allow', ['10.0.0.1', '10.1.0.0/16'], {
      externalIds: { np: 'ns/allow' },
    });
    assert.equal(ops.length, 1);
    await apply(ops);
    await nbctl('clear', 'Address_Set', 'np.allow.IPv6', 'addresses');
    await assertSame();
  });

  test('a stored entry another tool wrote non-canonical is replaced by its canonical text', async () => {
    await pair.ctlOurs('create', 'Address_Set', 'name=raw', 'addresses=["10.0.0.9/8","fd00:0::1"]');
    await nbctl('create', 'Address_Set', 'name=raw', 'addresses=["10.0.0.0/8","fd00::1"]');
    const ops = setAddressSet(pair.nb, {
      name: 'raw',
      addresses: ['10.0.0.0/8', 'fd00::1'],
      externalIds: {},
    });
    assert.equal(ops.length, 1);
    await apply(ops);
    await nbctl('set', 'Address_Set', 'raw', 'external_ids:vendor=kube-ovn');
    await assertSame();
  });

  test('10,000 addresses: adding one is one mutate of one element', async () => {
    const addresses = Array.from({ length: 10_000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    await apply(setAddressSet(pair.nb, { name: 'big', addresses }));
    assert.equal(pair.nb.findOne('Address_Set', 'name', 'big')?.addresses.length, 10_000);
    const ops = setAddressSet(pair.nb, { name: 'big', addresses: [...addresses, '172.16.0.1'] });
    assert.equal(ops.length, 1);
    const [op] = ops as [MutateOperation];
    assert.equal(op.op, 'mutate');
    assert.equal(op.mutations.length, 1);
    const [column, mutator, value] = op.mutations[0]!;
    assert.deepEqual([column, mutator, elements(value)], ['addresses', 'insert', ['172.16.0.1']]);
    // The whole operation is small: no copy of the set travels.
    assert.ok(JSON.stringify(op).length < 300, JSON.stringify(op));
    await apply(ops);
    assert.deepEqual(setAddressSet(pair.nb, { name: 'big', addresses: [...addresses, '172.16.0.1'] }), []);
    await apply(deleteAddressSet(pair.nb, 'big'));
  });

  test('delete, and ifExists', async () => {
    await apply(deleteAddressSet(pair.nb, 'raw'));
    await nbctl('destroy', 'Address_Set', 'raw');
    await assertSame();
    assert.deepEqual(deleteAddressSet(pair.nb, 'raw', { ifExists: true }), []);
    assert.throws(
      () => deleteAddressSet(pair.nb, 'raw'),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Address_Set',
    );
  });

  test('names: Kube-OVN rule, checked by the match lexer', () => {
    assert.equal(ovnIdentifier('allow-web.default'), 'allow.web.default');
    assert.equal(ovnIdentifier('_x-1'), '_x.1');
    for (const bad of ['', '1abc', 'a b', 'ns/name', 'a:b', 'é', 'a$b', 'a//b'])
      assert.throws(
        () => ovnIdentifier(bad, 'metadata.name'),
        (error: unknown) =>
          error instanceof InvalidSpecError && error.field === 'metadata.name' && error.value === bad,
      );
    assert.equal(isOvnIdentifier('a-b'), false);
    assert.equal(isOvnIdentifier('.a'), true);
    assert.deepEqual(addressSetEntry('FD00:0:0::5/120', 'x'), { family: 6, text: 'fd00::/120' });
  });

  test('bad input is refused with the field and value, and nothing is written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const cases: Array<[() => unknown, string, unknown]> = [
      [() => setAddressSet(pair.nb, { name: 'web-v4', addresses: [] }), 'name', 'web-v4'],
      [() => setAddressSet(pair.nb, { name: '9lives', addresses: [] }), 'name', '9lives'],
      [
        () =>
          setAddressSet(pair.nb, { name: 'ok', addresses: ['10.0.0.1', '10.0.0.256'] }, { field: 'spec' }),
        'spec.addresses[1]',
        '10.0.0.256',
      ],
      [
        () => setAddressSet(pair.nb, { name: 'ok', addresses: ['10.0.0.0/33'] }),
        'addresses[0]',
        '10.0.0.0/33',
      ],
      [
        () => setAddressSet(pair.nb, { name: 'ok', addresses: ['fd00::1'], family: 4 }),
        'addresses[0]',
        'fd00::1',
      ],
      [() => setAddressSet(pair.nb, { name: 'ok', addresses: [''] }), 'addresses[0]', ''],
      [() => setAddressSet(pair.nb, { name: 'ok', addresses: 'x' as unknown as string[] }), 'addresses', 'x'],
      [() => setAddressSet(pair.nb, { name: 'ok', addresses: [], family: 5 as 4 }), 'family', 5],
      [
        () =>
          setAddressSet(pair.nb, { name: 'ok', addresses: [], externalIds: { a: 1 as unknown as string } }),
        'externalIds.a',
        1,
      ],
      [() => setAddressSetPair(pair.nb, 'a-b', []), 'name', 'a-b'],
      [() => setAddressSetPair(pair.nb, 'ok', ['x'], { field: 'ipBlock' }), 'ipBlock[0]', 'x'],
    ];
    for (const [call, field, value] of cases) {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof InvalidSpecError, `${field}: ${String(error)}`);
        assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
        return true;
      });
    }
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});
