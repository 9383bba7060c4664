/**
 * `ovndb apply --prune` and `ovndb vpc delete` against a real ovsdb-server: text and JSON
 * output, dry runs that send nothing, foreign rows left alone.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { ovndb } from '../helpers/run-cli.js';

const run = promisify(execFile);

const INPUT = `
kind: Vpc
metadata: { name: vpc-1 }
spec: {}
---
kind: Subnet
metadata: { name: net1 }
spec: { vpc: vpc-1, cidrBlock: 10.0.0.0/16 }
---
kind: Vpc
metadata: { name: vpc-2 }
spec: {}
---
kind: Subnet
metadata: { name: net2 }
spec: { vpc: vpc-2, cidrBlock: 10.1.0.0/16 }
`;
const ONLY_VPC_1 = INPUT.split('---').slice(0, 2).join('---');

describe('ovndb apply --prune, ovndb vpc delete', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let db: string;
  const nbctl = async (...args: string[]) => (await run('ovn-nbctl', [`--db=${db}`, ...args])).stdout;
  const names = async (table: string) =>
    (await nbctl('--bare', '--columns=name', 'list', table)).split('\n').filter(Boolean).sort();

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    db = server.unix;
    dir = await mkdtemp(join(tmpdir(), 'ovndb-vpc-'));
    await writeFile(join(dir, 'all.yaml'), INPUT);
    await writeFile(join(dir, 'vpc-1.yaml'), ONLY_VPC_1);
    await nbctl('lr-add', 'foreign-r', '--', 'ls-add', 'foreign-ls');
  });
  after(async () => {
    await server?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('apply (top level), then a pruning dry run lists the deletions and sends nothing', async () => {
    const applied = await ovndb(['apply', join(dir, 'all.yaml'), '--db', db]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^vpc vpc-1: changed/m);
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'vpc-1', 'vpc-2']);

    const dry = await ovndb(['vpc', 'apply', join(dir, 'vpc-1.yaml'), '--db', db, '--prune', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^vpc vpc-1: up to date$/m);
    assert.match(dry.stdout, /^prune subnet net2: would delete$/m);
    assert.match(dry.stdout, /^prune vpc vpc-2: would delete\n {2}delete router vpc-2$/m);
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'vpc-1', 'vpc-2']);
  });

  test('apply --prune -f json reports the deletions; foreign rows stay', async () => {
    const pruned = await ovndb(['apply', '-', '--db', db, '--prune', '-f', 'json'], { input: ONLY_VPC_1 });
    assert.equal(pruned.code, 0, pruned.stderr);
    const outcome = JSON.parse(pruned.stdout) as {
      pruned: Array<{ kind: string; name: string; applied: boolean }>;
    };
    assert.deepEqual(
      outcome.pruned.map((p) => [p.kind, p.name, p.applied]),
      [
        ['Subnet', 'net2', true],
        ['Vpc', 'vpc-2', true],
      ],
    );
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'vpc-1']);
    assert.deepEqual(await names('Logical_Switch'), ['foreign-ls', 'net1']);
  });

  test('vpc delete: refused while a subnet uses it, a dry run, --with-subnets, --if-exists', async () => {
    const inUse = await ovndb(['vpc', 'delete', 'vpc-1', '--db', db]);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /\[OVNDB_VPC_IN_USE\]/);

    const dry = await ovndb(['vpc', 'delete', 'vpc-1', '--db', db, '--with-subnets', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^vpc vpc-1: would delete \(\d+ operations\)\n {2}delete subnet net1\n {2}delete router vpc-1$/m,
    );
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'vpc-1']);

    const done = await ovndb(['vpc', 'delete', 'vpc-1', '--db', db, '--with-subnets', '-f', 'json']);
    assert.equal(done.code, 0, done.stderr);
    const deletion = JSON.parse(done.stdout) as { vpc: string; subnets: string[]; applied: boolean };
    assert.deepEqual([deletion.vpc, deletion.subnets, deletion.applied], ['vpc-1', ['net1'], true]);
    assert.deepEqual(await names('Logical_Router'), ['foreign-r']);

    const missing = await ovndb(['vpc', 'delete', 'vpc-1', '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\[OVNDB_NOT_FOUND\]/);
    const ifExists = await ovndb(['vpc', 'delete', 'vpc-1', '--db', db, '--if-exists']);
    assert.equal(ifExists.code, 0, ifExists.stderr);
    assert.match(ifExists.stdout, /not found, nothing to delete/);

    const foreign = await ovndb(['vpc', 'delete', 'foreign-r', '--db', db, '--if-exists']);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /\[OVNDB_NOT_OWNED\]/);
    assert.deepEqual(await names('Logical_Router'), ['foreign-r']);
  });
});
