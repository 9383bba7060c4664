import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ovnSchemaPath } from '../../src/testing/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

describe('convert with set_db_change_aware', { timeout: 30_000 }, () => {
  const nb = nbFixture();

  test('an online conversion cancels the monitor (monitor_canceled) and changes the schema', async () => {
    await nb.client.setDbChangeAware(true);
    await nb.client.monitorCond(NB, 'watch', { Logical_Switch: { columns: ['name'] } });
    const schema = JSON.parse(readFileSync(ovnSchemaPath('nb'), 'utf8'));
    schema.version = '99.0.0';
    schema.tables.Logical_Switch.columns.ovndb_test = { type: { key: 'string', min: 0, max: 1 } };
    const canceled = nextEvent<[unknown]>(nb.client, 'monitorCanceled', (id) => id === 'watch');
    await nb.client.convert(NB, schema);
    assert.deepEqual(await canceled, ['watch']);
    assert.equal((await nb.server.client('get-schema-version', nb.server.unix, NB)).trim(), '99.0.0');
    const fresh = await nb.client.getSchema(NB);
    assert.ok(fresh.tables.get('Logical_Switch')?.columns.has('ovndb_test'));
    // The session stays usable.
    assert.ok((await nb.client.listDbs()).includes(NB));
  });
});
