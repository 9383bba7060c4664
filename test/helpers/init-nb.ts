/** Gives an NB server its NB_Global row, as `ovn-nbctl` does on first use (so both sides of a differential test have one). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunningServer } from '../../src/testing/index.js';

const run = promisify(execFile);

export async function initNb(server: RunningServer): Promise<void> {
  await run('ovn-nbctl', [`--db=${server.unix}`, 'init']);
}
