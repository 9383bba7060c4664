/**
 * The grammar of OVN match expressions, as OVN's own parser reads it:
 *
 *     expr    := operand (('&&' operand)* | ('||' operand)*)   -- no mixing without parentheses
 *     operand := '!' primary | primary                           -- `!` needs an atomic primary
 *     primary := '(' expr ')' | 'is_chassis_resident' '(' string ')'
 *              | field [relop constants] | constants relop field [relop constants] | '0' | '1'
 *     field   := name ['[' int ['..' int] ']']
 *     constants := constant | '{' constant [','] ... '}'
 *
 * Atomic primaries (which `!` may apply to) are parenthesized expressions, function calls,
 * bare fields and the literals 0 and 1; a comparison is not (`!tcp.dst == 80` is refused).
 */
import type { MatchConstant, MatchExpression, MatchFieldRef } from './ast.js';
import { type ConstantSet, comparisonProblem, type SetValue } from './comparison-rules.js';
import { matchField } from './fields.js';
import { InvalidMatchError } from './match-error.js';
import { addressSetContents, type MatchOptions } from './match-options.js';
import { describeToken, isRelational, type RelationalOperator, type Token } from './tokens.js';

/** OVN refuses deeper nesting of parentheses. */
const MAX_PAREN_DEPTH = 100;

const TURNED: Readonly<Record<RelationalOperator, RelationalOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

interface Parsed {
  readonly expression: MatchExpression;
  /** Whether `!` may apply to it. */
  readonly atomic: boolean;
}

/** A constant set being read: its type is fixed by the first value it holds. */
interface SetInProgress {
  type: 'integer' | 'string' | undefined;
  readonly values: SetValue[];
  /** It holds a value whose type is known (not only unknown or empty sets). */
  typed: boolean;
}

/** A constant set once read, with the syntax-tree constants it came from. */
interface ReadSet extends ConstantSet {
  readonly constants: readonly MatchConstant[];
}

/** Parses `tokens` (of `text`) into a syntax tree, or throws {@link InvalidMatchError}. */
export function parseTokens(text: string, tokens: readonly Token[], options: MatchOptions): MatchExpression {
  return new Parser(text, tokens, options).parseAll();
}

class Parser {
  private index = 0;
  /** Inside an odd number of `!`: nominal fields are then tested with `!=`. */
  private negated = false;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly options: MatchOptions,
  ) {}

  parseAll(): MatchExpression {
    const { expression } = this.parseExpression();
    if (this.peek().kind !== 'end') this.fail(this.peek(), 'expected && or || or the end of the expression');
    return expression;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** Throws the refusal at `token`; a token the lexer could not read is reported as such. */
  private fail(token: Token | number, reason: string, field?: string): never {
    if (typeof token !== 'number' && token.kind === 'error')
      throw new InvalidMatchError(this.text, token.start, token.message);
    const position = typeof token === 'number' ? token : token.start;
    throw new InvalidMatchError(this.text, position, reason, field);
  }

  private expected(what: string): never {
    const token = this.peek();
    return this.fail(token, `expected ${what}, found ${describeToken(this.text, token)}`);
  }

  private parseExpression(): Parsed {
    const first = this.parseOperand();
    const operator = this.peek().kind;
    if (operator !== '&&' && operator !== '||') return first;
    const position = first.expression.position;
    const operands = [first.expression];
    while (this.peek().kind === operator) {
      this.take();
      operands.push(this.parseOperand().expression);
    }
    const other = this.peek();
    if (other.kind === '&&' || other.kind === '||')
      this.fail(other, '&& and || must be parenthesized when used together');
    return { expression: { kind: operator === '&&' ? 'and' : 'or', operands, position }, atomic: false };
  }

  private parseOperand(): Parsed {
    if (this.peek().kind !== '!') return this.parsePrimary();
    const bang = this.take();
    this.negated = !this.negated;
    const operand = this.parsePrimary();
    this.negated = !this.negated;
    if (!operand.atomic) this.fail(bang, 'the operand of ! needs parentheses: write !(a == b), not !a == b');
    return { expression: { kind: 'not', operand: operand.expression, position: bang.start }, atomic: true };
  }

  private parsePrimary(): Parsed {
    const token = this.peek();
    if (token.kind === '(') {
      if (this.depth >= MAX_PAREN_DEPTH)
        this.fail(token, `parentheses are nested more than ${MAX_PAREN_DEPTH} deep`);
      this.take();
      this.depth++;
      const inner = this.parseExpression();
      this.depth--;
      this.expect(')');
      return { expression: inner.expression, atomic: true };
    }
    if (token.kind === 'template') this.fail(token, `template ^${token.name} was not expanded`);
    if (token.kind === 'id') {
      if (this.peek(1).kind === '(') return { expression: this.parseCall(), atomic: true };
      return this.parseFieldFirst();
    }
    return this.parseConstantFirst();
  }

  private expect(kind: ')' | ']'): void {
    if (this.peek().kind !== kind) this.expected(`\`${kind}\``);
    this.take();
  }

  private parseCall(): MatchExpression {
    const name = this.take() as Token & { kind: 'id' };
    if (name.name !== 'is_chassis_resident')
      this.fail(name, `unknown function ${name.name} (the only function is is_chassis_resident)`);
    this.take();
    const port = this.peek();
    if (port.kind !== 'string') return this.expected('a quoted port name');
    this.take();
    this.expect(')');
    return { kind: 'chassis-resident', port: port.value, position: name.start };
  }

  private parseFieldFirst(): Parsed {
    const ref = this.parseField();
    const next = this.peek();
    if (isRelational(next)) {
      this.take();
      const set = this.parseConstantSet();
      return { expression: this.comparison(ref, next.kind, set), atomic: false };
    }
    // A field on its own tests it against 0 (a predicate: that it holds).
    const bits = ref.bits === undefined ? ref.field.width : ref.bits[1] - ref.bits[0] + 1;
    if (bits === 0 || next.kind === '=')
      this.expected(`a relational operator (==, !=, <, <=, >, >=) after ${ref.field.name}`);
    if (bits > 1 && !this.negated)
      this.fail(
        ref.position,
        `${ref.field.name} is ${bits} bits wide: write ${ref.field.name} != 0 to test it against 0`,
        ref.field.name,
      );
    const zero: ConstantSet = {
      type: 'integer',
      values: [{ kind: 'number', number: { format: 'hexadecimal', value: 0n }, position: ref.position }],
      inSet: false,
      position: ref.position,
    };
    this.check(ref, '!=', zero);
    return { expression: { kind: 'field', field: ref, position: ref.position }, atomic: true };
  }

  private parseConstantFirst(): Parsed {
    const first = this.parseConstantSet();
    const only = first.values[0];
    if (
      !isRelational(this.peek()) &&
      first.values.length === 1 &&
      !first.inSet &&
      only?.kind === 'number' &&
      only.number.format === 'decimal' &&
      only.number.mask === undefined &&
      only.number.value <= 1n
    )
      return {
        expression: { kind: 'boolean', value: only.number.value === 1n, position: first.position },
        atomic: true,
      };
    const left = this.relationalOperator();
    const ref = this.parseField();
    if (!isRelational(this.peek()))
      return { expression: this.comparison(ref, TURNED[left], first), atomic: false };
    const right = this.relationalOperator();
    const second = this.parseConstantSet();
    const ascending = (op: RelationalOperator): boolean => op === '<' || op === '<=';
    const descending = (op: RelationalOperator): boolean => op === '>' || op === '>=';
    if (!((ascending(left) && ascending(right)) || (descending(left) && descending(right))))
      this.fail(
        first.position,
        'a range is written a < field < b or a > field > b (each < may be <=, each > may be >=)',
      );
    const low = this.comparison(ref, TURNED[left], first);
    const high = this.comparison(ref, right, second);
    return { expression: { kind: 'and', operands: [low, high], position: first.position }, atomic: false };
  }

  private relationalOperator(): RelationalOperator {
    const token = this.peek();
    if (!isRelational(token)) return this.expected('a relational operator (==, !=, <, <=, >, >=)');
    this.take();
    return token.kind;
  }

  private comparison(ref: MatchFieldRef, operator: RelationalOperator, set: ReadSet): MatchExpression {
    this.check(ref, operator, set);
    return {
      kind: 'comparison',
      field: ref,
      operator,
      values: set.constants,
      inSet: set.inSet,
      position: ref.position,
    };
  }

  private check(ref: MatchFieldRef, operator: RelationalOperator, set: ConstantSet): void {
    const problem = comparisonProblem(ref, operator, set, this.negated);
    if (problem !== undefined) this.fail(problem.position, problem.reason, problem.field);
  }

  private parseField(): MatchFieldRef {
    const token = this.peek();
    if (token.kind !== 'id') return this.expected('a field name');
    const field = matchField(token.name);
    if (field === undefined) return this.fail(token, `unknown field ${token.name}`, token.name);
    this.take();
    if (this.peek().kind !== '[') return { field, position: token.start };
    this.take();
    if (field.kind === 'string')
      this.fail(token, `string field ${field.name} has no bits to select`, field.name);
    const low = this.smallInteger();
    let high = low;
    if (this.peek().kind === '..') {
      this.take();
      high = this.smallInteger();
    }
    this.expect(']');
    if (low > high)
      this.fail(token, `bits ${low}..${high} of ${field.name}: the range is reversed`, field.name);
    if (high >= field.width)
      this.fail(
        token,
        `bits ${low}..${high} are outside the ${field.width}-bit field ${field.name}`,
        field.name,
      );
    if (field.level === 'nominal' && (low !== 0 || high !== field.width - 1))
      this.fail(token, `nominal field ${field.name} has no subfields (only all its bits)`, field.name);
    return { field, bits: [low, high], position: token.start };
  }

  /** A bit index: a decimal integer that fits a C int. */
  private smallInteger(): number {
    const token = this.peek();
    if (
      token.kind !== 'number' ||
      token.number.format !== 'decimal' ||
      token.number.mask !== undefined ||
      token.number.value > 2147483647n
    )
      return this.expected('a bit number');
    this.take();
    return Number(token.number.value);
  }

  private parseConstantSet(): ReadSet {
    const open = this.peek();
    const set: SetInProgress = { type: undefined, values: [], typed: false };
    const constants: MatchConstant[] = [];
    if (open.kind !== '{') {
      constants.push(this.parseConstant(set));
      return {
        type: set.type ?? 'integer',
        values: set.values,
        constants,
        inSet: false,
        position: open.start,
      };
    }
    this.take();
    // Commas are optional, and one may follow the last value: `{80 443}` and `{80, 443,}`.
    for (;;) {
      constants.push(this.parseConstant(set));
      if (this.peek().kind === ',') this.take();
      if (this.peek().kind === '}') break;
    }
    this.take();
    return { type: set.type ?? 'integer', values: set.values, constants, inSet: true, position: open.start };
  }

  /** Reads one constant into `set`, keeping the set of one type as OVN does. */
  private parseConstant(set: SetInProgress): MatchConstant {
    const token = this.peek();
    const assign = (type: 'integer' | 'string'): void => {
      if (set.typed && set.type !== type) this.expected(`a constant of the set's type (${set.type})`);
      set.type = type;
    };
    // A set takes the type of its first value; an empty address set leaves it open.
    const push = (value: SetValue): void => {
      set.values.push(value);
      if (value.kind !== 'unknown') set.typed = true;
    };
    const position = token.start;
    switch (token.kind) {
      case 'template':
        return this.fail(token, `template ^${token.name} was not expanded`);
      case 'string':
        assign('string');
        push({ kind: 'string', position });
        this.take();
        return { kind: 'string', value: token.value, position };
      case 'number':
        assign('integer');
        push({ kind: 'number', number: token.number, position });
        this.take();
        return { kind: 'number', ...token.number, position };
      case 'address-set': {
        const known = this.options.addressSets;
        if (known !== undefined && !known.has(token.name) && this.options.unlistedAddressSets !== 'unknown')
          this.fail(token, `no address set named ${token.name}`);
        assign('integer');
        const contents = addressSetContents(known?.get(token.name));
        if ('unknown' in contents) push({ kind: 'unknown', position });
        else for (const number of contents.values) push({ kind: 'number', number, position });
        this.take();
        return { kind: 'address-set', name: token.name, position };
      }
      case 'port-group': {
        const known = this.options.portGroups;
        if (known !== undefined && !known.has(token.name))
          this.fail(token, `no port group named ${token.name} on this pipeline`);
        assign('string');
        push({ kind: 'unknown', position });
        this.take();
        return { kind: 'port-group', name: token.name, position };
      }
      default:
        return this.expected('a constant');
    }
  }
}
