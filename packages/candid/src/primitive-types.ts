/**
 * Candid's primitive type names mapped to their `IDL` classes: one table for the `.did` resolver
 * and the textual-value parser, so a primitive cannot mean one type in a `.did` file and another
 * in a value's type annotation.
 */
import { IDL } from '@dfinity/candid';
import type { PrimitiveName } from './did-ast.js';

/** The `IDL` type of each Candid primitive, by its name in `.did` text. */
export const PRIMITIVE_TYPES: Readonly<Record<PrimitiveName, IDL.Type>> = {
  nat: IDL.Nat,
  nat8: IDL.Nat8,
  nat16: IDL.Nat16,
  nat32: IDL.Nat32,
  nat64: IDL.Nat64,
  int: IDL.Int,
  int8: IDL.Int8,
  int16: IDL.Int16,
  int32: IDL.Int32,
  int64: IDL.Int64,
  float32: IDL.Float32,
  float64: IDL.Float64,
  bool: IDL.Bool,
  text: IDL.Text,
  null: IDL.Null,
  reserved: IDL.Reserved,
  empty: IDL.Empty,
  principal: IDL.Principal,
};
