import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect, NoRemoteReachableError, op } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

describe('the client over every transport', { timeout: 60_000 }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startOvsdbServer({
      schemas: [ovnSchemaPath('nb')],
      tcp: true,
      ssl: true,
      ws: true,
      wss: true,
    });
  });
  after(async () => {
    await server?.stop();
  });

  async function writeAndCheck(remote: string, options: Parameters<typeof connect>[1], name: string) {
    const client = await connect(remote, options);
    try {
      assert.ok((await client.listDbs()).includes(NB));
      await client.transact(NB, [op.insert('Logical_Switch', { name })]);
    } finally {
      await client.close();
    }
    const { stdout } = await run('ovn-nbctl', [`--db=${server.unix}`, 'ls-list']);
    assert.match(stdout, new RegExp(`\\(${name}\\)`));
  }

  test('tcp', async () => {
    await writeAndCheck(server.tcp!, {}, 'over-tcp');
  });

  test('ssl with CA, client certificate and key', async () => {
    const pki = server.pki!;
    await writeAndCheck(
      server.ssl!,
      { tls: { caFile: pki.caCert, certFile: pki.clientCert, keyFile: pki.clientKey } },
      'over-ssl',
    );
  });

  test('ssl against a server signed by another CA is refused', async () => {
    const pki = server.pki!;
    await assert.rejects(
      connect(server.ssl!, {
        tls: { caFile: pki.otherCaCert, certFile: pki.clientCert, keyFile: pki.clientKey },
      }),
      (e: unknown) => (e as { code?: string }).code === 'OVNDB_TLS',
    );
  });

  test('ws through websockify', async () => {
    await writeAndCheck(server.ws!, {}, 'over-ws');
  });

  test('wss through a TLS websockify, the chain checked against our CA', async () => {
    const pki = server.pki!;
    await writeAndCheck(server.wss!, { tls: { caFile: pki.caCert } }, 'over-wss');
    await assert.rejects(
      connect(server.wss!, { tls: { caFile: pki.otherCaCert } }),
      (e: unknown) => (e as { code?: string }).code === 'OVNDB_TLS',
    );
  });

  test('a comma list skips an unreachable remote', async () => {
    const dead = `unix:${server.dir}/nobody-listens.sock`;
    await writeAndCheck(`${dead}, ${server.unix}`, {}, 'over-list');
  });

  test('a list of unreachable remotes fails with every reason', async () => {
    const remotes = `unix:${server.dir}/a.sock,unix:${server.dir}/b.sock`;
    await assert.rejects(connect(remotes), (e: unknown) => {
      assert.ok(e instanceof NoRemoteReachableError);
      assert.equal(e.errors.length, 2);
      return true;
    });
  });
});
