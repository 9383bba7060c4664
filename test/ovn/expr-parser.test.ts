/**
 * The match parser on its own: the tree it returns, where and why it refuses, the options, and
 * the field table's consistency. What OVN itself accepts is judged in expr-corpus.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OvndbError } from '../../src/errors.js';
import {
  checkMatch,
  InvalidMatchError,
  type MatchExpression,
  type MatchFieldLevel,
  matchField,
  matchFields,
  parseMatch,
} from '../../src/ovn/index.js';

/** The refusal of `text` (fails the test when it is accepted). */
function refusal(text: string, options = {}): InvalidMatchError {
  try {
    parseMatch(text, options);
  } catch (error) {
    assert.ok(error instanceof InvalidMatchError, `${text}: ${String(error)}`);
    return error;
  }
  assert.fail(`${JSON.stringify(text)} was accepted`);
}

/** A compact rendering of a tree, to compare shapes. */
function shape(e: MatchExpression): string {
  switch (e.kind) {
    case 'boolean':
      return String(e.value);
    case 'field':
      return e.field.field.name;
    case 'comparison':
      return `${e.field.field.name}${e.field.bits ? `[${e.field.bits.join('..')}]` : ''} ${e.operator} ${e.inSet ? '{' : ''}${e.values
        .map((v) =>
          v.kind === 'number' ? v.value.toString(16) : v.kind === 'string' ? JSON.stringify(v.value) : v.name,
        )
        .join(',')}${e.inSet ? '}' : ''}`;
    case 'not':
      return `!(${shape(e.operand)})`;
    case 'and':
    case 'or':
      return `${e.kind}(${e.operands.map(shape).join('; ')})`;
    case 'chassis-resident':
      return `resident(${e.port})`;
  }
}

describe('parseMatch: the tree', () => {
  test('&& and || chains, parentheses, ! and literals', () => {
    assert.equal(shape(parseMatch('ip4 && tcp && tcp.dst == 80')), 'and(ip4; tcp; tcp.dst == 50)');
    assert.equal(shape(parseMatch('(ip4 || ip6) && udp')), 'and(or(ip4; ip6); udp)');
    assert.equal(shape(parseMatch('!(ct.est && ct.rpl) || 0')), 'or(!(and(ct.est; ct.rpl)); false)');
    assert.equal(shape(parseMatch('1')), 'true');
    assert.equal(shape(parseMatch('is_chassis_resident("lsp1")')), 'resident(lsp1)');
  });

  test('a constant written first is turned around; a range is two comparisons', () => {
    assert.equal(shape(parseMatch('1024 < tcp.dst')), 'tcp.dst > 400');
    assert.equal(shape(parseMatch('1 <= tcp.dst < 100')), 'and(tcp.dst >= 1; tcp.dst < 64)');
    assert.equal(shape(parseMatch('100 > udp.src >= 10')), 'and(udp.src < 64; udp.src >= a)');
  });

  test('sets, subfields, masks and CIDRs', () => {
    assert.equal(shape(parseMatch('tcp.dst == {80 443,}')), 'tcp.dst == {50,1bb}');
    assert.equal(shape(parseMatch('reg0[0..3] == 0xf')), 'reg0[0..3] == f');
    const cidr = parseMatch('ip4.dst == 10.0.0.1/24');
    assert.ok(cidr.kind === 'comparison' && cidr.values[0]?.kind === 'number');
    // Host bits are cleared by the mask, as OVN's lexer clears them.
    assert.deepEqual(
      [cidr.values[0].format, cidr.values[0].value, cidr.values[0].mask],
      ['ipv4', 0x0a000000n, 0xffffff00n],
    );
    const hexMask = parseMatch('reg0 == 0/0xff00');
    assert.ok(hexMask.kind === 'comparison' && hexMask.values[0]?.kind === 'number');
    assert.equal(hexMask.values[0].format, 'hexadecimal');
    const v6 = parseMatch('ip6.src == fe80::/10');
    assert.ok(v6.kind === 'comparison' && v6.values[0]?.kind === 'number');
    assert.equal(v6.values[0].mask, 0x3ffn << 118n);
    const mac = parseMatch('eth.src == 0A:00:00:00:00:FF');
    assert.ok(mac.kind === 'comparison' && mac.values[0]?.kind === 'number');
    assert.equal(mac.values[0].value, 0x0a00000000ffn);
  });

  test('positions are offsets in the text; references and strings are kept', () => {
    const tree = parseMatch('  inport == "中文" && ip4.src == $as1');
    assert.ok(tree.kind === 'and');
    assert.deepEqual(
      tree.operands.map((o) => o.position),
      [2, 20],
    );
    assert.equal(shape(tree), 'and(inport == "中文"; ip4.src == as1)');
  });

  test('checkMatch returns the text unchanged', () => {
    const text = 'ip4.src==10.0.1.0/24 // a comment';
    assert.equal(checkMatch(text), text);
  });
});

describe('parseMatch: refusals', () => {
  test('the error: class, code, text, position, reason and message', () => {
    const error = refusal('ip4.src == ');
    assert.ok(error instanceof OvndbError);
    assert.deepEqual(
      [error.code, error.text, error.position, error.field],
      ['OVNDB_INVALID_MATCH', 'ip4.src == ', 11, undefined],
    );
    assert.match(error.message, /^match "ip4\.src == " at 11: expected a constant/);
    assert.deepEqual(error.details, { text: 'ip4.src == ', position: 11, reason: error.reason });
  });

  // [text, position, field]: each kind of refusal, at the token it is about.
  const cases: Array<[string, number, string?]> = [
    // lexer
    ['ip4 & tcp', 4],
    ['ip4 | tcp', 4],
    ['ip4 / tcp', 4],
    ['ip4 .src', 4],
    ['ip4 # x', 4],
    ['ip4 /* open', 4],
    ['ip4 /* a\n*/', 4],
    ['inport == "open', 10],
    ['inport == "\\q"', 10],
    ['inport == "\\u0000"', 10],
    ['inport == "\\ud800"', 10],
    ['tcp.dst == 080', 11],
    ['xxreg0 == 18446744073709551616', 10],
    ['reg0 == 0x', 8],
    ['reg0 == 0x1g', 8],
    ['ip4.src == 10.0.0.256', 11],
    ['ip6.src == 1::2::3', 11],
    ['ip4.src == 10.0.0.0/33', 11],
    ['eth.src == 00:00:00:00:00:01/8', 11],
    ['ip4.src == $', 11],
    ['ip4 &&\u00a0tcp', 6],
    // grammar
    ['', 0],
    ['ip4 &&', 6],
    ['ip4 && tcp || udp', 11],
    ['ip4 || tcp && udp', 11],
    ['!tcp.dst == 80', 0],
    ['!!ct.new', 1],
    ['(ip4', 4],
    ['ip4)', 3],
    [`${'('.repeat(101)}ip4${')'.repeat(101)}`, 100],
    ['foo("x")', 0],
    ['is_chassis_resident(x)', 20],
    ['1 < tcp.dst > 2', 0],
    ['tcp.dst = 80', 8],
    ['tcp.dst == {}', 12],
    ['tcp.dst == {80, "a"}', 16],
    ['ip4 tcp', 4],
    ['ip4.src == ^vip', 9],
    // fields and comparisons
    ['ip4.sorce == 1.2.3.4', 0, 'ip4.sorce'],
    ['reg0[32] == 1', 0, 'reg0'],
    ['reg0[3..1] == 1', 0, 'reg0'],
    ['reg0[0x1] == 1', 5],
    ['inport[0] == 1', 0, 'inport'],
    ['eth.type[0..7] == 1', 0, 'eth.type'],
    ['inport', 6],
    ['reg0', 0, 'reg0'],
    ['inport == 1', 10, 'inport'],
    ['ip4.src == "a"', 11, 'ip4.src'],
    ['ip.ttl == 256', 10, 'ip.ttl'],
    ['ip4.src == fd00::1', 11, 'ip4.src'],
    ['tcp.dst < {1, 2}', 10, 'tcp.dst'],
    ['ip.proto < 6', 0, 'ip.proto'],
    ['eth.bcast > 0', 0, 'eth.bcast'],
    ['ip4.src < 10.0.0.0/8', 10, 'ip4.src'],
    ['!ip4', 1, 'ip4'],
    ['tcp == 0', 7, 'tcp'],
    ['ip.proto != 6', 0, 'ip.proto'],
    ['!(inport == "a")', 2, 'inport'],
  ];
  for (const [text, position, field] of cases) {
    test(`${JSON.stringify(text)} at ${position}`, () => {
      const error = refusal(text);
      assert.deepEqual([error.position, error.field], [position, field]);
      assert.ok(error.reason.length > 10);
    });
  }

  test('the same operators and fields, allowed where OVN allows them', () => {
    for (const text of [
      '!reg0',
      '!ip.proto',
      '!(ip.proto != 6)',
      '!(inport != "a")',
      'ct.new < 1',
      '!eth.bcast',
      'reg0[0..15] == 0x1ffff',
      'ip6.src == 10.0.0.1',
      'ip4.src == 10.0.0.0/4294967304',
      'tcp.dst == {80 443}',
      'ip4 // to the end\n&& tcp /* on one line */',
    ])
      assert.doesNotThrow(() => parseMatch(text), text);
  });
});

describe('parseMatch: options', () => {
  const addressSets = new Map<string, readonly string[] | undefined>([
    ['v4', ['10.0.0.1', '10.0.0.2']],
    ['v6', ['fd00::1']],
    ['ports', ['443', '80']],
    ['cidrs', ['10.0.0.5', '10.0.0.0/24']],
    ['none', []],
    ['pg_ip4', undefined],
    ['one', ['1']],
  ]);

  test('address sets: named ones only, their addresses checked like constants', () => {
    assert.doesNotThrow(() => parseMatch('ip4.src == $v4 && ip6.dst == {$v6, $v4}', { addressSets }));
    assert.equal(refusal('ip4.src == $v5', { addressSets }).position, 11);
    assert.equal(refusal('ip4.src == $v6', { addressSets }).field, 'ip4.src');
    // Unresolved without the option: any name, nothing checked.
    assert.doesNotThrow(() => parseMatch('ip4.src == $v5 && ip4.src == $v6'));
    // Or the listed ones checked, the others taken as sets to come.
    const toCome = { addressSets, unlistedAddressSets: 'unknown' } as const;
    assert.doesNotThrow(() => parseMatch('ip4.src == $v5', toCome));
    assert.equal(refusal('ip4.src == $v6', toCome).field, 'ip4.src');
    // Relational operators: OVN looks at the set's first value in its own order (masked first).
    assert.doesNotThrow(() => parseMatch('tcp.dst > $ports', { addressSets }));
    assert.equal(refusal('ip4.src > $cidrs', { addressSets }).position, 10);
    assert.equal(refusal('tcp.dst > $none', { addressSets }).position, 10);
    // Unknown addresses (a port group's set, filled by northd): the checks needing them are skipped.
    assert.doesNotThrow(() => parseMatch('ip4.src > $pg_ip4 && ip6.src == $pg_ip4', { addressSets }));
    // A set holding one decimal 0 or 1 on its own is a literal to OVN.
    assert.equal(shape(parseMatch('$one', { addressSets })), 'true');
    // An empty set leaves a set's type open.
    assert.doesNotThrow(() => parseMatch('inport == {$none, "a"}', { addressSets }));
    assert.equal(refusal('inport == {"a", $none}', { addressSets }).position, 16);
  });

  test('port groups: only those of the pipeline', () => {
    assert.doesNotThrow(() => parseMatch('outport == @pg1', { portGroups: new Set(['pg1']) }));
    assert.equal(refusal('outport == @pg1', { portGroups: new Set() }).position, 11);
    assert.doesNotThrow(() => parseMatch('outport == @pg1'));
    assert.equal(refusal('ip4.src == @pg1').field, 'ip4.src');
  });

  test('templates expand to their value, or to their own name', () => {
    const templates = new Map([['vip', '10.0.0.10']]);
    assert.equal(shape(parseMatch('ip4.dst == ^vip', { templates })), 'ip4.dst == a00000a');
    assert.equal(shape(parseMatch('^tcp && ip4')), 'and(tcp; ip4)');
    const error = refusal('ip4.dst == ^vip && tcp');
    assert.deepEqual([error.text, error.position], ['ip4.dst==vip&&tcp', 9]);
    // What the lexer cannot read is reported where it was written, before any expansion.
    assert.deepEqual(
      [refusal('^tcp && ip4 & udp').position, refusal('^tcp && ip4 & udp').text],
      [12, '^tcp && ip4 & udp'],
    );
  });

  test('a non-string is refused', () => {
    assert.equal(refusal(42 as unknown as string).position, 0);
  });
});

describe('the field table', () => {
  test('widths and levels of a few fields', () => {
    const pick = (name: string) => {
      const f = matchField(name);
      return f && [f.kind, f.width, f.level, f.prerequisite];
    };
    assert.deepEqual(pick('inport'), ['string', 0, 'nominal', undefined]);
    assert.deepEqual(pick('reg9'), ['integer', 32, 'ordinal', undefined]);
    assert.deepEqual(pick('ip4.src'), ['integer', 32, 'ordinal', 'ip4']);
    assert.deepEqual(pick('ip.ttl'), ['integer', 8, 'nominal', 'ip']);
    assert.deepEqual(pick('ct.est'), ['integer', 1, 'ordinal', 'ct.trk']);
    assert.deepEqual(pick('tcp'), ['predicate', 1, 'nominal', undefined]);
    assert.equal(matchField('reg10'), undefined);
  });

  test('every subfield is the bits its definition names, of an ordinal parent', () => {
    for (const field of matchFields()) {
      if (field.kind !== 'integer' || field.definition === undefined) continue;
      const tree = parseMatch(`${field.definition} == 0`);
      assert.ok(tree.kind === 'comparison' && tree.field.bits !== undefined, field.name);
      const [low, high] = tree.field.bits;
      assert.equal(high - low + 1, field.width, field.name);
      assert.equal(tree.field.field.level, 'ordinal', field.name);
      assert.equal(field.level, 'ordinal', field.name);
    }
  });

  test("every predicate's level is the lowest of the fields its expression tests", () => {
    const rank: Record<MatchFieldLevel, number> = { nominal: 0, boolean: 1, ordinal: 2 };
    const levelOf = (e: MatchExpression): MatchFieldLevel => {
      switch (e.kind) {
        case 'field':
        case 'comparison':
          return e.field.field.level === 'nominal' ? 'nominal' : 'boolean';
        case 'not':
          return levelOf(e.operand);
        case 'and':
        case 'or':
          return e.operands.map(levelOf).reduce((a, b) => (rank[a] <= rank[b] ? a : b), 'ordinal');
        default:
          return 'boolean';
      }
    };
    const predicates = matchFields().filter((field) => field.kind === 'predicate');
    assert.ok(predicates.length > 30);
    for (const field of predicates)
      assert.equal(levelOf(parseMatch(field.definition as string)), field.level, field.name);
  });

  test('every prerequisite is itself a valid match', () => {
    for (const field of matchFields())
      if (field.prerequisite !== undefined)
        assert.doesNotThrow(() => parseMatch(field.prerequisite as string), field.name);
  });
});
