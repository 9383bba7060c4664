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

  test('only canonical spellings pass (test/ovn/address-refusals.test.ts shows what OVN does with the rest)', () => {
    for (const cidr of [
      '::ffff:10.0.0.0/104',
      '::10.0.0.1/128',
      'fe80::1%eth0/64',
      '10.0.0.0/024',
      'fd00::/064',
      '10.0.0.0/00',
      '10.0.0.0/+8',
      '10.0.0.0/-0',
      '10.0.0.0/',
      '10.0.0.0/ 8',
      '10.0.0.0 /8',
      '010.0.0.0/8',
      '10.0.0.256/32',
      '10.0.0/8',
    ])
      refused(() => parseCidr(cidr, 'cidr'), 'cidr', cidr);
    for (const ip of [
      '::ffff:10.0.0.1',
      '::FFFF:a00:1',
      '::10.0.0.1',
      'fe80::1%eth0',
      '010.0.0.1',
      '10.0.0.01',
      '1.2. 3.4',
    ])
      refused(() => parseIp(ip, 'ip'), 'ip', ip);
    // The unspecified and loopback addresses are not IPv4-compatible ones; other embedded tails are fine.
    assert.equal(parseCidr('::/0', 'cidr').networkText, '::/0');
    assert.equal(parseIp('::1', 'ip').text, '::1');
    assert.equal(parseIp('64:ff9b::10.0.0.1', 'ip').text, '64:ff9b::a00:1');
    // Surrounding whitespace is dropped, as before: it is never written.
    assert.equal(parseIp(' 10.0.0.1\n', 'ip').text, '10.0.0.1');
  });

  test("no input escapes as the address library's own error", () => {
    // xorshift32: the same strings on every run.
    let state = 0x9e3779b9;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const alphabet = '0123456789abcdefABCDEF:./%+- 0:.:/1';
    const texts = [
      '10.0.0.0/024',
      '1.2.3.4/08',
      ':::/64',
      '1:2:3:4:5:6:7:8:9/64',
      '1.2.3.4.5/8',
      '[::1]/128',
    ];
    for (let i = 0; i < 3000; i++) {
      const length = 1 + Math.floor(next() * 24);
      texts.push(Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    }
    for (const text of texts) {
      for (const parse of [parseIp, parseCidr]) {
        let parsed: ReturnType<typeof parseIp> | ReturnType<typeof parseCidr> | undefined;
        try {
          parsed = parse(text, 'f');
        } catch (error) {
          assert.ok(error instanceof InvalidSpecError, `${JSON.stringify(text)}: ${String(error)}`);
          continue;
        }
        // What passes is canonical: read again, it is the same.
        const canonical = 'networkText' in parsed ? parsed.addressText : parsed.text;
        assert.equal(
          'networkText' in parsed ? parseCidr(canonical, 'f').addressText : parseIp(canonical, 'f').text,
          canonical,
        );
      }
    }
    refused(
      () => cidrContains(parseCidr('10.0.0.0/8', 'a'), { family: 4, text: '10.0.0.0/024' }),
      'ip',
      '10.0.0.0/024',
    );
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
