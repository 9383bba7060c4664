import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createTestPki,
  ovnSchemaPath,
  type RunningServer,
  startOvsdbServer,
} from '../../src/testing/index.js';
import { openTransport } from '../../src/transport/open-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import {
  ConnectAbortedError,
  ConnectError,
  ConnectTimeoutError,
  InvalidRemoteError,
  MissingTlsConfigError,
  TlsError,
} from '../../src/transport/transport-errors.js';

/** Sends a raw list_dbs request and collects reply bytes until they parse as JSON. */
function listDbs(transport: Transport): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    transport.setHandlers({
      data(chunk) {
        chunks.push(chunk);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          // not complete yet
        }
      },
      drain() {},
      close: (error) => reject(error ?? new Error('closed before the reply')),
    });
    transport.write('{"method":"list_dbs","params":[],"id":1}');
  });
}

/** Closes gracefully and resolves with what the close handler got, counting its calls. */
function closeAndCount(transport: Transport): Promise<number> {
  return new Promise((resolve) => {
    let calls = 0;
    transport.setHandlers({
      data() {},
      drain() {},
      close() {
        calls++;
        // Give a second (wrong) call the chance to happen before reporting.
        setImmediate(() => resolve(calls));
      },
    });
    transport.close();
    transport.close();
  });
}

const EXPECTED = { id: 1, result: ['OVN_Northbound', '_Server'], error: null };

/** A tcp server that accepts and never says anything: TLS and websocket handshakes hang on it. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, port: address.port, sockets };
}

function closeServer(s: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  return new Promise((resolve) => s.server.close(() => resolve()));
}

describe('openTransport against a real ovsdb-server', { timeout: 20000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], ssl: true, ws: true });
  });
  after(async () => {
    await server?.stop();
  });

  const tlsFiles = () => ({
    caFile: server.pki!.caCert,
    certFile: server.pki!.clientCert,
    keyFile: server.pki!.clientKey,
  });

  test('unix round trip', async () => {
    const transport = await openTransport(server.unix);
    assert.equal(transport.remote, server.unix);
    assert.deepEqual(await listDbs(transport), EXPECTED);
    assert.equal(await closeAndCount(transport), 1);
  });

  test('tcp round trip', async () => {
    const transport = await openTransport(server.tcp!);
    assert.equal(transport.remote, server.tcp);
    assert.deepEqual(await listDbs(transport), EXPECTED);
    assert.equal(await closeAndCount(transport), 1);
  });

  test('ssl round trip with a client certificate and the CA', async () => {
    const transport = await openTransport(server.ssl!, { tls: tlsFiles() });
    assert.deepEqual(await listDbs(transport), EXPECTED);
    assert.equal(await closeAndCount(transport), 1);
  });

  test('ssl with inline PEM and a tls options function', async () => {
    const { readFile } = await import('node:fs/promises');
    const pki = server.pki!;
    let calls = 0;
    const tls = async () => {
      calls++;
      return {
        ca: await readFile(pki.caCert),
        cert: await readFile(pki.clientCert),
        key: await readFile(pki.clientKey),
      };
    };
    const transport = await openTransport(server.ssl!, { tls });
    assert.deepEqual(await listDbs(transport), EXPECTED);
    transport.destroy();
    assert.equal(calls, 1);
  });

  test('ws round trip through websockify', async () => {
    const transport = await openTransport(server.ws!);
    assert.deepEqual(await listDbs(transport), EXPECTED);
    assert.equal(await closeAndCount(transport), 1);
  });

  test('ssl refuses a server certificate not signed by our CA', async () => {
    await assert.rejects(
      openTransport(server.ssl!, { tls: { ...tlsFiles(), caFile: server.pki!.otherCaCert } }),
      (error: unknown) =>
        error instanceof TlsError && error.code === 'OVNDB_TLS' && error.cause instanceof Error,
    );
  });

  test('ovs-pki certificates name no host: verifyHostname true refuses them, the default accepts', async () => {
    await assert.rejects(
      openTransport(server.ssl!, { tls: { ...tlsFiles(), verifyHostname: true } }),
      TlsError,
    );
  });

  test('ssl without tls options or without a CA', async () => {
    await assert.rejects(openTransport(server.ssl!), MissingTlsConfigError);
    await assert.rejects(
      openTransport(server.ssl!, {
        tls: { certFile: server.pki!.clientCert, keyFile: server.pki!.clientKey },
      }),
      MissingTlsConfigError,
    );
  });

  test('ssl reads certificate files again at every connect', async () => {
    const other = await createTestPki();
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-tls-reload-'));
    try {
      const files = {
        caFile: join(dir, 'ca.pem'),
        certFile: join(dir, 'cert.pem'),
        keyFile: join(dir, 'key.pem'),
      };
      await copyFile(other.caCert, files.caFile);
      await copyFile(other.clientCert, files.certFile);
      await copyFile(other.clientKey, files.keyFile);
      await assert.rejects(openTransport(server.ssl!, { tls: files }), TlsError);
      const pki = server.pki!;
      await copyFile(pki.caCert, files.caFile);
      await copyFile(pki.clientCert, files.certFile);
      await copyFile(pki.clientKey, files.keyFile);
      const transport = await openTransport(server.ssl!, { tls: files });
      assert.deepEqual(await listDbs(transport), EXPECTED);
      transport.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(other.dir, { recursive: true, force: true });
    }
  });

  test('a missing certificate file is a TlsError', async () => {
    await assert.rejects(
      openTransport(server.ssl!, { tls: { ...tlsFiles(), caFile: join(server.dir, 'nope.pem') } }),
      TlsError,
    );
  });
});

describe('openTransport failures', { timeout: 20000 }, () => {
  test('an invalid remote string', async () => {
    await assert.rejects(openTransport('ptcp:6641'), InvalidRemoteError);
  });

  test('a closed tcp port is a ConnectError with the errno cause', async () => {
    const { server, port, sockets } = await silentServer();
    await closeServer({ server, sockets });
    const remote = `tcp:127.0.0.1:${port}`;
    await assert.rejects(openTransport(remote), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, 'OVNDB_CONNECT_FAILED');
      assert.equal(error.remote, remote);
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
      return true;
    });
  });

  test('a missing unix socket is a ConnectError', async () => {
    const remote = `unix:${join(tmpdir(), `ovndb-no-such-${process.pid}.sock`)}`;
    await assert.rejects(openTransport(remote), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
  });

  test('an ssl handshake that never completes times out', async () => {
    const silent = await silentServer();
    try {
      const pki = await createTestPki();
      try {
        const started = Date.now();
        await assert.rejects(
          openTransport(`ssl:127.0.0.1:${silent.port}`, {
            connectTimeoutMs: 200,
            tls: { caFile: pki.caCert },
          }),
          (error: unknown) => error instanceof ConnectTimeoutError && error.code === 'OVNDB_CONNECT_TIMEOUT',
        );
        assert.ok(Date.now() - started >= 190);
      } finally {
        await rm(pki.dir, { recursive: true, force: true });
      }
    } finally {
      await closeServer(silent);
    }
  });

  test('a websocket upgrade that never completes times out', async () => {
    const silent = await silentServer();
    try {
      await assert.rejects(
        openTransport(`ws://127.0.0.1:${silent.port}/`, { connectTimeoutMs: 200 }),
        ConnectTimeoutError,
      );
    } finally {
      await closeServer(silent);
    }
  });

  test('an AbortSignal stops the connect attempt', async () => {
    const silent = await silentServer();
    try {
      const controller = new AbortController();
      const attempt = openTransport(`ws://127.0.0.1:${silent.port}/`, { signal: controller.signal });
      controller.abort(new Error('user gave up'));
      await assert.rejects(attempt, ConnectAbortedError);
      await assert.rejects(
        openTransport(`tcp:127.0.0.1:${silent.port}`, { signal: controller.signal }),
        ConnectAbortedError,
      );
    } finally {
      await closeServer(silent);
    }
  });

  test('a websocket upgrade refused with HTTP 404 is a ConnectError', async () => {
    const server = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await assert.rejects(openTransport(`ws://127.0.0.1:${port}/`), ConnectError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
