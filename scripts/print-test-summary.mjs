#!/usr/bin/env node
// Prints the test counts that scripts/run-tests.mjs kept, as the last line of `npm test`
// (after the coverage report), in the plain "N passed, N failed, N skipped" form.
import { readFileSync } from 'node:fs';

process.stdout.write(`tests: ${readFileSync('coverage/test-summary.txt', 'utf8')}`);
