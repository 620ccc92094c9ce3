/**
 * Recursive-descent parser from `.did` tokens to the syntax tree in did-ast.ts. Type names stay
 * unresolved here; did-resolve.ts checks them once every definition has been seen.
 */
import { didParseError } from './candid-error.js';
import {
  PRIMITIVES,
  type ActorAst,
  type DidFileAst,
  type FieldAst,
  type FuncAst,
  type MethodAst,
  type PrimitiveName,
  type TypeAst,
  type TypeDefAst,
} from './did-ast.js';
import { tokenize, type Token } from './did-lexer.js';
import { idlHash, numericLabel } from './labels.js';

const PRIMITIVE_SET: ReadonlySet<string> = new Set(PRIMITIVES);
const ANNOTATIONS = new Set(['query', 'composite_query', 'oneway']);

/** Parses `.did` source into its syntax tree. Throws `CandidError` (ERR_DID_PARSE). */
export function parseDidAst(src: string): DidFileAst {
  return new Parser(tokenize(src)).file();
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  file(): DidFileAst {
    const defs: TypeDefAst[] = [];
    let actor: ActorAst | undefined;
    while (this.peek().kind !== 'eof') {
      const tok = this.peek();
      if (this.isWord('type')) defs.push(this.typeDef());
      else if (this.isWord('import')) {
        throw didParseError(
          'import is not supported; inline the imported definitions instead',
          tok.pos,
        );
      } else if (this.isWord('service') && actor === undefined) {
        actor = this.actor();
        if (this.isPunct(';')) this.next();
      } else {
        const what = actor === undefined ? "'type' or 'service'" : 'end of file after the service';
        throw this.unexpected(what);
      }
    }
    return { defs, actor, end: this.peek().pos };
  }

  // --- token helpers -------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    // The token list always ends with eof, so clamping keeps lookahead in bounds.
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.i++;
    return tok;
  }

  private isWord(word: string): boolean {
    const tok = this.peek();
    return tok.kind === 'id' && tok.value === word;
  }

  private isPunct(p: string, ahead = 0): boolean {
    const tok = this.peek(ahead);
    return tok.kind === 'punct' && tok.value === p;
  }

  private expectPunct(p: string): Token {
    if (!this.isPunct(p)) throw this.unexpected(`'${p}'`);
    return this.next();
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw this.unexpected(`'${word}'`);
    this.next();
  }

  private unexpected(expected: string): Error {
    const tok = this.peek();
    const found =
      tok.kind === 'eof' ? 'end of input' : tok.kind === 'text' ? 'text literal' : `'${tok.value}'`;
    return didParseError(`expected ${expected}, found ${found}`, tok.pos);
  }

  /** A field, argument or method name: identifier or text literal. */
  private isNameAt(ahead = 0): boolean {
    const kind = this.peek(ahead).kind;
    return kind === 'id' || kind === 'text';
  }

  // --- declarations --------------------------------------------------------------------------

  private typeDef(): TypeDefAst {
    this.expectWord('type');
    const tok = this.next();
    if (tok.kind !== 'id') throw didParseError("expected a type name after 'type'", tok.pos);
    this.expectPunct('=');
    const type = this.type();
    this.expectPunct(';');
    return { name: tok.value, type, pos: tok.pos };
  }

  /** `service [name] : [(args) ->] (actortype | id)` */
  private actor(): ActorAst {
    const pos = this.peek().pos;
    this.expectWord('service');
    if (this.peek().kind === 'id') this.next(); // the optional service name carries no meaning
    this.expectPunct(':');
    let initArgs: TypeAst[] | undefined;
    if (this.isPunct('(')) {
      initArgs = this.tupleType();
      this.expectPunct('->');
    }
    return { initArgs, type: this.serviceOrRef(), pos };
  }

  private serviceOrRef(): TypeAst {
    if (this.isPunct('{')) return { kind: 'service', methods: this.methods() };
    const tok = this.peek();
    if (tok.kind === 'id' && !PRIMITIVE_SET.has(tok.value)) {
      this.next();
      return { kind: 'ref', name: tok.value, pos: tok.pos };
    }
    throw this.unexpected("'{' or a service type name");
  }

  // --- types ---------------------------------------------------------------------------------

  private type(): TypeAst {
    const tok = this.peek();
    if (tok.kind !== 'id') throw this.unexpected('a type');
    this.next();
    switch (tok.value) {
      case 'opt':
        return { kind: 'opt', inner: this.type() };
      case 'vec':
        return { kind: 'vec', inner: this.type() };
      case 'blob':
        return { kind: 'vec', inner: { kind: 'prim', name: 'nat8' } };
      case 'record':
      case 'variant':
        return { kind: tok.value, fields: this.fields(tok.value) };
      case 'func':
        return { kind: 'func', func: this.funcType() };
      case 'service':
        return { kind: 'service', methods: this.methods() };
      default:
        if (PRIMITIVE_SET.has(tok.value)) return { kind: 'prim', name: tok.value as PrimitiveName };
        return { kind: 'ref', name: tok.value, pos: tok.pos };
    }
  }

  /** `{ field; … }` of a record or variant, with ids assigned and checked for clashes. */
  private fields(kind: 'record' | 'variant'): FieldAst[] {
    this.expectPunct('{');
    const fields: FieldAst[] = [];
    const seen = new Map<number, string>();
    let nextId = 0; // an unlabeled field takes the previous id + 1 (the spec's tuple sugar)
    while (!this.isPunct('}')) {
      const field = this.field(kind, nextId);
      const clash = seen.get(field.id);
      if (clash !== undefined)
        throw didParseError(`field id ${field.id} is used twice (also by ${clash})`, field.pos);
      seen.set(field.id, field.key);
      fields.push(field);
      nextId = field.id + 1;
      if (!this.isPunct('}')) this.expectPunct(';');
    }
    this.next();
    return fields;
  }

  private field(kind: 'record' | 'variant', nextId: number): FieldAst {
    const tok = this.peek();
    const labeled = this.isPunct(':', 1);
    // In a variant a bare label means `label : null`; in a record a bare type is tuple sugar.
    const bare = kind === 'variant' && (this.isPunct(';', 1) || this.isPunct('}', 1));
    if (tok.kind === 'nat' && (labeled || bare)) {
      this.next();
      const id = Number(tok.value);
      if (!(id < 2 ** 32))
        throw didParseError(`field id ${tok.value} does not fit in 32 bits`, tok.pos);
      return { id, key: `_${id}_`, type: this.fieldType(labeled), pos: tok.pos };
    }
    if (this.isNameAt() && (labeled || bare)) {
      this.next();
      // Keys like `_5_` mean id 5 to @dfinity/candid, so the id must follow the same rule.
      return {
        id: numericLabel(tok.value) ?? idlHash(tok.value),
        key: tok.value,
        type: this.fieldType(labeled),
        pos: tok.pos,
      };
    }
    if (kind === 'variant') throw this.unexpected('a variant label');
    if (nextId >= 2 ** 32) throw didParseError('tuple field id does not fit in 32 bits', tok.pos);
    return { id: nextId, key: `_${nextId}_`, type: this.type(), pos: tok.pos };
  }

  private fieldType(labeled: boolean): TypeAst {
    if (!labeled) return { kind: 'prim', name: 'null' };
    this.expectPunct(':');
    return this.type();
  }

  /** `(args) -> (rets) annotations…` */
  private funcType(): FuncAst {
    const pos = this.peek().pos;
    const args = this.tupleType();
    this.expectPunct('->');
    const rets = this.tupleType();
    const annotations: string[] = [];
    while (this.peek().kind === 'id') {
      const tok = this.next();
      if (!ANNOTATIONS.has(tok.value))
        throw didParseError(`unknown function annotation '${tok.value}'`, tok.pos);
      annotations.push(tok.value);
    }
    if (annotations.includes('oneway') && rets.length > 0) {
      throw didParseError('a oneway function cannot return values', pos);
    }
    return { args, rets, annotations, pos };
  }

  /** `( [name :] type, … )`; argument names are documentation only and are dropped. */
  private tupleType(): TypeAst[] {
    this.expectPunct('(');
    const types: TypeAst[] = [];
    while (!this.isPunct(')')) {
      if (this.isNameAt() && this.isPunct(':', 1)) this.i += 2;
      types.push(this.type());
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    this.next();
    return types;
  }

  /** `{ name : functype | name : id; … }` of a service. */
  private methods(): MethodAst[] {
    this.expectPunct('{');
    const methods: MethodAst[] = [];
    const names = new Set<string>();
    while (!this.isPunct('}')) {
      if (!this.isNameAt()) throw this.unexpected('a method name');
      const tok = this.next();
      if (names.has(tok.value))
        throw didParseError(`method '${tok.value}' is declared twice`, tok.pos);
      names.add(tok.value);
      this.expectPunct(':');
      methods.push({ name: tok.value, type: this.methodType(), pos: tok.pos });
      if (!this.isPunct('}')) this.expectPunct(';');
    }
    this.next();
    return methods;
  }

  private methodType(): MethodAst['type'] {
    if (this.isPunct('(')) return this.funcType();
    const tok = this.peek();
    if (tok.kind !== 'id') throw this.unexpected('a function signature or type name');
    this.next();
    return { kind: 'ref', name: tok.value, pos: tok.pos };
  }
}
