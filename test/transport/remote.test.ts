import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatRemote, parseRemote, parseRemoteList } from '../../src/transport/remote.js';
import { InvalidRemoteError } from '../../src/transport/transport-errors.js';

describe('parseRemote', { timeout: 20000 }, () => {
  test('tcp and ssl with IPv4, IPv6, bracketed IPv4 and hostnames', () => {
    assert.deepEqual(parseRemote('tcp:127.0.0.1:6641'), { kind: 'tcp', host: '127.0.0.1', port: 6641 });
    assert.deepEqual(parseRemote('tcp:[::1]:6641'), { kind: 'tcp', host: '::1', port: 6641 });
    assert.deepEqual(parseRemote('tcp:[192.168.65.3]:6645'), {
      kind: 'tcp',
      host: '192.168.65.3',
      port: 6645,
    });
    assert.deepEqual(parseRemote('ssl:ovn-central.kube-system:6642'), {
      kind: 'ssl',
      host: 'ovn-central.kube-system',
      port: 6642,
    });
    assert.deepEqual(parseRemote('ssl:[fd00::10]:6641'), { kind: 'ssl', host: 'fd00::10', port: 6641 });
  });

  test('a missing port defaults to 6640', () => {
    assert.deepEqual(parseRemote('tcp:1.2.3.4'), { kind: 'tcp', host: '1.2.3.4', port: 6640 });
    assert.deepEqual(parseRemote('ssl:[::1]'), { kind: 'ssl', host: '::1', port: 6640 });
  });

  test('unix paths, absolute and relative', () => {
    assert.deepEqual(parseRemote('unix:/var/run/ovn/ovnnb_db.sock'), {
      kind: 'unix',
      path: '/var/run/ovn/ovnnb_db.sock',
    });
    assert.deepEqual(parseRemote('unix:db.sock'), { kind: 'unix', path: 'db.sock' });
  });

  test('websocket URLs', () => {
    assert.deepEqual(parseRemote('ws://127.0.0.1:8080/ovsdb'), {
      kind: 'ws',
      url: 'ws://127.0.0.1:8080/ovsdb',
    });
    assert.deepEqual(parseRemote('wss://ovn.example:443'), { kind: 'wss', url: 'wss://ovn.example:443' });
  });

  const bad = [
    '',
    'ptcp:6641',
    'pssl:6641:127.0.0.1',
    'punix:/tmp/x.sock',
    'tcp:',
    'tcp:1.2.3.4:',
    'tcp:1.2.3.4:0',
    'tcp:1.2.3.4:65536',
    'tcp:1.2.3.4:66x',
    'tcp:300.1.1.1:6641',
    'tcp:::1:6641',
    'tcp:[::1',
    'tcp:[::1]6641',
    'tcp:[not-an-ip]:6641',
    'tcp:bad_host!:6641',
    'unix:',
    'udp:1.2.3.4:1',
    'localhost',
    'ws://',
  ];
  for (const text of bad) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseRemote(text),
        (error: unknown) =>
          error instanceof InvalidRemoteError &&
          error.code === 'OVNDB_INVALID_REMOTE' &&
          error.remote === text,
      );
    });
  }

  test('the error message names the text', () => {
    assert.throws(() => parseRemote('ptcp:6641'), /ptcp:6641/);
  });
});

describe('parseRemoteList', { timeout: 20000 }, () => {
  test('comma-separated, with or without spaces', () => {
    assert.deepEqual(parseRemoteList('tcp:10.0.0.1:6641,tcp:10.0.0.2:6641, tcp:[::1]:6641'), [
      { kind: 'tcp', host: '10.0.0.1', port: 6641 },
      { kind: 'tcp', host: '10.0.0.2', port: 6641 },
      { kind: 'tcp', host: '::1', port: 6641 },
    ]);
    assert.deepEqual(parseRemoteList('unix:/a.sock'), [{ kind: 'unix', path: '/a.sock' }]);
  });

  test('rejects empty items', () => {
    for (const text of [
      '',
      'tcp:1.2.3.4:1,',
      ',tcp:1.2.3.4:1',
      'tcp:1.2.3.4:1,,tcp:1.2.3.5:1',
      'tcp:1.2.3.4:1, ',
    ]) {
      assert.throws(() => parseRemoteList(text), InvalidRemoteError, text);
    }
  });

  test('rejects a bad item inside a list', () => {
    assert.throws(() => parseRemoteList('tcp:1.2.3.4:1,ptcp:6641'), InvalidRemoteError);
  });
});

describe('formatRemote', { timeout: 20000 }, () => {
  test('writes OVS notation, IPv6 in brackets, and round-trips', () => {
    assert.equal(formatRemote({ kind: 'tcp', host: '::1', port: 6641 }), 'tcp:[::1]:6641');
    assert.equal(formatRemote({ kind: 'ssl', host: '10.0.0.1', port: 6642 }), 'ssl:10.0.0.1:6642');
    assert.equal(formatRemote(parseRemote('tcp:[192.168.65.3]:6645')), 'tcp:192.168.65.3:6645');
    assert.equal(formatRemote(parseRemote('tcp:1.2.3.4')), 'tcp:1.2.3.4:6640');
    for (const text of [
      'tcp:[fd00::1]:6641',
      'unix:/run/db.sock',
      'ws://127.0.0.1:1/x',
      'ssl:host.example:6641',
    ]) {
      assert.equal(formatRemote(parseRemote(text)), text);
    }
  });
});
