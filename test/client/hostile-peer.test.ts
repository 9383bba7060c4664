/**
 * A peer that is not the server it claims to be: replies of the wrong shape are typed protocol
 * errors that close the connection, and no call on a default client waits forever, neither on
 * a peer that answers only echo probes nor on one that trickles a byte a second.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConnectionClosedError,
  connect,
  type OvsdbClient,
  op,
  ReplyShapeError,
  RequestTimeoutError,
  SlowFrameError,
} from '../../src/index.js';
import { type PeerAnswer, startHostilePeer } from '../helpers/hostile-peer.js';

async function withPeer(
  answer: (method: string, params: unknown[], id: unknown) => PeerAnswer,
  body: (client: OvsdbClient) => Promise<void>,
  options: Parameters<typeof connect>[1] = {},
): Promise<void> {
  const peer = await startHostilePeer(answer);
  const client = await connect(peer.remote, { validate: false, ...options });
  try {
    await body(client);
  } finally {
    await client.close();
    await peer.close();
  }
}

describe('replies of the wrong shape', { timeout: 30_000 }, () => {
  const transactResults: Array<[string, unknown]> = [
    ['an object', {}],
    ['null', null],
    ['a number', 42],
    ['a string', 'xyz'],
    ['too few results', []],
    ['a result that is not an object', [7]],
    ['a uuid that is not ["uuid", …]', [{ uuid: 'abc' }]],
    ['rows that are not an array', [{ rows: {} }]],
  ];
  for (const [what, result] of transactResults) {
    test(`transact answered with ${what}: ReplyShapeError, connection closed`, async () => {
      await withPeer(
        () => ({ result }),
        async (client) => {
          await assert.rejects(
            client.transact('OVN_Northbound', [op.select('Logical_Switch', [])]),
            (error) => {
              assert.ok(error instanceof ReplyShapeError, String(error));
              assert.equal(error.method, 'transact');
              assert.equal(error.code, 'OVNDB_BAD_REPLY');
              assert.match(error.message, /the reply to transact has the wrong shape/);
              return true;
            },
          );
          assert.equal(client.state.status, 'closed');
        },
      );
    });
  }

  const others: Array<[string, (client: OvsdbClient) => Promise<unknown>, unknown]> = [
    ['list_dbs', (client) => client.listDbs(), { not: 'an array' }],
    ['list_dbs', (client) => client.listDbs(), [1, 2]],
    ['get_schema', (client) => client.getSchema('OVN_Northbound'), 'schema'],
    ['monitor_cond', (client) => client.monitorCond('OVN_Northbound', 'm', {}), [1]],
    ['monitor_cond_since', (client) => client.monitorCondSince('OVN_Northbound', 'm', {}), [true, 'x']],
    ['monitor_cancel', (client) => client.monitorCancel('m'), 'done'],
    ['lock', (client) => client.lock('l'), { locked: 'yes' }],
    ['get_server_id', (client) => client.getServerId(), 12],
  ];
  for (const [method, call, result] of others) {
    test(`${method} answered with ${JSON.stringify(result)}: ReplyShapeError`, async () => {
      await withPeer(
        () => ({ result }),
        async (client) => {
          await assert.rejects(call(client), (error) => {
            assert.ok(error instanceof ReplyShapeError, String(error));
            assert.equal(error.method, method);
            return true;
          });
          assert.equal(client.state.status, 'closed');
        },
      );
    });
  }

  test('a well-shaped reply still resolves', async () => {
    await withPeer(
      () => ({ result: [{ rows: [] }] }),
      async (client) => {
        const [result] = await client.transact('OVN_Northbound', [op.select('Logical_Switch', [])]);
        assert.deepEqual(result, { rows: [] });
      },
    );
  });
});

describe('no unbounded wait on a default client', { timeout: 60_000 }, () => {
  test('a peer that answers only echo probes: the call fails at the default deadline', async () => {
    await withPeer(
      () => 'silence',
      async (client) => {
        const started = Date.now();
        await assert.rejects(client.listDbs(), (error) => {
          assert.ok(error instanceof RequestTimeoutError, String(error));
          assert.equal(error.method, 'list_dbs');
          return true;
        });
        assert.ok(Date.now() - started >= 900, 'not before the deadline');
        assert.equal(client.state.status, 'open', 'the connection itself is healthy');
      },
      // The default (60 s) is shortened for the test; probeIntervalMs keeps echoes flowing.
      { requestTimeoutMs: 1000, probeIntervalMs: 200 },
    );
  });

  test('a call may opt out with timeoutMs: 0, and a transact whose wait has no timeout waits', async () => {
    await withPeer(
      () => 'silence',
      async (client) => {
        const settled = { done: false };
        void client
          .listDbs({ timeoutMs: 0 })
          .catch(() => {})
          .finally(() => {
            settled.done = true;
          });
        void client
          .transact('OVN_Northbound', [op.wait('Logical_Switch', [], ['name'], '==', [])])
          .catch(() => {})
          .finally(() => {
            settled.done = true;
          });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        assert.equal(settled.done, false);
      },
      { requestTimeoutMs: 500 },
    );
  });

  test('a reply trickled a byte at a time fails with SlowFrameError', async () => {
    await withPeer(
      (_method, _params, id) => ({
        trickle: JSON.stringify({ id, result: ['OVN_Northbound'], error: null }),
        everyMs: 100,
      }),
      async (client) => {
        await assert.rejects(client.listDbs(), (error) => {
          assert.ok(error instanceof ConnectionClosedError, String(error));
          assert.ok(error.cause instanceof SlowFrameError, String(error.cause));
          return true;
        });
        assert.equal(client.state.status, 'closed');
      },
      // The default window (10 s of at least 16 KiB) is shortened for the test.
      { frameWindowMs: 1000, minFrameBytes: 1024 },
    );
  });
});
