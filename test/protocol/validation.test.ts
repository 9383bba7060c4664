import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { op } from '../../src/protocol/operations.js';
import { parseDatabaseSchema } from '../../src/protocol/schema.js';
import { fromServerRows, InvalidOperationError, validateOperations } from '../../src/protocol/validation.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import { ovnSchemaPath } from '../../src/testing/index.js';

const nb = parseDatabaseSchema(JSON.parse(readFileSync(ovnSchemaPath('nb'), 'utf8')));
const U = '2b0d8f6e-7c5a-4a3e-9a57-0d1c2b3a4f50';

function refused(ops: Parameters<typeof validateOperations>[1], reason: string, column?: string): void {
  assert.throws(
    () => validateOperations(nb, ops),
    (e: unknown) =>
      e instanceof InvalidOperationError &&
      e.reason === reason &&
      (column === undefined || e.column === column),
  );
}

function badValue(ops: Parameters<typeof validateOperations>[1], column: string, value: unknown): void {
  assert.throws(
    () => validateOperations(nb, ops),
    (e: unknown) =>
      e instanceof InvalidValueError &&
      e.column === column &&
      JSON.stringify(e.value) === JSON.stringify(value),
  );
}

describe('validateOperations against the OVN Northbound schema', () => {
  test('accepts every kind of valid operation', () => {
    validateOperations(nb, [
      op.insert('Logical_Switch', { name: 'ls', ports: ['set', [['named-uuid', 'p']]] }, { uuidName: 'ls' }),
      op.insert(
        'Logical_Switch_Port',
        { name: 'p', addresses: ['set', ['00:00:00:00:00:01 10.0.0.2']] },
        { uuidName: 'p' },
      ),
      op.update('Logical_Switch', [['name', '==', 'ls']], {
        other_config: ['map', [['subnet', '10.0.0.0/24']]],
      }),
      op.mutate(
        'Logical_Switch',
        [['_uuid', '==', ['uuid', U]]],
        [['external_ids', 'delete', ['set', ['a', 'b']]]],
      ),
      op.mutate('Logical_Switch', [['ports', 'includes', ['set', []]]], [['ports', 'insert', ['set', []]]]),
      op.mutate('Logical_Router_Policy', [['priority', '>=', 10]], [['priority', '+=', 1]]),
      op.select('Logical_Switch', [], ['name', '_uuid']),
      op.delete('Logical_Switch', [['name', '!=', 'x']]),
      op.wait('Logical_Switch', [], ['name'], '==', [{ name: 'ls' }], { timeout: 0 }),
      op.comment('ok'),
      op.assert('lock_1'),
      op.commit(false),
    ]);
  });

  test('unknown table and column', () => {
    refused([op.insert('Nope', {})], 'unknown-table');
    refused([op.select('Logical_Switch', [], ['nope'])], 'unknown-column', 'nope');
    refused([op.wait('Logical_Switch', [], ['nope'], '==', [])], 'unknown-column', 'nope');
  });

  test('columns the server sets, and immutable columns', () => {
    refused([op.insert('Logical_Switch', { _uuid: ['uuid', U] })], 'read-only-column', '_uuid');
    refused(
      [op.mutate('Logical_Switch', [], [['_version', 'insert', ['set', []]]])],
      'immutable-column',
      '_version',
    );
  });

  test('conditions: shape, function, ordering on non-numbers, values', () => {
    refused([op.select('Logical_Switch', 'x' as never)], 'bad-condition');
    refused([op.select('Logical_Switch', [['name'] as never])], 'bad-condition');
    refused([op.select('Logical_Switch', [['name', '~=' as never, 'x']])], 'bad-condition', 'name');
    refused([op.select('Logical_Switch', [['name', '<', 'x']])], 'bad-condition', 'name');
    badValue([op.select('Logical_Switch', [['name', '==', 3]])], 'name', 3);
  });

  test('mutations: shape, mutators that do not fit, operands', () => {
    refused([op.mutate('Logical_Switch', [], ['x' as never])], 'bad-mutation');
    refused([op.mutate('Logical_Switch', [], [['name', '+=', 1]])], 'bad-mutation', 'name');
    refused(
      [op.mutate('Logical_Router_Policy', [], [['priority', 'insert', 1]])],
      'bad-mutation',
      'priority',
    );
    refused([op.mutate('Logical_Switch', [], [['name', 'append' as never, 'x']])], 'bad-mutation', 'name');
    badValue([op.mutate('Logical_Router_Policy', [], [['priority', '+=', 'one']])], 'priority', 'one');
    // The error names the offending element.
    badValue(
      [op.mutate('Logical_Switch', [], [['external_ids', 'delete', ['set', [1]]]])],
      'external_ids',
      1,
    );
  });

  test('values: enums, ranges, references by uuid-name', () => {
    badValue(
      [op.insert('Logical_Router_Policy', { priority: 40000, match: 'ip4', action: 'allow' })],
      'priority',
      40000,
    );
    badValue(
      [op.insert('Logical_Router_Policy', { priority: 1, match: 'ip4', action: 'bounce' })],
      'action',
      'bounce',
    );
    badValue([op.insert('Logical_Switch', { ports: ['named-uuid', 'bad-name'] })], 'ports', [
      'named-uuid',
      'bad-name',
    ]);
  });
});

describe('operations made from server rows', () => {
  // A verify wait of a row read from a replica: its UUID and values are the server's own.
  const wait = () => ({
    op: 'wait' as const,
    table: 'Logical_Switch',
    where: [['_uuid', '==', ['uuid', U]]],
    columns: ['name'],
    until: '==' as const,
    // Not a string: what the check would refuse, were the value the caller's.
    rows: [{ name: 7 }],
    timeout: 0,
  });

  test('are passed over by the schema check; the same operation made elsewhere is checked', () => {
    validateOperations(nb, [fromServerRows(wait() as never)]);
    assert.throws(() => validateOperations(nb, [wait() as never]), InvalidValueError);
  });
});
