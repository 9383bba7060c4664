/**
 * Text the `yaml` package cannot turn into plain data comes back as an InvalidYamlError (the
 * document, line and column, the reason, the package's error as `cause`) from every reader of
 * YAML: parseResources (applyVpc, applyResources), parseIcConfig, and `ovndb vpc apply`, which
 * prints it as one line and exits 1 without connecting. Before, an alias bomb escaped as the
 * package's untyped ReferenceError, and a circular alias as a TypeError from our own message.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXIT } from '../../src/cli/cli-errors.js';
import { parseIcConfig } from '../../src/ic/index.js';
import { InvalidYamlError, parseResources } from '../../src/ovn/index.js';
import { ovndb } from '../helpers/run-cli.js';

/** "Billion laughs": ten anchors, each a list of nine aliases of the one before (9^9 leaves). */
function aliasBomb(head = 'kind: Vpc\nmetadata: {name: vpc-1}\n'): string {
  const lines = [head, 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 10; level++) {
    const [previous, name] = [String.fromCharCode(96 + level), String.fromCharCode(97 + level)];
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

interface Expected {
  readonly document: number;
  readonly line?: number;
  readonly column?: number;
  readonly yamlCode: string;
}

/** Asserts `read(text)` throws an InvalidYamlError as expected, with a one-line message. */
function refusedYaml(read: (text: string) => unknown, text: string, expected: Expected): InvalidYamlError {
  let caught: unknown;
  assert.throws(
    () => read(text),
    (error: unknown) => {
      caught = error;
      return true;
    },
  );
  assert.ok(caught instanceof InvalidYamlError, String(caught));
  assert.equal(caught.code, 'OVNDB_INVALID_YAML');
  assert.deepEqual(
    { document: caught.document, line: caught.line, column: caught.column, yamlCode: caught.yamlCode },
    { line: undefined, column: undefined, ...expected },
  );
  assert.doesNotMatch(caught.message, /\n/);
  return caught;
}

describe('YAML the readers refuse', { timeout: 60_000 }, () => {
  test('an alias bomb fails fast, typed, without expanding', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const error = refusedYaml(parseResources, aliasBomb(), { document: 1, yamlCode: 'ALIAS_LIMIT' });
    assert.ok(error.cause instanceof ReferenceError, 'the package said it');
    assert.ok(performance.now() - started < 2000, 'refused within 2 s');
    // 9^9 expanded strings would be gigabytes; the refusal costs next to nothing.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'heap grew less than 64 MB');

    // A wide anchor used many times (quadratic, not exponential) is held to the same limit.
    const wide = `a: &a [${Array(1000).fill('x').join(',')}]\nb: [${Array(1000).fill('*a').join(',')}]\n`;
    refusedYaml(parseResources, wide, { document: 1, yamlCode: 'ALIAS_LIMIT' });
    refusedYaml(parseIcConfig, aliasBomb('kind: ConfigMap\ndata: {enable-ic: "false"}\n'), {
      document: 1,
      yamlCode: 'ALIAS_LIMIT',
    });
    // A few aliases are YAML like any other.
    const reuse = 'kind: Subnet\nmetadata: {name: s1}\nspec: &s {vpc: v, cidrBlock: 10.0.0.0/24}\n';
    assert.equal(parseResources(reuse).subnets[0]?.cidrBlock, '10.0.0.0/24');
  });

  test('aliases to no anchor, or inside their own anchor, are placed and refused', () => {
    refusedYaml(parseResources, 'kind: Vpc\nmetadata: {name: v}\nspec: *nowhere\n', {
      document: 1,
      line: 3,
      column: 7,
      yamlCode: 'ALIAS_UNRESOLVED',
    });
    // Circular data: before, building the error message threw a TypeError (JSON.stringify).
    refusedYaml(parseResources, 'kind: Vpc\nmetadata: {name: v}\nspec:\n  staticRoutes: &r [*r]\n', {
      document: 1,
      line: 4,
      column: 21,
      yamlCode: 'ALIAS_CYCLE',
    });
    // An anchor redefined before the alias: the alias means the inner one, no cycle.
    assert.deepEqual(parseResources('kind: Pod\nx: &a [&a 1, *a]\n'), { vpcs: [], subnets: [] });
  });

  test('syntax errors name the document, line and column; the package error is the cause', () => {
    const error = refusedYaml(parseResources, 'kind: Vpc\nkind: Subnet\n', {
      document: 1,
      line: 2,
      column: 1,
      yamlCode: 'DUPLICATE_KEY',
    });
    assert.equal((error.cause as { name?: string }).name, 'YAMLParseError');
    refusedYaml(parseResources, 'kind: Vpc\n\tspec: {}\n', {
      document: 1,
      line: 2,
      column: 1,
      yamlCode: 'TAB_AS_INDENT',
    });
    refusedYaml(parseResources, 'kind: Pod\n---\nkind: Vpc\nmetadata: {name: [v\n', {
      document: 2,
      line: 5,
      column: 1,
      yamlCode: 'BAD_INDENT',
    });
    refusedYaml(parseIcConfig, 'kind: ConfigMap\ndata: [1, 2\n', {
      document: 1,
      line: 3,
      column: 1,
      yamlCode: 'BAD_INDENT',
    });
    // Nesting past the package's own depth limit is its RESOURCE_EXHAUSTION, refused quickly
    // (at whichever column the package stopped).
    const started = performance.now();
    assert.throws(
      () => parseResources(`a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`),
      (deep: unknown) =>
        deep instanceof InvalidYamlError && deep.yamlCode === 'RESOURCE_EXHAUSTION' && deep.line === 1,
    );
    assert.ok(performance.now() - started < 5000, 'refused within 5 s');
  });

  test('ovndb vpc apply prints one line and exits 1, before connecting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-yaml-'));
    try {
      // No server: the input is judged first, so the answer is about the input (1), not 3.
      const missing = `unix:${join(dir, 'no-nb.sock')}`;
      const bomb = await ovndb(['vpc', 'apply', '-', '--db', missing, '-t', '5000'], {
        input: aliasBomb(),
        timeoutMs: 30_000,
      });
      assert.equal(bomb.code, EXIT.failed, bomb.stderr);
      assert.equal(bomb.stdout, '');
      assert.match(bomb.stderr, /^ovndb: YAML document 1: aliases expand .* \[OVNDB_INVALID_YAML\]\n$/);

      const file = join(dir, 'vpc.yaml');
      await writeFile(file, 'kind: Vpc\nmetadata: {name: v}\n---\nkind: Vpc\nkind: Subnet\n');
      const duplicate = await ovndb(['vpc', 'apply', file, '--db', missing, '-t', '5000'], {
        timeoutMs: 30_000,
      });
      assert.equal(duplicate.code, EXIT.failed, duplicate.stderr);
      assert.equal(
        duplicate.stderr,
        'ovndb: YAML document 2, line 5, column 1: Map keys must be unique [OVNDB_INVALID_YAML]\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
