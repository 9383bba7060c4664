import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cidrContains,
  cidrsOverlap,
  parseCidr,
  parseIp,
  parseMac,
  randomMac,
} from '../../src/ovn/addresses.js';
import { InvalidSpecError } from '../../src/ovn/ovn-errors.js';

function refused(fn: () => unknown, field: string, value: unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidSpecError);
    assert.equal(error.code, 'OVNDB_INVALID_SPEC');
    assert.equal(error.field, field);
    assert.equal(error.value, value);
    return true;
  });
}

describe('addresses', () => {
  test('a CIDR keeps its address form and gives its network form', () => {
    const v4 = parseCidr(' 169.254.0.1/30 ', 'localConnectIP');
    assert.deepEqual(
      [v4.family, v4.prefix, v4.addressText, v4.networkText, v4.hasHostBits],
      [4, 30, '169.254.0.1/30', '169.254.0.0/30', true],
    );
    const v6 = parseCidr('FD00:0:0::1:5/64', 'cidrBlock');
    assert.deepEqual([v6.family, v6.addressText, v6.networkText], [6, 'fd00::1:5/64', 'fd00::/64']);
    assert.equal(parseCidr('10.0.0.0/16', 'cidr').hasHostBits, false);
    assert.equal(parseCidr('0.0.0.0/0', 'cidr').networkText, '0.0.0.0/0');
    assert.equal(parseCidr('::/0', 'cidr').networkText, '::/0');
  });

  test('malformed CIDRs are refused naming the field and value', () => {
    refused(() => parseCidr('10.0.0.1', 'staticRoutes[0].cidr'), 'staticRoutes[0].cidr', '10.0.0.1');
    refused(() => parseCidr('10.0.0.1/33', 'cidr'), 'cidr', '10.0.0.1/33');
    refused(() => parseCidr('fd00::/129', 'cidr'), 'cidr', 'fd00::/129');
    refused(() => parseCidr('10.0.0.1/x', 'cidr'), 'cidr', '10.0.0.1/x');
    refused(() => parseCidr('300.0.0.1/8', 'cidr'), 'cidr', '300.0.0.1/8');
    refused(() => parseCidr(42 as never, 'cidr'), 'cidr', 42);
  });

  test('addresses: both families, canonical text, prefixes refused', () => {
    assert.deepEqual(parseIp('10.0.0.1', 'nextHopIP'), { family: 4, text: '10.0.0.1' });
    assert.deepEqual(parseIp('FD00:0::1', 'nextHopIP'), { family: 6, text: 'fd00::1' });
    refused(() => parseIp('10.0.0.1/32', 'nextHopIP'), 'nextHopIP', '10.0.0.1/32');
    refused(() => parseIp('not-an-ip', 'nextHopIP'), 'nextHopIP', 'not-an-ip');
  });

  test('containment and overlap, never across families', () => {
    const block = parseCidr('10.0.0.0/16', 'a');
    assert.equal(cidrContains(block, parseIp('10.0.255.1', 'x')), true);
    assert.equal(cidrContains(block, parseIp('10.1.0.1', 'x')), false);
    assert.equal(cidrContains(block, parseIp('::1', 'x')), false);
    assert.equal(cidrsOverlap(block, parseCidr('10.0.5.0/24', 'b')), true);
    assert.equal(cidrsOverlap(parseCidr('10.0.5.0/24', 'b'), block), true);
    assert.equal(cidrsOverlap(block, parseCidr('172.31.0.0/16', 'b')), false);
    assert.equal(cidrsOverlap(parseCidr('fd00::/64', 'a'), parseCidr('fd00::1/128', 'b')), true);
  });

  test('MACs: random ones are locally administered unicast; given ones are checked', () => {
    for (let i = 0; i < 50; i++) {
      const mac = randomMac();
      assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const first = Number.parseInt(mac.slice(0, 2), 16);
      assert.equal(first & 0x02, 0x02, 'locally administered');
      assert.equal(first & 0x01, 0, 'unicast');
    }
    assert.equal(randomMac(new Uint8Array([0xff, 1, 2, 3, 4, 5])), 'fe:01:02:03:04:05');
    assert.equal(parseMac('AA:BB:CC:DD:EE:FF', 'mac'), 'aa:bb:cc:dd:ee:ff');
    refused(() => parseMac('aa:bb:cc', 'mac'), 'mac', 'aa:bb:cc');
  });
});
