/**
 * docs/errors.md lists every error code the library can throw and every public error class:
 * a new error without its line in the catalogue fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the error catalogue', () => {
  const catalogue = readFileSync('docs/errors.md', 'utf8');
  const texts = sources('src').map((path) => readFileSync(path, 'utf8'));

  test('every OVNDB_ code thrown in src/ is in docs/errors.md', () => {
    const codes = new Set(
      texts.flatMap((text) => [...text.matchAll(/'(OVNDB_[A-Z0-9_]+)'/g)].map((m) => m[1] as string)),
    );
    assert.ok(codes.size > 50, 'the scan finds the codes');
    assert.deepEqual([...codes].filter((code) => !catalogue.includes(`\`${code}\``)).sort(), []);
  });

  test('every error class extending OvndbError is in docs/errors.md', () => {
    const classes = new Set(
      texts.flatMap((text) =>
        [...text.matchAll(/export class (\w+Error) extends (\w+)/g)]
          .filter((m) => m[2] !== 'Error')
          .map((m) => m[1] as string),
      ),
    );
    assert.deepEqual([...classes].filter((name) => !catalogue.includes(`\`${name}\``)).sort(), []);
  });
});
