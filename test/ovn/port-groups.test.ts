import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MutateOperation, Operation } from '../../src/index.js';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import {
  addPortGroupPorts,
  deletePortGroup,
  removePortGroupPorts,
  setPortGroup,
} from '../../src/ovn/port-groups.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';

function elements(value: unknown): unknown[] {
  return Array.isArray(value) && value[0] === 'set' ? (value[1] as unknown[]) : [value];
}

function onlyMutate(ops: readonly Operation[]): MutateOperation {
  assert.equal(ops.length, 1);
  const [op] = ops;
  assert.equal(op?.op, 'mutate');
  return op as MutateOperation;
}

describe('port groups: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair([
    ...['ls-add', 'sw'],
    ...['--', 'lsp-add', 'sw', 'p1', '--', 'lsp-add', 'sw', 'p2', '--', 'lsp-add', 'sw', 'p3'],
  ]);
  const { nbctl, apply, assertSame } = pair;
  const uuidOf = (name: string) => pair.nb.findOne('Logical_Switch_Port', 'name', name)?._uuid;

  test('create with ports, as pg-add', async () => {
    await apply(
      setPortGroup(pair.nb, { name: 'pg.web', ports: ['p1', 'p2', 'p1'], externalIds: { np: 'a/b' } }),
    );
    await nbctl(
      ...['pg-add', 'pg.web', 'p1', 'p2'],
      ...['--', 'set', 'Port_Group', 'pg.web', 'external_ids:vendor=kube-ovn', 'external_ids:np=a/b'],
    );
    await assertSame();
  });

  test('set ports: one mutate of ports, ACLs untouched, then nothing', async () => {
    // An ACL on the group on both sides: setting the ports leaves it alone.
    for (const ctl of [nbctl, pair.ctlOurs])
      await ctl(
        '--type=port-group',
        'acl-add',
        'pg.web',
        'to-lport',
        '1000',
        'outport == @pg.web && ip4',
        'drop',
      );
    const spec = { name: 'pg.web', ports: ['p2', 'p3'], externalIds: { np: 'a/b' } };
    const op = onlyMutate(setPortGroup(pair.nb, spec));
    assert.deepEqual(
      op.mutations.map(([column, mutator, value]) => [column, mutator, elements(value)]),
      [
        ['ports', 'delete', [['uuid', uuidOf('p1')]]],
        ['ports', 'insert', [['uuid', uuidOf('p3')]]],
      ],
    );
    await apply([op]);
    await nbctl('pg-set-ports', 'pg.web', 'p2', 'p3');
    await assertSame();
    assert.deepEqual(setPortGroup(pair.nb, spec), []);
    assert.equal(pair.nb.findOne('Port_Group', 'name', 'pg.web')?.acls.length, 1);
  });

  test('add and remove ports', async () => {
    const add = onlyMutate(addPortGroupPorts(pair.nb, 'pg.web', ['p1', 'p2']));
    assert.deepEqual(elements(add.mutations[0]?.[2]), [['uuid', uuidOf('p1')]]);
    await apply([add]);
    assert.deepEqual(addPortGroupPorts(pair.nb, 'pg.web', ['p1']), []);
    await apply(removePortGroupPorts(pair.nb, 'pg.web', ['p3', 'gone']));
    assert.deepEqual(removePortGroupPorts(pair.nb, 'pg.web', ['p3']), []);
    await nbctl('pg-set-ports', 'pg.web', 'p1', 'p2');
    await assertSame();
  });

  test('missing ports: an error naming the port, or skipped', async () => {
    assert.throws(
      () => setPortGroup(pair.nb, { name: 'pg.web', ports: ['p1', 'nope'] }),
      (error: unknown) =>
        error instanceof ObjectNotFoundError &&
        error.table === 'Logical_Switch_Port' &&
        error.rowName === 'nope',
    );
    assert.throws(() => addPortGroupPorts(pair.nb, 'pg.web', ['nope']), ObjectNotFoundError);
    assert.throws(
      () => addPortGroupPorts(pair.nb, 'pg.none', ['p1']),
      (error: unknown) => error instanceof ObjectNotFoundError && error.table === 'Port_Group',
    );
    await apply(
      setPortGroup(
        pair.nb,
        { name: 'pg.web', ports: ['p1', 'nope'], externalIds: { np: 'a/b' } },
        { missingPorts: 'skip' },
      ),
    );
    await nbctl('pg-set-ports', 'pg.web', 'p1');
    await assertSame();
  });

  test('delete: the group and its ACLs', async () => {
    await apply(deletePortGroup(pair.nb, 'pg.web'));
    await nbctl('pg-del', 'pg.web');
    await assertSame();
    assert.equal(pair.nb.count('ACL'), 0);
    assert.deepEqual(deletePortGroup(pair.nb, 'pg.web', { ifExists: true }), []);
    assert.throws(() => deletePortGroup(pair.nb, 'pg.web'), ObjectNotFoundError);
  });

  test('5,000 ports: adding one is one mutate of one port', async () => {
    const names = Array.from({ length: 5_001 }, (_, i) => `big-${i}`);
    const ops: Operation[] = [
      { op: 'insert', table: 'Logical_Switch', row: { name: 'big' }, 'uuid-name': 'ls' },
    ];
    for (const [i, name] of names.entries())
      ops.push({ op: 'insert', table: 'Logical_Switch_Port', row: { name }, 'uuid-name': `p${i}` });
    ops.push({
      op: 'mutate',
      table: 'Logical_Switch',
      where: [['_uuid', '==', ['named-uuid', 'ls']]],
      mutations: [['ports', 'insert', ['set', names.map((_, i) => ['named-uuid', `p${i}`])]]],
    });
    await apply(ops);
    const first = names.slice(0, 5_000);
    await apply(setPortGroup(pair.nb, { name: 'pg.big', ports: first }));
    assert.equal(pair.nb.findOne('Port_Group', 'name', 'pg.big')?.ports.length, 5_000);
    const op = onlyMutate(setPortGroup(pair.nb, { name: 'pg.big', ports: names }));
    assert.equal(op.mutations.length, 1);
    const [column, mutator, value] = op.mutations[0]!;
    assert.deepEqual([column, mutator, elements(value)], ['ports', 'insert', [['uuid', uuidOf('big-5000')]]]);
    assert.ok(JSON.stringify(op).length < 300, JSON.stringify(op));
    await apply([op]);
    assert.deepEqual(setPortGroup(pair.nb, { name: 'pg.big', ports: names }), []);
    // Gone again, so that both sides match.
    await apply([
      ...deletePortGroup(pair.nb, 'pg.big'),
      { op: 'delete', table: 'Logical_Switch', where: [['name', '==', 'big']] },
    ]);
    await assertSame();
  });

  test('bad input is refused with the field and value, and nothing is written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const cases: Array<[() => unknown, string, unknown]> = [
      [() => setPortGroup(pair.nb, { name: 'pg-web', ports: [] }), 'name', 'pg-web'],
      [() => setPortGroup(pair.nb, { name: 'pg web', ports: [] }, { field: 'spec' }), 'spec.name', 'pg web'],
      [() => setPortGroup(pair.nb, { name: 'ok', ports: ['p1', ''] }), 'ports[1]', ''],
      [() => setPortGroup(pair.nb, { name: 'ok', ports: 'p1' as unknown as string[] }), 'ports', 'p1'],
      [
        () => setPortGroup(pair.nb, { name: 'ok', ports: [] }, { missingPorts: 'ignore' as 'skip' }),
        'missingPorts',
        'ignore',
      ],
      [() => addPortGroupPorts(pair.nb, 'ok', [3 as unknown as string]), 'ports[0]', 3],
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
