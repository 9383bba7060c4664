import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, type OvsdbClient } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

describe('convert with set_db_change_aware', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix);
  });
  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test('an online conversion cancels the monitor (monitor_canceled) and changes the schema', async () => {
    await client.setDbChangeAware(true);
    await client.monitorCond(NB, 'watch', { Logical_Switch: { columns: ['name'] } });
    const schema = JSON.parse(readFileSync(ovnSchemaPath('nb'), 'utf8'));
    schema.version = '99.0.0';
    schema.tables.Logical_Switch.columns.ovndb_test = { type: { key: 'string', min: 0, max: 1 } };
    const canceled = nextEvent<[unknown]>(client, 'monitorCanceled', (id) => id === 'watch');
    await client.convert(NB, schema);
    assert.deepEqual(await canceled, ['watch']);
    assert.equal((await server.client('get-schema-version', server.unix, NB)).trim(), '99.0.0');
    const fresh = await client.getSchema(NB);
    assert.ok(fresh.tables.get('Logical_Switch')?.columns.has('ovndb_test'));
    // The session stays usable.
    assert.ok((await client.listDbs()).includes(NB));
  });
});
