import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type EmitOptions, emitDatabase, type GeneratedFile } from './emit.js';
import { buildDatabaseIr } from './ir.js';
import { compareNames } from './names.js';

/** One database to generate: its schema JSON and the folder its files go to. */
export interface DatabaseSource extends EmitOptions {
  /** The parsed schema JSON. */
  readonly schemaJson: unknown;
  /** Folder under the output root, `/`-separated; `''` for the root itself. */
  readonly folder: string;
}

/** A generation run: an output root and the databases rendered into it. */
export interface GenerateJob {
  /** Output root directory. */
  readonly outDir: string;
  /** Databases to render. */
  readonly databases: ReadonlyArray<DatabaseSource>;
  /**
   * True when the root holds nothing but generated files, so files there that the run
   * does not produce are stale: `check` reports them and `write` deletes them. False for
   * a user's folder, where only the rendered paths are compared and nothing is deleted.
   */
  readonly ownsOutDir: boolean;
}

/** What a `write` or `check` run found. Paths are relative to the output root. */
export interface GenerateReport {
  /** Which mode ran. */
  readonly mode: 'write' | 'check';
  /** Every rendered file, sorted. */
  readonly files: ReadonlyArray<string>;
  /** Files whose contents on disk differ from the rendering (rewritten in `write` mode). */
  readonly changed: ReadonlyArray<string>;
  /** Rendered files absent on disk (created in `write` mode). */
  readonly missing: ReadonlyArray<string>;
  /** Files on disk the run does not produce (deleted in `write` mode). */
  readonly extra: ReadonlyArray<string>;
  /** True when disk matched (check) or now matches (write) the rendering. */
  readonly upToDate: boolean;
}

/**
 * Renders every file of a job in memory. Both modes of {@link generate} and the
 * up-to-date test call this, so what is checked is exactly what would be written.
 * Throws `SchemaError` for an invalid schema, `CodegenError` for a name collision.
 */
export function renderJob(job: GenerateJob): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const db of job.databases) {
    const ir = buildDatabaseIr(db.schemaJson);
    for (const file of emitDatabase(ir, db)) {
      files.push({ path: db.folder === '' ? file.path : `${db.folder}/${file.path}`, text: file.text });
    }
  }
  return files.sort((a, b) => compareNames(a.path, b.path));
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, prefix), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(root, path)));
    else found.push(path);
  }
  return found;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Renders a job and compares it with the output root. `check` only reports; `write`
 * also brings the disk in line (writes changed and missing files, deletes extra ones
 * when the job owns the root). Both modes render through {@link renderJob}.
 */
export async function generate(job: GenerateJob, mode: 'write' | 'check'): Promise<GenerateReport> {
  const files = renderJob(job);
  const changed: string[] = [];
  const missing: string[] = [];
  for (const file of files) {
    const onDisk = await readIfExists(join(job.outDir, file.path));
    if (onDisk === undefined) missing.push(file.path);
    else if (onDisk !== file.text) changed.push(file.path);
  }
  const rendered = new Set(files.map((f) => f.path));
  const extra = job.ownsOutDir
    ? (await listFiles(job.outDir)).filter((p) => !rendered.has(p)).sort(compareNames)
    : [];
  if (mode === 'write') {
    const stale = new Set([...changed, ...missing]);
    for (const file of files) {
      if (!stale.has(file.path)) continue;
      const target = join(job.outDir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.text);
    }
    for (const path of extra) await rm(join(job.outDir, path));
  }
  const differs = changed.length + missing.length + extra.length > 0;
  return {
    mode,
    files: files.map((f) => f.path),
    changed,
    missing,
    extra,
    upToDate: mode === 'write' || !differs,
  };
}
