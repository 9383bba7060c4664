/**
 * The package as users get it: `npm pack` holds only dist/, schemas/, README, LICENSE and
 * package.json; installed into a fresh project, every subpath imports from plain JavaScript
 * and type-checks from strict TypeScript (library declarations checked too), and the `ovndb`
 * bin runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
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

  test('holds only dist/, schemas/, README.md, LICENSE and package.json, declarations included', () => {
    const stray = files.filter(
      (f) =>
        !f.startsWith('dist/') &&
        !f.startsWith('schemas/') &&
        !['README.md', 'LICENSE', 'package.json'].includes(f),
    );
    assert.deepEqual(stray, []);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/ovndb.js', 'schemas/ovn-nb.ovsschema']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')));
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

  test('every subpath type-checks from strict TypeScript (nodenext), declarations included', async () => {
    const project = join(dir, 'app');
    await writeFile(
      join(project, 'check.ts'),
      [
        "import { connect, type OvsdbClient, Replica } from 'ovndb';",
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
        files: ['check.ts'],
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
});
