import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { InvalidSpecError, InvalidYamlError } from '../../src/ovn/ovn-errors.js';
import { parseResources, parseVpc } from '../../src/ovn/vpc-spec.js';
import { repoRoot } from '../conformance/driver/suites.js';

const seeds = resolve(repoRoot, '../shared/seeds');

function refused(spec: unknown, field: string, value: unknown): void {
  assert.throws(
    () => parseResources(spec),
    (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError, String(error));
      assert.equal(error.field, field);
      assert.deepEqual(error.value, value);
      return true;
    },
  );
}

const vpc = (spec: Record<string, unknown>, name = 'vpc-1') => ({ kind: 'Vpc', metadata: { name }, spec });

describe('Kube-OVN Vpc and Subnet specs', () => {
  test('the YAML examples of the seeds parse (every Vpc and Subnet in them)', {
    skip: !existsSync(seeds) && 'no ../shared/seeds',
  }, () => {
    let vpcs = 0;
    let subnets = 0;
    for (const file of readdirSync(seeds)) {
      const text = readFileSync(resolve(seeds, file), 'utf8');
      for (const block of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
        const parsed = parseResources(block[1] as string);
        vpcs += parsed.vpcs.length;
        subnets += parsed.subnets.length;
      }
    }
    assert.ok(vpcs >= 4 && subnets >= 2, `${vpcs} vpcs, ${subnets} subnets`);
  });

  test('YAML with several documents: Vpcs and Subnets, other kinds skipped, defaults filled', () => {
    const parsed = parseResources(`
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-1
spec:
  namespaces: [ns1]
  vpcPeerings:
    - remoteVpc: vpc-2
      localConnectIP: 169.254.0.1/30
  staticRoutes:
    - cidr: 172.31.0.0/16
      nextHopIP: 169.254.0.2
      policy: policyDst
  policyRoutes:
    - action: drop
      match: ip4.src==10.0.1.0/24
      priority: 11
      nextHopIP: 10.0.0.9
---
kind: Subnet
metadata:
  name: net1
spec:
  vpc: vpc-1
  cidrBlock: 10.0.0.0/16
  excludeIps: [10.0.0.1]
---
kind: Pod
metadata:
  name: ignored
`);
    assert.equal(parsed.vpcs.length, 1);
    const [v] = parsed.vpcs;
    assert.deepEqual(v?.namespaces, ['ns1']);
    assert.deepEqual(v?.staticRoutes, [
      { cidr: '172.31.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' },
    ]);
    assert.deepEqual(v?.policyRoutes, [{ priority: 11, match: 'ip4.src==10.0.1.0/24', action: 'drop' }]);
    assert.deepEqual(parsed.subnets, [
      { name: 'net1', vpc: 'vpc-1', cidrBlock: '10.0.0.0/16', excludeIps: ['10.0.0.1'] },
    ]);
    assert.equal(parseVpc({ name: 'flat', staticRoutes: [] }).name, 'flat');
    assert.deepEqual(parseResources(JSON.stringify(vpc({}))).vpcs[0]?.staticRoutes, []);
  });

  test('bad input names the field path and the value', () => {
    refused(
      vpc({ staticRoutes: [{ cidr: '10.0.0.0', nextHopIP: '10.0.0.1' }] }),
      'spec.staticRoutes[0].cidr',
      '10.0.0.0',
    );
    refused(
      vpc({ staticRoutes: [{ cidr: '10.0.0.0/8', nextHopIP: 'fd00::1' }] }),
      'spec.staticRoutes[0].nextHopIP',
      'fd00::1',
    );
    refused(
      vpc({ staticRoutes: [{ cidr: '10.0.0.0/8', nextHopIP: '1.1.1.1', policy: 'sideways' }] }),
      'spec.staticRoutes[0].policy',
      'sideways',
    );
    refused(
      vpc({ policyRoutes: [{ priority: 40000, match: 'ip4', action: 'drop' }] }),
      'spec.policyRoutes[0].priority',
      40000,
    );
    refused(
      vpc({ policyRoutes: [{ priority: 1, match: 'ip4', action: 'jump' }] }),
      'spec.policyRoutes[0].action',
      'jump',
    );
    refused(
      vpc({ policyRoutes: [{ priority: 1, match: 'ip4', action: 'reroute' }] }),
      'spec.policyRoutes[0].nextHopIP',
      undefined,
    );
    refused(
      vpc({
        policyRoutes: [{ priority: 1, match: 'ip4', action: 'reroute', nextHopIP: '10.0.0.1,fd00::1' }],
      }),
      'spec.policyRoutes[0].nextHopIP',
      '10.0.0.1,fd00::1',
    );
    refused(
      vpc({ vpcPeerings: [{ remoteVpc: 'vpc-1', localConnectIP: '169.254.0.1/30' }] }),
      'spec.vpcPeerings[0].remoteVpc',
      'vpc-1',
    );
    refused(
      vpc({ vpcPeerings: [{ remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1' }] }),
      'spec.vpcPeerings[0].localConnectIP',
      '169.254.0.1',
    );
    refused(
      vpc({ vpcPeerings: [{ remoteVpc: 'vpc-2', localConnectIP: '169.254.0.0/30' }] }),
      'spec.vpcPeerings[0].localConnectIP',
      '169.254.0.0/30',
    );
    refused(
      { kind: 'Subnet', metadata: { name: 's' }, spec: { vpc: 'v', cidrBlock: '10.0.0.0/33' } },
      'spec.cidrBlock',
      '10.0.0.0/33',
    );
    refused({ kind: 'Vpc', spec: {} }, 'metadata.name', undefined);
    // Text that is not YAML is the other typed error, placed in the text (test/ovn/yaml-refusals.test.ts).
    assert.throws(
      () => parseResources('kind: Vpc\n  bad: [indent'),
      (error: unknown) => error instanceof InvalidYamlError && error.line === 1 && error.column === 7,
    );
  });
});
