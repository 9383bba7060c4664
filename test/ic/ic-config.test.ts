/**
 * parseIcConfig: the seed's ovn-ic-config ConfigMaps (single host and raft list), defaults,
 * and bad input as typed errors naming the key and value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidYamlError, parseIcConfig } from '../../src/ic/index.js';
import { InvalidSpecError } from '../../src/ovn/index.js';

const configMap = (data: Record<string, string>) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: ovn-ic-config
  namespace: kube-system
data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: "${v}"`)
  .join('\n')}
`;

const seed = {
  'enable-ic': 'true',
  'az-name': 'az1',
  'ic-db-host': '192.168.65.3,192.168.65.2,192.168.65.1',
  'ic-nb-port': '6645',
  'ic-sb-port': '6646',
  'gw-nodes': 'az1-gw',
  'auto-route': 'true',
};

function refuses(input: string | object, field: string, value: unknown): void {
  assert.throws(
    () => parseIcConfig(input),
    (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError, String(error));
      assert.equal(error.code, 'OVNDB_INVALID_SPEC');
      assert.equal(error.field, field);
      assert.deepEqual(error.value, value);
      return true;
    },
  );
}

describe('parseIcConfig', () => {
  test('the seed ConfigMap with three IC database hosts', () => {
    const config = parseIcConfig(configMap(seed));
    assert.equal(config.enabled, true);
    assert.equal(config.azName, 'az1');
    assert.deepEqual(config.icDbHosts, ['192.168.65.3', '192.168.65.2', '192.168.65.1']);
    assert.deepEqual(config.icNbRemotes, [
      'tcp:192.168.65.3:6645',
      'tcp:192.168.65.2:6645',
      'tcp:192.168.65.1:6645',
    ]);
    assert.deepEqual(config.icSbRemotes, [
      'tcp:192.168.65.3:6646',
      'tcp:192.168.65.2:6646',
      'tcp:192.168.65.1:6646',
    ]);
    assert.deepEqual(config.gwNodes, ['az1-gw']);
    assert.equal(config.autoRoute, true);
    assert.deepEqual(config.ignoredKeys, []);
  });

  test('the data alone, unquoted YAML scalars, IPv6 hosts, default ports, other keys kept aside', () => {
    const config = parseIcConfig({
      'enable-ic': true,
      'az-name': 'az-2',
      'ic-db-host': 'fd00::3, ic-db.example',
      'auto-route': 'false',
      'ts-num': '3',
    });
    assert.deepEqual(config.icNbRemotes, ['tcp:[fd00::3]:6645', 'tcp:ic-db.example:6645']);
    assert.deepEqual(config.icSbRemotes, ['tcp:[fd00::3]:6646', 'tcp:ic-db.example:6646']);
    assert.equal(config.autoRoute, false);
    assert.deepEqual(config.gwNodes, []);
    assert.deepEqual(config.ignoredKeys, ['ts-num']);
  });

  test('disabled: nothing is required', () => {
    const config = parseIcConfig({ data: { 'enable-ic': 'false' } });
    assert.equal(config.enabled, false);
    assert.deepEqual(config.icNbRemotes, []);
  });

  test('bad input names the key and the value', () => {
    refuses(configMap({ ...seed, 'az-name': '' }), 'data.az-name', '');
    refuses({ ...seed, 'az-name': 'az 1' }, 'data.az-name', 'az 1');
    refuses({ ...seed, 'ic-db-host': '' }, 'data.ic-db-host', '');
    refuses({ ...seed, 'ic-db-host': '192.168.65.3:6645' }, 'data.ic-db-host', '192.168.65.3:6645');
    refuses(
      { ...seed, 'ic-db-host': '192.168.65.3,,192.168.65.2' },
      'data.ic-db-host',
      '192.168.65.3,,192.168.65.2',
    );
    refuses({ ...seed, 'ic-db-host': '300.1.1.1' }, 'data.ic-db-host', '300.1.1.1');
    refuses({ ...seed, 'ic-nb-port': '66450' }, 'data.ic-nb-port', '66450');
    refuses({ ...seed, 'ic-sb-port': 'six' }, 'data.ic-sb-port', 'six');
    refuses({ ...seed, 'enable-ic': 'yes' }, 'data.enable-ic', 'yes');
    refuses({ ...seed, 'auto-route': 'on' }, 'data.auto-route', 'on');
    refuses('kind: Pod\nmetadata: { name: p }\n', 'kind', 'ConfigMap');
    assert.throws(
      () => parseIcConfig('kind: ConfigMap\ndata: [1, 2\n'),
      (e: unknown) => e instanceof InvalidYamlError && e.line === 3 && e.yamlCode === 'BAD_INDENT',
    );
  });
});
