/**
 * The connection options of the `ovndb` command on a real ssl: remote: the TLS files as
 * ovsdb-client names them (-p/-c/-C), a missing CA refused as unreachable, a wrong CA
 * refused, and a malformed --timeout as a usage error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { ovndb } from '../helpers/run-cli.js';

describe('ovndb over ssl', { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], ssl: true });
  });
  after(async () => {
    await server?.stop();
  });

  /** `ovndb list-dbs` over ssl with the test client certificate, verified against `ca`. */
  const listDbs = (ca: string) => {
    const pki = server.pki!;
    return ovndb([
      'list-dbs',
      server.ssl!,
      '-p',
      pki.clientKey,
      '-c',
      pki.clientCert,
      '-C',
      ca,
      '-t',
      '5000',
    ]);
  };

  test('-p -c -C connect with the client certificate, verified against the CA', async () => {
    const r = await listDbs(server.pki!.caCert);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OVN_Northbound$/m);
  });

  test('another CA is refused: exit 3, nothing printed', async () => {
    const r = await listDbs(server.pki!.otherCaCert);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('an ssl: remote without a CA is a usage error, refused before connecting', async () => {
    const r = await ovndb(['list-dbs', server.ssl!]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs TLS options.*\[OVNDB_MISSING_TLS_CONFIG\]/);
  });

  test('a --timeout that is not a number of milliseconds is a usage error', async () => {
    const r = await ovndb(['list-dbs', server.unix, '--timeout', 'soon']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"soon" is not a whole number of milliseconds/);
  });
});
