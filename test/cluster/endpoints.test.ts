import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  EndpointList,
  hostListRemotes,
  InvalidHostListError,
  OVN_DEFAULT_PORTS,
} from '../../src/cluster/index.js';
import { connect, InvalidRemoteError, OvndbError, parseRemote } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

/** A random source that replays `values` in a loop, so shuffles are repeatable. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

const A = 'tcp:10.0.0.1:6641';
const B = 'tcp:10.0.0.2:6641';
const C = 'tcp:10.0.0.3:6641';
const D = 'tcp:10.0.0.4:6641';

describe('hostListRemotes', { timeout: 20000 }, () => {
  test('the Kube-OVN ic-db-host list becomes IC remotes with the default ports', () => {
    const hosts = '192.168.65.3,192.168.65.2,192.168.65.1';
    assert.deepEqual(hostListRemotes(hosts, { database: 'ic-nb' }), [
      'tcp:192.168.65.3:6645',
      'tcp:192.168.65.2:6645',
      'tcp:192.168.65.1:6645',
    ]);
    assert.deepEqual(hostListRemotes(hosts, { database: 'ic-sb' })[0], 'tcp:192.168.65.3:6646');
  });

  test('default ports per database', () => {
    assert.deepEqual(OVN_DEFAULT_PORTS, { nb: 6641, sb: 6642, 'ic-nb': 6645, 'ic-sb': 6646 });
    assert.deepEqual(hostListRemotes('10.0.0.1', { database: 'nb' }), ['tcp:10.0.0.1:6641']);
    assert.deepEqual(hostListRemotes('10.0.0.1', { database: 'sb' }), ['tcp:10.0.0.1:6642']);
  });

  test('whitespace, IPv6 (bare or bracketed), hostnames, ssl and a custom port', () => {
    assert.deepEqual(
      hostListRemotes(' fd00::10 , [fd00::11],ovn-central.kube-system ,[10.0.0.9]', {
        database: 'sb',
        scheme: 'ssl',
        port: 16642,
      }),
      [
        'ssl:[fd00::10]:16642',
        'ssl:[fd00::11]:16642',
        'ssl:ovn-central.kube-system:16642',
        'ssl:10.0.0.9:16642',
      ],
    );
  });

  test('an array of hosts', () => {
    assert.deepEqual(hostListRemotes(['::1', ' 127.0.0.1 '], { database: 'nb' }), [
      'tcp:[::1]:6641',
      'tcp:127.0.0.1:6641',
    ]);
  });

  test('every result parses as a remote', () => {
    for (const remote of hostListRemotes('fd00::1,10.1.2.3,db-0.ovn', { database: 'ic-sb' })) {
      const parsed = parseRemote(remote);
      assert.equal(parsed.kind, 'tcp');
      assert.equal(parsed.kind === 'tcp' && parsed.port, 6646);
    }
  });

  const bad: Array<[string, string | string[], string]> = [
    ['an IPv4 host with a port', '10.0.0.1,10.0.0.2:6641', '10.0.0.2:6641'],
    ['a hostname with a port', 'ovn-central:6641', 'ovn-central:6641'],
    ['a bracketed IPv6 host with a port', '[fd00::1]:6641', '[fd00::1]:6641'],
    ['an empty item', '10.0.0.1,,10.0.0.2', ''],
    ['a trailing comma', '10.0.0.1,', ''],
    ['an invalid IPv4 address', '10.0.0.300', '10.0.0.300'],
    ['an invalid hostname', 'bad_host!', 'bad_host!'],
    ['an invalid bracketed address', '[not-an-ip]', '[not-an-ip]'],
    ['a repeated host', '10.0.0.1, 10.0.0.1', ' 10.0.0.1'],
    ['an empty list', '', ''],
    ['an empty array', [], ''],
  ];
  for (const [name, hosts, offending] of bad) {
    test(`rejects ${name}, naming the host`, () => {
      assert.throws(
        () => hostListRemotes(hosts, { database: 'nb' }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidHostListError);
          assert.ok(error instanceof OvndbError);
          assert.equal(error.code, 'OVNDB_INVALID_HOST_LIST');
          assert.equal(error.host, offending);
          return true;
        },
      );
    });
  }

  test('rejects a port out of range', () => {
    for (const port of [0, 65536, 1.5, Number.NaN]) {
      assert.throws(() => hostListRemotes('10.0.0.1', { database: 'nb', port }), InvalidHostListError);
    }
  });
});

describe('EndpointList', { timeout: 20000 }, () => {
  test('given order keeps the caller order; toString is an OVS comma list', () => {
    const list = new EndpointList(`${A}, ${B},${C}`, { order: 'given' });
    assert.deepEqual(list.remotes, [A, B, C]);
    assert.equal(list.size, 3);
    assert.equal(list.toString(), `${A},${B},${C}`);
    assert.deepEqual([...list], [A, B, C]);
  });

  test('remotes are normalized and parsed', () => {
    const list = new EndpointList(['tcp:[::1]:6641', ' unix:/run/ovn/nb.sock '], { order: 'given' });
    assert.deepEqual(list.endpoints(), [
      { text: 'tcp:[::1]:6641', remote: { kind: 'tcp', host: '::1', port: 6641 }, healthy: true },
      { text: 'unix:/run/ovn/nb.sock', remote: { kind: 'unix', path: '/run/ovn/nb.sock' }, healthy: true },
    ]);
    assert.ok(list.has(' tcp:[::1]:6641'));
    assert.ok(!list.has('tcp:[::1]:6642'));
  });

  test('shuffles by default with the injected random source', () => {
    // Fisher-Yates with 0: i=3 swaps with 0, i=2 with 0, i=1 with 0.
    const list = new EndpointList([A, B, C, D], { random: sequence(0) });
    assert.deepEqual(list.remotes, [B, C, D, A]);
    // 0.99 picks j = i every time: the identity.
    assert.deepEqual(new EndpointList([A, B, C, D], { random: sequence(0.99) }).remotes, [A, B, C, D]);
  });

  test('shuffle spreads the first remote over every member', () => {
    let seed = 7;
    const lcg = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const firsts = new Set<string>();
    for (let i = 0; i < 60; i++) firsts.add(new EndpointList([A, B, C], { random: lcg }).next());
    assert.deepEqual([...firsts].sort(), [A, B, C]);
  });

  test('next() goes round robin and wraps', () => {
    const list = new EndpointList([A, B, C], { order: 'given' });
    assert.deepEqual([list.next(), list.next(), list.next(), list.next()], [A, B, C, A]);
    assert.deepEqual(list.attemptOrder(), [B, C, A]);
  });

  test('failed remotes go last, the longest-failed first; healthy ones come back in turn', () => {
    const list = new EndpointList([A, B, C], { order: 'given' });
    assert.equal(list.markFailed(A), true);
    assert.deepEqual(list.attemptOrder(), [B, C, A]);
    assert.equal(list.next(), B);
    assert.equal(list.next(), C);
    assert.equal(list.next(), B, 'A is skipped while it is failed');
    list.markFailed(C);
    list.markFailed(B);
    assert.deepEqual(list.attemptOrder(), [A, C, B], 'all failed: oldest failure first');
    assert.equal(list.next(), A);
    list.markHealthy(B);
    assert.deepEqual(list.attemptOrder(), [B, A, C]);
    assert.deepEqual(
      list.endpoints().map((e) => e.healthy),
      [false, true, false],
    );
    assert.equal(list.toString(), `${B},${A},${C}`);
  });

  test('markFailed/markHealthy of an unknown remote report false', () => {
    const list = new EndpointList([A], { order: 'given' });
    assert.equal(list.markFailed(B), false);
    assert.equal(list.markHealthy(B), false);
    assert.deepEqual(list.endpoints()[0]?.healthy, true);
  });

  test('update keeps survivors in order with their health, appends new ones, reports changes', () => {
    const list = new EndpointList([A, B, C], { order: 'given' });
    list.markFailed(C);
    assert.equal(list.next(), A); // cursor now on B
    const changes = list.update([D, C, B]);
    assert.deepEqual(changes, { added: [D], removed: [A] });
    assert.deepEqual(list.remotes, [B, C, D]);
    assert.deepEqual(list.attemptOrder(), [B, D, C], 'cursor stays on B, C is still failed');
    assert.deepEqual(list.update(`${B},${C},${D}`), { added: [], removed: [] });
  });

  test('update moves the cursor to the next survivor when its remote is removed', () => {
    const list = new EndpointList([A, B, C], { order: 'given' });
    list.next(); // cursor on B
    list.update([A, C]);
    assert.equal(list.next(), C);
  });

  test('update shuffles only the new remotes when the list shuffles', () => {
    const list = new EndpointList([A, B], { random: sequence(0.99) });
    assert.deepEqual(list.remotes, [A, B]);
    list.update([A, B, C, D]);
    assert.deepEqual(list.remotes.slice(0, 2), [A, B]);
    assert.deepEqual([...list.remotes.slice(2)].sort(), [C, D]);
  });

  test('malformed, empty or repeated remotes throw InvalidRemoteError; a failed update changes nothing', () => {
    for (const bad of [
      '',
      'tcp:10.0.0.1:6641,,tcp:10.0.0.2:6641',
      'ptcp:6641',
      [] as string[],
      [A, ` ${A}`],
    ]) {
      assert.throws(() => new EndpointList(bad), InvalidRemoteError);
    }
    const list = new EndpointList([A, B], { order: 'given' });
    assert.throws(() => list.update([C, 'nonsense']), InvalidRemoteError);
    assert.deepEqual(list.remotes, [A, B]);
  });
});

describe('EndpointList against real ovsdb-servers', { timeout: 60000 }, () => {
  const servers: RunningServer[] = [];
  let stopped: RunningServer | undefined;

  before(async () => {
    for (let i = 0; i < 3; i++) {
      servers.push(await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true }));
    }
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  test('connect follows toString(): a dead first remote is skipped, then marked failed and moved last', async () => {
    const list = new EndpointList(
      servers.map((s) => s.tcp as string),
      { random: sequence(0.3, 0.8) },
    );
    const first = list.attemptOrder()[0] as string;
    const client = await connect(list.toString());
    try {
      assert.equal(client.remote, first);
      assert.ok((await client.listDbs()).includes('OVN_Northbound'));
    } finally {
      await client.close();
    }

    const dead = servers.find((s) => s.tcp === first) as RunningServer;
    stopped = dead;
    await dead.stop();
    const [, second, third] = list.attemptOrder();
    const fallback = await connect(list.toString(), { connectTimeoutMs: 5000 });
    try {
      assert.equal(fallback.remote, second, 'the dead head is tried, then the next one answers');
    } finally {
      await fallback.close();
    }

    list.markFailed(first);
    assert.deepEqual(list.attemptOrder(), [second, third, first]);
    const preferred = await connect(list.toString());
    try {
      assert.equal(preferred.remote, second);
    } finally {
      await preferred.close();
    }
  });

  test('hostListRemotes with a custom port yields a connectable remote', async () => {
    const live = servers.find((s) => s !== stopped) as RunningServer;
    const parsed = parseRemote(live.tcp as string);
    assert.equal(parsed.kind, 'tcp');
    const port = parsed.kind === 'tcp' ? parsed.port : 0;
    const remotes = hostListRemotes(' 127.0.0.1 ', { database: 'nb', port });
    assert.deepEqual(remotes, [`tcp:127.0.0.1:${port}`]);
    const client = await connect(new EndpointList(remotes).toString());
    try {
      assert.ok((await client.listDbs()).includes('OVN_Northbound'));
    } finally {
      await client.close();
    }
  });
});
