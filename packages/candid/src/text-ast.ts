/**
 * Untyped syntax tree of Candid textual values. Parsing needs no types; text-check.ts then walks
 * the tree against the expected IDL types. Keeping the two apart lets a type annotation, which
 * follows its value (`5 : nat8`), be read before the value is interpreted.
 */
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { SourcePosition } from './candid-error.js';

/** A record or variant label as written: a name (hashed to an id) or a number. */
export interface LabelAst {
  readonly id: number;
  /** The key @dfinity/candid would use: the name itself, or `_<id>_` for a number. */
  readonly key: string;
  /** How to show the label in messages: the name, or the number. */
  readonly display: string;
}

/** One `label = value` (or, in records, a bare positional value) of a record or variant. */
export interface FieldValueAst {
  /** Undefined for a positional record field, which takes the previous id + 1. */
  readonly label: LabelAst | undefined;
  readonly value: ValueAst;
  readonly pos: SourcePosition;
}

/** A parsed textual value. Every node records where it starts, for error messages. */
export type ValueAst =
  | { readonly kind: 'number'; readonly text: string; readonly pos: SourcePosition }
  | {
      readonly kind: 'text';
      readonly text: string | undefined;
      readonly bytes: Uint8Array;
      readonly pos: SourcePosition;
    }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: SourcePosition }
  | { readonly kind: 'null'; readonly pos: SourcePosition }
  | { readonly kind: 'opt'; readonly value: ValueAst; readonly pos: SourcePosition }
  | { readonly kind: 'vec'; readonly items: readonly ValueAst[]; readonly pos: SourcePosition }
  | { readonly kind: 'blob'; readonly bytes: Uint8Array; readonly pos: SourcePosition }
  | {
      readonly kind: 'record';
      readonly fields: readonly FieldValueAst[];
      readonly pos: SourcePosition;
    }
  | { readonly kind: 'variant'; readonly field: FieldValueAst; readonly pos: SourcePosition }
  | {
      readonly kind: 'principal' | 'service';
      readonly principal: Principal;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'func';
      readonly principal: Principal;
      readonly method: string;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'annotated';
      readonly value: ValueAst;
      readonly type: IDL.Type;
      readonly typePos: SourcePosition;
      readonly pos: SourcePosition;
    };

/** The parsed argument sequence: its values and where the closing `)` (or the end) is. */
export interface ArgsAst {
  readonly values: readonly ValueAst[];
  readonly end: SourcePosition;
}

/** Short description of a value for "expected X, found Y" messages. */
export function describeValue(v: ValueAst): string {
  switch (v.kind) {
    case 'number':
      return `number ${v.text}`;
    case 'text':
      return v.text === undefined
        ? 'a text literal'
        : `text ${JSON.stringify(v.text.length > 20 ? `${v.text.slice(0, 20)}…` : v.text)}`;
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'annotated':
      return describeValue(v.value);
    case 'opt':
      return 'an opt value';
    case 'vec':
    case 'blob':
    case 'record':
    case 'variant':
    case 'principal':
    case 'service':
    case 'func':
      return `a ${v.kind} value`;
  }
}
