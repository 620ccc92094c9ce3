/**
 * Syntax tree of a `.did` file. The parser keeps type names unresolved (`ref`) so that
 * definitions may appear in any order; did-resolve.ts turns the tree into IDL types.
 */
import type { SourcePosition } from './candid-error.js';

export const PRIMITIVES = [
  'nat',
  'nat8',
  'nat16',
  'nat32',
  'nat64',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'bool',
  'text',
  'null',
  'reserved',
  'empty',
  'principal',
] as const;

export type PrimitiveName = (typeof PRIMITIVES)[number];

export type TypeAst =
  | { readonly kind: 'prim'; readonly name: PrimitiveName }
  | { readonly kind: 'ref'; readonly name: string; readonly pos: SourcePosition }
  | { readonly kind: 'opt' | 'vec'; readonly inner: TypeAst }
  | { readonly kind: 'record' | 'variant'; readonly fields: readonly FieldAst[] }
  | { readonly kind: 'func'; readonly func: FuncAst }
  | { readonly kind: 'service'; readonly methods: readonly MethodAst[] };

export interface FieldAst {
  /** Candid field id: the number given, the hash of the name, or the tuple position. */
  readonly id: number;
  /** The key @dfinity/candid uses: the name itself, or `_<id>_` for numeric ids. */
  readonly key: string;
  readonly type: TypeAst;
  readonly pos: SourcePosition;
}

export interface FuncAst {
  readonly args: readonly TypeAst[];
  readonly rets: readonly TypeAst[];
  readonly annotations: readonly string[];
  readonly pos: SourcePosition;
}

export interface MethodAst {
  readonly name: string;
  /** Inline signature, or a reference to a named func type. */
  readonly type: FuncAst | Extract<TypeAst, { kind: 'ref' }>;
  readonly pos: SourcePosition;
}

export interface TypeDefAst {
  readonly name: string;
  readonly type: TypeAst;
  readonly pos: SourcePosition;
}

export interface ActorAst {
  readonly initArgs: readonly TypeAst[] | undefined;
  /** A `service` type or a reference to one. */
  readonly type: TypeAst;
  readonly pos: SourcePosition;
}

export interface DidFileAst {
  readonly defs: readonly TypeDefAst[];
  readonly actor: ActorAst | undefined;
  /** Where the input ends, for errors about something missing. */
  readonly end: SourcePosition;
}
