import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseSource, GenerateJob } from './generate.js';

/** The databases this repository generates: schema file under `schemas/` and folder under `src/generated/`. */
export const BUILTIN_DATABASES: ReadonlyArray<{ readonly schema: string; readonly folder: string }> = [
  { schema: 'ovn-ic-nb.ovsschema', folder: 'ic-nb' },
  { schema: 'ovn-ic-sb.ovsschema', folder: 'ic-sb' },
  { schema: 'ovn-nb.ovsschema', folder: 'nb' },
  { schema: 'ovn-sb.ovsschema', folder: 'sb' },
  { schema: '_server.ovsschema', folder: 'server' },
];

/** The repository root: two levels above this file, from `src/codegen/` and `dist/codegen/` alike. */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The job that regenerates `src/generated/` from `schemas/` (what `npm run gen` runs).
 * `root` defaults to this repository.
 */
export async function builtinJob(root: string = REPO_ROOT): Promise<GenerateJob> {
  const databases: DatabaseSource[] = [];
  for (const { schema, folder } of BUILTIN_DATABASES) {
    const text = await readFile(join(root, 'schemas', schema), 'utf8');
    databases.push({
      schemaJson: JSON.parse(text),
      folder,
      source: `schemas/${schema}`,
      command: 'npm run gen',
      modelImport: '../../model/index.js',
    });
  }
  return { outDir: join(root, 'src', 'generated'), databases, ownsOutDir: true };
}
