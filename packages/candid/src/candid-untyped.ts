/**
 * Candid text ↔ bytes without a given interface, as Azle's `candidEncode`/`candidDecode` (and
 * the Rust `IDLArgs` they wrap) do it: encoding infers each value's type from the text (an
 * unannotated integer is `int`, a decimal `float64`, `blob "…"` is `vec nat8`, …; an annotation
 * `5 : nat8` fixes it), and decoding reads the types from the message's own type table.
 */
import { IDL } from '@dfinity/candid';
import { valueError } from './text-lexer.js';
import { parseArgsAst } from './text-parser.js';
import { checkValue } from './text-check.js';
import { printCandidValues } from './text-printer.js';
import type { ValueAst } from './text-ast.js';

/** Encodes textual Candid arguments such as `(5 : nat, "x")` with the types their text implies. */
export function encodeCandidText(text: string): Uint8Array {
  const ast = parseArgsAst(text);
  const types = ast.values.map(inferType);
  const values = ast.values.map((v, i) => checkValue(v, types[i] as IDL.Type));
  return new Uint8Array(IDL.encode(types, values));
}

/** Decodes a Candid message with its own type table and prints it as textual Candid. */
export function decodeCandidBytes(bytes: Uint8Array): string {
  const types = readArgTypes(bytes);
  return printCandidValues(types, IDL.decode(types, bytes));
}

function inferType(v: ValueAst): IDL.Type {
  switch (v.kind) {
    case 'annotated':
      return v.type;
    case 'number':
      return /[.eE]/.test(v.text) && !/^[+-]?0x/i.test(v.text) ? IDL.Float64 : IDL.Int;
    case 'text':
      return IDL.Text;
    case 'bool':
      return IDL.Bool;
    case 'null':
      return IDL.Null;
    case 'opt':
      return IDL.Opt(inferType(v.value));
    case 'vec':
      return IDL.Vec(v.items[0] === undefined ? IDL.Reserved : inferType(v.items[0]));
    case 'blob':
      return IDL.Vec(IDL.Nat8);
    case 'record': {
      let next = 0;
      const fields: Record<string, IDL.Type> = {};
      for (const f of v.fields) {
        const key = f.label?.key ?? `_${next}_`;
        next = (f.label?.id ?? next) + 1;
        fields[key] = inferType(f.value);
      }
      return IDL.Record(fields);
    }
    case 'variant':
      return IDL.Variant({ [v.field.label?.key ?? '_0_']: inferType(v.field.value) });
    case 'principal':
      return IDL.Principal;
    case 'service':
      return IDL.Service({});
    case 'func':
      return IDL.Func([], [], []);
  }
}

/** Byte reader over a Candid message's header. */
class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.offset++];
    if (b === undefined) throw valueError('candidDecode: the message ends inside its type table');
    return b;
  }

  uleb(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
  }

  sleb(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * shift;
      shift *= 128;
      if (b < 0x80) return b & 0x40 ? result - shift : result;
    }
  }

  text(): string {
    const n = this.uleb();
    const slice = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return new TextDecoder().decode(slice);
  }
}

const PRIMITIVES: Record<number, IDL.Type> = {
  [-1]: IDL.Null,
  [-2]: IDL.Bool,
  [-3]: IDL.Nat,
  [-4]: IDL.Int,
  [-5]: IDL.Nat8,
  [-6]: IDL.Nat16,
  [-7]: IDL.Nat32,
  [-8]: IDL.Nat64,
  [-9]: IDL.Int8,
  [-10]: IDL.Int16,
  [-11]: IDL.Int32,
  [-12]: IDL.Int64,
  [-13]: IDL.Float32,
  [-14]: IDL.Float64,
  [-15]: IDL.Text,
  [-16]: IDL.Reserved,
  [-17]: IDL.Empty,
  [-24]: IDL.Principal,
};

type Entry =
  | { readonly op: 'opt' | 'vec'; readonly inner: number }
  | { readonly op: 'record' | 'variant'; readonly fields: Array<[number, number]> }
  | {
      readonly op: 'func';
      readonly args: number[];
      readonly rets: number[];
      readonly annotations: string[];
    }
  | { readonly op: 'service'; readonly methods: Array<[string, number]> };

/** The argument types of a Candid message, from its type table. */
function readArgTypes(bytes: Uint8Array): IDL.Type[] {
  const r = new Reader(bytes);
  if (r.byte() !== 0x44 || r.byte() !== 0x49 || r.byte() !== 0x44 || r.byte() !== 0x4c)
    throw valueError('candidDecode: not a Candid message (no DIDL magic)');
  const table: Entry[] = [];
  const count = r.uleb();
  for (let i = 0; i < count; i++) table.push(readEntry(r));
  const recs = table.map(() => IDL.Rec());
  const typeAt = (index: number): IDL.Type => {
    if (index < 0) {
      const prim = PRIMITIVES[index];
      if (prim === undefined) throw valueError(`candidDecode: unknown primitive type ${index}`);
      return prim;
    }
    const rec = recs[index];
    if (rec === undefined)
      throw valueError(`candidDecode: type index ${index} outside the table of ${table.length}`);
    return rec;
  };
  table.forEach((entry, i) =>
    (recs[i] as IDL.RecClass).fill(buildEntry(entry, typeAt) as IDL.ConstructType),
  );
  const argCount = r.uleb();
  const args: IDL.Type[] = [];
  for (let i = 0; i < argCount; i++) args.push(typeAt(r.sleb()));
  return args;
}

function readEntry(r: Reader): Entry {
  const op = r.sleb();
  switch (op) {
    case -18:
    case -19:
      return { op: op === -18 ? 'opt' : 'vec', inner: r.sleb() };
    case -20:
    case -21: {
      const fields: Array<[number, number]> = [];
      for (let n = r.uleb(); n > 0; n--) fields.push([r.uleb(), r.sleb()]);
      return { op: op === -20 ? 'record' : 'variant', fields };
    }
    case -22: {
      const args: number[] = [];
      const rets: number[] = [];
      const annotations: string[] = [];
      for (let n = r.uleb(); n > 0; n--) args.push(r.sleb());
      for (let n = r.uleb(); n > 0; n--) rets.push(r.sleb());
      for (let n = r.uleb(); n > 0; n--) {
        const a = r.byte();
        annotations.push(a === 1 ? 'query' : a === 2 ? 'oneway' : 'composite_query');
      }
      return { op: 'func', args, rets, annotations };
    }
    case -23: {
      const methods: Array<[string, number]> = [];
      for (let n = r.uleb(); n > 0; n--) methods.push([r.text(), r.sleb()]);
      return { op: 'service', methods };
    }
    default:
      throw valueError(`candidDecode: unknown type table entry ${op}`);
  }
}

function buildEntry(entry: Entry, typeAt: (index: number) => IDL.Type): IDL.Type {
  switch (entry.op) {
    case 'opt':
      return IDL.Opt(typeAt(entry.inner));
    case 'vec':
      return IDL.Vec(typeAt(entry.inner));
    case 'record':
    case 'variant': {
      // @dfinity/candid keys fields by name; a hash read from the wire becomes `_<hash>_`.
      const fields = Object.fromEntries(entry.fields.map(([id, t]) => [`_${id}_`, typeAt(t)]));
      return entry.op === 'record' ? IDL.Record(fields) : IDL.Variant(fields);
    }
    case 'func':
      return IDL.Func(
        entry.args.map(typeAt) as never,
        entry.rets.map(typeAt) as never,
        entry.annotations,
      );
    case 'service':
      return IDL.Service(
        Object.fromEntries(entry.methods.map(([name, t]) => [name, typeAt(t) as IDL.FuncClass])),
      );
  }
}
