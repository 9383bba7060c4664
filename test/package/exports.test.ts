import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

type Entry = { types: string; default: string };

describe('package exports', () => {
  test('every subpath points at a module the build emits from src/', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, Entry | string>;
    };
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    assert.deepEqual(subpaths, ['.', './testing', './nb', './sb', './ic-nb', './ic-sb', './ovn', './ic']);
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as Entry & { 'ovndb-source'?: string };
      // `default`, not `import`: the same module serves import and, on Node 20.19+ and 22.12+, require.
      assert.deepEqual(Object.keys(entry), ['ovndb-source', 'types', 'default']);
      assert.match(entry.default, /^\.\/dist\/.+\.js$/);
      assert.equal(entry.types, entry.default.replace(/\.js$/, '.d.ts'));
      const source = entry.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      assert.ok(existsSync(source), `${subpath} -> ${source} is missing`);
      // The source condition (docs/examples run against it) names the same module.
      assert.equal(entry['ovndb-source'], `./${source}`);
    }
  });

  test('ovndb/ovn exports the helpers', async () => {
    const mod = (await import('../../src/ovn/index.js')) as Record<string, unknown>;
    for (const name of [
      'createRouter',
      'addSubnet',
      'peerVpc',
      'addStaticRoute',
      'addPolicyRoute',
      'parseResources',
      'parseCidr',
    ]) {
      assert.equal(typeof mod[name], 'function', name);
    }
  });

  test('ovndb/ic exports the OVN-IC helpers', async () => {
    const mod = (await import('../../src/ic/index.js')) as Record<string, unknown>;
    for (const name of [
      'parseIcConfig',
      'openInterconnection',
      'establishInterconnection',
      'resetInterconnection',
      'icStatus',
    ]) {
      assert.equal(typeof mod[name], 'function', name);
    }
  });

  test('each generated database module exports its model', async () => {
    for (const db of ['nb', 'sb', 'ic-nb', 'ic-sb']) {
      const mod = (await import(`../../src/generated/${db}/index.js`)) as { model?: { name?: string } };
      assert.ok(mod.model?.name, `src/generated/${db} exports no model`);
    }
  });
});
