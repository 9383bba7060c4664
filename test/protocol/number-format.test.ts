import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { atomToText } from '../../src/protocol/atom-text.js';
import { formatG15 } from '../../src/protocol/number-format.js';
import { codePointLength, compareCodePoints } from '../../src/protocol/string-order.js';
import { parseJson, printJson } from '../conformance/driver/data-json.js';

describe('OVS number and string formatting', { timeout: 20000 }, () => {
  test('%.15g', () => {
    assert.equal(formatG15(5), '5');
    assert.equal(formatG15(-1.5), '-1.5');
    assert.equal(formatG15(1e37), '1e+37');
    assert.equal(formatG15(0.1 + 0.2), '0.3');
    assert.equal(formatG15(1.2345678901234568e17), '1.23456789012346e+17');
    assert.equal(formatG15(0.0001), '0.0001');
    assert.equal(formatG15(0.00001), '1e-05');
  });

  test('atoms in text notation', () => {
    assert.equal(atomToText('string', 'abc'), 'abc');
    assert.equal(atomToText('string', ''), '""');
    assert.equal(atomToText('string', 'true'), '"true"');
    assert.equal(atomToText('string', 'a1'), '"a1"');
    assert.equal(atomToText('real', 2), '2');
  });

  test('code points', () => {
    assert.equal(codePointLength('a\u{1F600}'), 2);
    assert.equal(codePointLength('\udc00'), -1);
    assert.ok(compareCodePoints('\uFFFD', '\u{1F600}') < 0);
  });

  test('driver JSON keeps 64-bit integers and prints like Python', () => {
    assert.equal(parseJson('9223372036854775807'), 9223372036854775807n);
    assert.equal(Object.is(parseJson('-0.0'), 0), true);
    assert.equal(
      printJson(parseJson('[-9223372036854775808, 1e3, 1e37, 2.5, 1e-7]')),
      '[-9223372036854775808,1000,1e+37,2.5,1e-07]',
    );
    assert.equal(printJson({ b: 1, a: '\u00e9\n' }), '{"a":"\\u00e9\\n","b":1}');
    assert.throws(() => parseJson('[1,'));
  });
});
