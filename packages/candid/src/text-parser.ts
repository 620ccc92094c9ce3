/**
 * Recursive-descent parser for Candid textual values (the spec's `<arg>`, `<annval>` and `<val>`
 * grammar plus its shorthands: `blob "…"`, named and positional record fields, `variant { tag }`).
 * Produces the untyped tree of text-ast.ts; types come in later, in text-check.ts.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { SourcePosition } from './candid-error.js';
import { PRIMITIVES, type PrimitiveName } from './did-ast.js';
import { labelId } from './labels.js';
import { PRIMITIVE_TYPES } from './primitive-types.js';
import type { ArgsAst, FieldValueAst, LabelAst, ValueAst } from './text-ast.js';
import { tokenizeValues, valueError, type ValueToken } from './text-lexer.js';

const FUNC_ANNOTATIONS = new Set(['query', 'composite_query', 'oneway']);

/**
 * Parses `( v1, v2, … )`, a single bare value, or empty input (no values). A trailing comma is
 * allowed, as dfx prints one in multi-line output. Throws `CandidError` (ERR_CANDID_VALUE).
 */
export function parseArgsAst(src: string): ArgsAst & { parenthesized: boolean } {
  return new ValueParser(tokenizeValues(src)).args();
}

class ValueParser {
  private i = 0;

  constructor(private readonly tokens: ValueToken[]) {}

  args(): ArgsAst & { parenthesized: boolean } {
    if (this.peek().kind === 'eof')
      return { values: [], end: this.peek().pos, parenthesized: false };
    if (!this.isPunct('(')) {
      const value = this.annval();
      this.expectEof();
      return { values: [value], end: this.peek().pos, parenthesized: false };
    }
    this.next();
    const values: ValueAst[] = [];
    while (!this.isPunct(')')) {
      values.push(this.annval());
      if (!this.isPunct(')')) this.expectPunct(',', "',' or ')'");
    }
    const end = this.next().pos;
    this.expectEof();
    return { values, end, parenthesized: true };
  }

  // --- token helpers -------------------------------------------------------------------------

  private peek(ahead = 0): ValueToken {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as ValueToken;
  }

  private next(): ValueToken {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.i++;
    return tok;
  }

  private isPunct(p: string, ahead = 0): boolean {
    const tok = this.peek(ahead);
    return tok.kind === 'punct' && tok.text === p;
  }

  private expectPunct(p: string, what = `'${p}'`): ValueToken {
    if (!this.isPunct(p)) throw this.unexpected(what);
    return this.next();
  }

  private expectEof(): void {
    if (this.peek().kind !== 'eof') throw this.unexpected('end of input');
  }

  private unexpected(expected: string): Error {
    const tok = this.peek();
    const found =
      tok.kind === 'eof'
        ? 'end of input'
        : tok.kind === 'text'
          ? 'a text literal'
          : `'${tok.text}'`;
    return valueError(`expected ${expected}, found ${found}`, tok.pos);
  }

  private expectText(what: string): Extract<ValueToken, { kind: 'text' }> {
    const tok = this.peek();
    if (tok.kind !== 'text') throw this.unexpected(what);
    this.next();
    return tok;
  }

  /** A text literal that must be valid UTF-8 (names, principals). */
  private utf8(tok: Extract<ValueToken, { kind: 'text' }>): string {
    if (tok.text === undefined) throw valueError('text literal is not valid UTF-8', tok.pos);
    return tok.text;
  }

  private principal(what: string): Principal {
    const tok = this.expectText(what);
    const text = this.utf8(tok);
    try {
      return Principal.fromText(text);
    } catch (cause) {
      throw valueError(
        `invalid principal ${JSON.stringify(text)}: ${(cause as Error).message}`,
        tok.pos,
      );
    }
  }

  // --- values --------------------------------------------------------------------------------

  /** `<val> [: <datatype>]` */
  private annval(): ValueAst {
    const value = this.val();
    if (!this.isPunct(':')) return value;
    this.next();
    const typePos = this.peek().pos;
    return { kind: 'annotated', value, type: this.datatype(), typePos, pos: value.pos };
  }

  private val(): ValueAst {
    const tok = this.peek();
    const pos = tok.pos;
    if (tok.kind === 'number') {
      this.next();
      return { kind: 'number', text: tok.text, pos };
    }
    if (tok.kind === 'text') {
      this.next();
      return { kind: 'text', text: tok.text, bytes: tok.bytes, pos };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.annval();
      this.expectPunct(')');
      return inner;
    }
    if (tok.kind !== 'id') throw this.unexpected('a value');
    this.next();
    switch (tok.text) {
      case 'true':
      case 'false':
        return { kind: 'bool', value: tok.text === 'true', pos };
      case 'null':
        return { kind: 'null', pos };
      case 'inf':
      case 'nan':
        return { kind: 'number', text: tok.text, pos };
      case 'opt':
        return { kind: 'opt', value: this.val(), pos };
      case 'vec':
        return { kind: 'vec', items: this.vecItems(), pos };
      case 'blob':
        return { kind: 'blob', bytes: this.expectText("a text literal after 'blob'").bytes, pos };
      case 'record':
        return { kind: 'record', fields: this.fieldValues('record'), pos };
      case 'variant': {
        const fields = this.fieldValues('variant');
        if (fields.length !== 1)
          throw valueError(`a variant value needs exactly one field, found ${fields.length}`, pos);
        return { kind: 'variant', field: fields[0] as FieldValueAst, pos };
      }
      case 'principal':
      case 'service':
        return {
          kind: tok.text,
          principal: this.principal(`a text literal after '${tok.text}'`),
          pos,
        };
      case 'func': {
        const principal = this.principal("a text literal after 'func'");
        this.expectPunct('.', "'.' and a method name");
        return { kind: 'func', principal, method: this.name('a method name'), pos };
      }
      default:
        throw valueError(`expected a value, found '${tok.text}'`, pos);
    }
  }

  private vecItems(): ValueAst[] {
    this.expectPunct('{');
    const items: ValueAst[] = [];
    while (!this.isPunct('}')) {
      items.push(this.annval());
      if (!this.isPunct('}')) this.expectPunct(';', "';' or '}'");
    }
    this.next();
    return items;
  }

  /** `{ fieldval;* }`; a variant's bare label means `label = null`. */
  private fieldValues(kind: 'record' | 'variant'): FieldValueAst[] {
    this.expectPunct('{');
    const fields: FieldValueAst[] = [];
    while (!this.isPunct('}')) {
      const pos = this.peek().pos;
      const labeled = this.isPunct('=', 1);
      // Variant fields always start with a label; in records an unlabeled value is positional.
      if (labeled || kind === 'variant') {
        const label = this.label();
        if (labeled) this.next();
        const value: ValueAst = labeled ? this.annval() : { kind: 'null', pos };
        fields.push({ label, value, pos });
      } else fields.push({ label: undefined, value: this.annval(), pos });
      if (!this.isPunct('}')) this.expectPunct(';', "';' or '}'");
    }
    this.next();
    return fields;
  }

  private label(): LabelAst {
    const tok = this.peek();
    if (tok.kind === 'number') {
      this.next();
      const id = this.fieldId(tok.text, tok.pos);
      return { id, key: `_${id}_`, display: tok.text };
    }
    const name = this.name('a field label');
    return { id: labelId(name), key: name, display: JSON.stringify(name) };
  }

  private fieldId(text: string, pos: SourcePosition): number {
    if (!/^(0[xX][0-9a-fA-F_]+|[0-9_]+)$/.test(text))
      throw valueError(`field id ${text} is not a natural number`, pos);
    const id = Number(BigInt(text.replaceAll('_', '')));
    if (!(id < 2 ** 32)) throw valueError(`field id ${text} does not fit in 32 bits`, pos);
    return id;
  }

  /** `<name> ::= <id> | <text>` */
  private name(what: string): string {
    const tok = this.peek();
    if (tok.kind === 'id') {
      this.next();
      return tok.text;
    }
    if (tok.kind === 'text') return this.utf8(this.expectText(what));
    throw this.unexpected(what);
  }

  // --- type annotations ----------------------------------------------------------------------

  /** `<datatype>`, built straight into an IDL type. Type names cannot be resolved here. */
  private datatype(): IDL.Type {
    const tok = this.peek();
    if (tok.kind !== 'id') throw this.unexpected('a type');
    this.next();
    const prim = PRIMITIVES.includes(tok.text as never)
      ? PRIMITIVE_TYPES[tok.text as PrimitiveName]
      : undefined;
    if (prim !== undefined) return prim;
    switch (tok.text) {
      case 'opt':
        return IDL.Opt(this.datatype());
      case 'vec':
        return IDL.Vec(this.datatype());
      case 'blob':
        return IDL.Vec(IDL.Nat8);
      case 'record':
        return IDL.Record(this.fieldTypes('record'));
      case 'variant':
        return IDL.Variant(this.fieldTypes('variant'));
      case 'func':
        return this.funcType();
      case 'service':
        return IDL.Service(this.methods());
      default:
        throw valueError(
          `type name '${tok.text}' cannot be used in a value annotation; spell the type out`,
          tok.pos,
        );
    }
  }

  private fieldTypes(kind: 'record' | 'variant'): Record<string, IDL.Type> {
    this.expectPunct('{');
    const out = Object.create(null) as Record<string, IDL.Type>; // a label may be `__proto__`
    const seen = new Set<number>();
    let nextId = 0;
    while (!this.isPunct('}')) {
      const pos = this.peek().pos;
      const labeled = this.isPunct(':', 1);
      let id = nextId;
      let key = `_${nextId}_`;
      let type: IDL.Type;
      if (labeled || kind === 'variant') {
        const label = this.label();
        id = label.id;
        key = label.key;
        if (labeled) this.next();
        type = labeled ? this.datatype() : IDL.Null;
      } else type = this.datatype();
      if (seen.has(id)) throw valueError(`field id ${id} is used twice`, pos);
      seen.add(id);
      out[key] = type;
      nextId = id + 1;
      if (!this.isPunct('}')) this.expectPunct(';', "';' or '}'");
    }
    this.next();
    return out;
  }

  private funcType(): IDL.FuncClass {
    const args = this.tupleType() as IDL.GenericIdlFuncArgs;
    this.expectPunct('->');
    const rets = this.tupleType() as IDL.GenericIdlFuncRets;
    const annotations: string[] = [];
    while (this.peek().kind === 'id' && FUNC_ANNOTATIONS.has(this.peek().text ?? ''))
      annotations.push(this.next().text ?? '');
    return IDL.Func(args, rets, annotations);
  }

  /** `( [name :] datatype, … )`; argument names are documentation only. */
  private tupleType(): IDL.Type[] {
    this.expectPunct('(');
    const types: IDL.Type[] = [];
    while (!this.isPunct(')')) {
      const kind = this.peek().kind;
      if ((kind === 'id' || kind === 'text') && this.isPunct(':', 1)) this.i += 2;
      types.push(this.datatype());
      if (!this.isPunct(')')) this.expectPunct(',', "',' or ')'");
    }
    this.next();
    return types;
  }

  private methods(): Record<string, IDL.FuncClass> {
    this.expectPunct('{');
    const out: Record<string, IDL.FuncClass> = {};
    while (!this.isPunct('}')) {
      const name = this.name('a method name');
      this.expectPunct(':');
      out[name] = this.funcType();
      if (!this.isPunct('}')) this.expectPunct(';', "';' or '}'");
    }
    this.next();
    return out;
  }
}
