import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { connect, Replica } from '../../src/index.js';
import { findNamed, requireNamed } from '../../src/ovn/nb-lookup.js';
import { DuplicateNameError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { isIcLearned, ownedBy } from '../../src/ovn/ownership.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';

describe('NB lookups by name', { timeout: 20_000 }, () => {
  test('unique names are found, missing ones reported, shared ones refused', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      await client.transact('OVN_Northbound', [
        {
          op: 'insert',
          table: 'Logical_Router',
          row: { name: 'vpc-1', external_ids: ['map', [['vendor', 'kube-ovn']]] },
        },
        { op: 'insert', table: 'Logical_Router', row: { name: 'twice' } },
        { op: 'insert', table: 'Logical_Router', row: { name: 'twice' } },
        // A port is not a root row: it lives only while a switch refers to it.
        { op: 'insert', table: 'Logical_Switch_Port', row: { name: 'port-1' }, 'uuid-name': 'p1' },
        { op: 'insert', table: 'Logical_Switch', row: { name: 'ls', ports: ['named-uuid', 'p1'] } },
      ]);
      const nb = await Replica.start(client, nbModel, {
        tables: { Logical_Router: true, Logical_Switch_Port: true },
      });
      const router = requireNamed(nb, 'Logical_Router', 'vpc-1');
      assert.equal(router.name, 'vpc-1');
      assert.equal(ownedBy(router), true);
      assert.equal(ownedBy(router, 'someone-else'), false);
      assert.equal(isIcLearned(router), false);
      assert.equal(findNamed(nb, 'Logical_Switch_Port', 'port-1')?.name, 'port-1');
      assert.equal(findNamed(nb, 'Logical_Router', 'nope'), undefined);
      assert.throws(
        () => requireNamed(nb, 'Logical_Router', 'nope'),
        (error: unknown) => {
          assert.ok(error instanceof ObjectNotFoundError);
          assert.deepEqual(
            [error.table, error.rowName, error.code],
            ['Logical_Router', 'nope', 'OVNDB_NOT_FOUND'],
          );
          return true;
        },
      );
      assert.throws(
        () => findNamed(nb, 'Logical_Router', 'twice'),
        (error: unknown) => {
          assert.ok(error instanceof DuplicateNameError);
          assert.equal(error.uuids.length, 2);
          assert.equal(error.code, 'OVNDB_DUPLICATE_NAME');
          return true;
        },
      );
      await nb.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
