/**
 * The package as users get it: `npm pack` holds only dist/, src/ (what the maps point at),
 * schemas/, README, LICENSE and package.json, and no test tooling; every map's sources are in
 * it and no declaration carries an `@internal` member. Installed into a fresh project, every
 * subpath imports from plain JavaScript, requires from CommonJS (and works there against a real
 * ovsdb-server), type-checks from strict TypeScript as ESM and as CommonJS (library
 * declarations checked too), and the `ovndb` bin runs, its help pointing at documentation that
 * exists (URLs under the homepage: docs/ is not in the package).
 */
import assert from 'node:assert/strict';
import { type ExecFileOptions, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { envWithoutCoverage } from '../helpers/child-env.js';
import { allHelp, docPointers } from './help-doc-pointers.js';

const execFileAsync = promisify(execFile);
// The package's dist/ maps back onto src/: no coverage from it (child-env.ts).
const childEnv = envWithoutCoverage();
const run = async (
  file: string,
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<{ stdout: string; stderr: string }> => {
  const { stdout, stderr } = await execFileAsync(file, args, { env: childEnv, ...options });
  return { stdout: String(stdout), stderr: String(stderr) };
};
const root = resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const SUBPATHS: Record<string, string[]> = {
  ovndb: ['connect', 'Session', 'Replica', 'runTransaction', 'OvndbError'],
  'ovndb/nb': ['model', 'LogicalRouterTable'],
  'ovndb/sb': ['model'],
  'ovndb/ic-nb': ['model'],
  'ovndb/ic-sb': ['model'],
  'ovndb/ovn': ['applyVpc', 'applyResources', 'addStaticRoute'],
  'ovndb/ic': ['connectInterconnection', 'icStatus'],
  'ovndb/testing': ['startOvsdbServer', 'startRaftCluster'],
};

describe('the packed package', { timeout: 300_000 }, () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-pack-'));
    // prepack builds dist/ first.
    const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', dir], {
      cwd: root,
      maxBuffer: 64 << 20,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ];
    tarball = join(dir, packed.filename);
    files = packed.files.map((f) => f.path);
    const project = join(dir, 'app');
    await run('mkdir', ['-p', project]);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'app',
        private: true,
        type: 'module',
        dependencies: { ovndb: `file:${tarball}` },
      }),
    );
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: project,
      timeout: 240_000,
    });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('holds only dist/, src/, schemas/, README.md, LICENSE and package.json, and no test tooling', () => {
    const stray = files.filter(
      (f) =>
        !f.startsWith('dist/') &&
        !f.startsWith('src/') &&
        !f.startsWith('schemas/') &&
        !['README.md', 'LICENSE', 'package.json'].includes(f),
    );
    assert.deepEqual(stray, []);
    for (const f of [
      'dist/index.js',
      'dist/index.js.map',
      'dist/index.d.ts',
      'dist/index.d.ts.map',
      'dist/cli/ovndb.js',
      'src/index.ts',
      'schemas/ovn-nb.ovsschema',
    ]) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    // The conformance driver is test tooling (test/conformance/driver), whether built or not.
    const tooling = files.filter((f) => /^(dist|src)\/conformance\//.test(f) || f.startsWith('test/'));
    assert.deepEqual(tooling, []);
  });

  test('every source and declaration map points at files in the package', async () => {
    const packed = new Set(files);
    const maps = files.filter((f) => f.endsWith('.map'));
    // Maps are shipped with their TypeScript sources: one per emitted .js and .d.ts.
    const emitted = files.filter((f) => f.startsWith('dist/') && (f.endsWith('.js') || f.endsWith('.d.ts')));
    assert.deepEqual(
      emitted.filter((f) => !packed.has(`${f}.map`)),
      [],
      'every .js and .d.ts has its map',
    );
    const installed = join(dir, 'app/node_modules/ovndb');
    const missing: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(await readFile(join(installed, map), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      assert.ok(sources.length > 0, `${map} names no source`);
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot ?? '', source));
        if (!packed.has(path)) missing.push(`${map} -> ${path}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(maps.length > 2 * 100, `only ${maps.length} maps`);
  });

  test('no shipped declaration carries an @internal member', async () => {
    const installed = join(dir, 'app/node_modules/ovndb');
    const declarations = files.filter((f) => f.endsWith('.d.ts'));
    assert.ok(declarations.length > 100, `only ${declarations.length} declarations`);
    const leaking: string[] = [];
    for (const f of declarations) {
      if ((await readFile(join(installed, f), 'utf8')).includes('@internal')) leaking.push(f);
    }
    assert.deepEqual(leaking, []);
  });

  test('every subpath imports from plain JavaScript', async () => {
    const project = join(dir, 'app');
    const lines = Object.entries(SUBPATHS).map(
      ([spec, names], i) =>
        `import * as m${i} from '${spec}';\n` +
        `for (const n of ${JSON.stringify(names)}) if (m${i}[n] === undefined) throw new Error('${spec} lacks ' + n);`,
    );
    await writeFile(join(project, 'check.mjs'), `${lines.join('\n')}\nconsole.log('ok');\n`);
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: project });
    assert.equal(stdout.trim(), 'ok');
  });

  test('every subpath requires from CommonJS, and works there against a real ovsdb-server', async () => {
    const project = join(dir, 'app');
    // A .cjs file: CommonJS whatever the project's type. Node 20.19+ and 22.12+ require() an ES
    // module graph without top-level await, which is what every subpath must be.
    await writeFile(
      join(project, 'check.cjs'),
      [
        "'use strict';",
        "const { dirname, join } = require('node:path');",
        `const SUBPATHS = ${JSON.stringify(SUBPATHS)};`,
        'for (const [spec, names] of Object.entries(SUBPATHS)) {',
        '  const m = require(spec);',
        "  for (const n of names) if (m[n] === undefined) throw new Error(spec + ' lacks ' + n);",
        '}',
        "const { connect, Replica } = require('ovndb');",
        "const { model } = require('ovndb/nb');",
        "const { startOvsdbServer } = require('ovndb/testing');",
        "const schema = join(dirname(require.resolve('ovndb/package.json')), 'schemas/ovn-nb.ovsschema');",
        'async function main() {',
        '  const server = await startOvsdbServer({ schemas: [schema], tcp: false });',
        '  try {',
        '    const client = await connect(server.unix);',
        '    try {',
        '      const dbs = await client.listDbs();',
        '      const nb = await Replica.start(client, model, { tables: { Logical_Router: true } });',
        "      const routers = nb.list('Logical_Router').length;",
        '      await nb.close();',
        '      console.log(JSON.stringify({ dbs, routers }));',
        '    } finally {',
        '      await client.close();',
        '    }',
        '  } finally {',
        '    await server.stop();',
        '  }',
        '}',
        'main().catch((error) => {',
        '  console.error(error);',
        '  process.exitCode = 1;',
        '});',
        '',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['check.cjs'], { cwd: project, timeout: 60_000 });
    const result = JSON.parse(stdout) as { dbs: string[]; routers: number };
    assert.ok(result.dbs.includes('OVN_Northbound'), stdout);
    assert.equal(result.routers, 0);
  });

  test('every subpath type-checks from strict TypeScript (nodenext), as ESM and as CommonJS, declarations included', async () => {
    const project = join(dir, 'app');
    await writeFile(
      join(project, 'check.ts'),
      [
        "import { ChangeStream, connect, OvsdbClient, Replica, ServerDatabaseWatch, Transaction } from 'ovndb';",
        "import { model, type LogicalRouter } from 'ovndb/nb';",
        "import { model as sb } from 'ovndb/sb';",
        "import { model as icNb } from 'ovndb/ic-nb';",
        "import { model as icSb } from 'ovndb/ic-sb';",
        "import { applyVpc } from 'ovndb/ovn';",
        "import { icStatus } from 'ovndb/ic';",
        "import { startOvsdbServer } from 'ovndb/testing';",
        'export async function routers(client: OvsdbClient): Promise<string[]> {',
        '  const nb = await Replica.start(client, model, { tables: { Logical_Router: true } });',
        '  const rows: readonly LogicalRouter[] = nb.list("Logical_Router");',
        '  return rows.map((r) => r.name);',
        '}',
        'export const used = [connect, sb, icNb, icSb, applyVpc, icStatus, startOvsdbServer];',
        // Made by the library only: their constructors are internal. Stripped from the declarations,
        // they would leave a public no-argument constructor; the declarations say `private` instead.
        '// @ts-expect-error',
        'export const client = () => new OvsdbClient();',
        '// @ts-expect-error',
        'export const txn = () => new Transaction();',
        '// @ts-expect-error',
        'export const stream = () => new ChangeStream();',
        '// @ts-expect-error',
        'export const watch = () => new ServerDatabaseWatch();',
        '',
      ].join('\n'),
    );
    // CommonJS TypeScript: the imports compile to require(); TypeScript 5.8+ with nodenext allows
    // that of an ES module (README, "Installing in your project").
    await writeFile(
      join(project, 'check-cjs.cts'),
      [
        "import { connect, type OvsdbClient, Replica } from 'ovndb';",
        "import { model, type LogicalRouter } from 'ovndb/nb';",
        "import sb = require('ovndb/sb');",
        "import { model as icNb } from 'ovndb/ic-nb';",
        "import { model as icSb } from 'ovndb/ic-sb';",
        "import { applyVpc } from 'ovndb/ovn';",
        "import { icStatus } from 'ovndb/ic';",
        "import { startOvsdbServer } from 'ovndb/testing';",
        'export async function routers(remote: string): Promise<string[]> {',
        '  const client: OvsdbClient = await connect(remote);',
        '  const nb = await Replica.start(client, model, { tables: { Logical_Router: true } });',
        '  const rows: readonly LogicalRouter[] = nb.list("Logical_Router");',
        '  await client.close();',
        '  return rows.map((r) => r.name);',
        '}',
        'export const used = [sb.model, icNb, icSb, applyVpc, icStatus, startOvsdbServer];',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['check.ts', 'check-cjs.cts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    assert.ok(!('failed' in result), result.stdout);
  });

  test('the ovndb bin runs', async () => {
    const { stdout } = await run(join(dir, 'app/node_modules/.bin/ovndb'), ['--version']);
    assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  test("every documentation pointer in the installed bin's help resolves", async () => {
    const texts = await allHelp(join(dir, 'app/node_modules/.bin/ovndb'));
    assert.ok(texts.size > 10, `only ${texts.size} help texts: ${[...texts.keys()].join(', ')}`);
    const { homepage } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      homepage: string;
    };
    const { resolved, problems } = docPointers(texts, homepage, root);
    assert.deepEqual(problems, []);
    // The top-level help points at docs/cli.md: without a pointer this test would prove nothing.
    assert.ok(resolved.length > 0, 'no documentation pointer found in the help');
  });
});
