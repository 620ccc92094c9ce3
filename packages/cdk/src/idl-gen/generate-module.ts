/**
 * Writes a TypeScript module for a `.did` interface, in the shape of `didc`'s TypeScript
 * bindings that Azle ships as `azle/canisters/<name>/idl`: for every named type a TS type and an
 * IDL value of the same name, the service as `_SERVICE`, `idlFactory` and `init`.
 * Used by `generate-canister-idls.ts`; not part of the CDK's runtime code.
 */
import type { DidFileAst, FieldAst, FuncAst, MethodAst, TypeAst } from '@tincan/candid';

const PRIM_IDL: Record<string, string> = {
  nat: 'IDL.Nat',
  nat8: 'IDL.Nat8',
  nat16: 'IDL.Nat16',
  nat32: 'IDL.Nat32',
  nat64: 'IDL.Nat64',
  int: 'IDL.Int',
  int8: 'IDL.Int8',
  int16: 'IDL.Int16',
  int32: 'IDL.Int32',
  int64: 'IDL.Int64',
  float32: 'IDL.Float32',
  float64: 'IDL.Float64',
  bool: 'IDL.Bool',
  text: 'IDL.Text',
  null: 'IDL.Null',
  reserved: 'IDL.Reserved',
  empty: 'IDL.Empty',
  principal: 'IDL.Principal',
};

const PRIM_TS: Record<string, string> = {
  nat: 'bigint',
  nat8: 'number',
  nat16: 'number',
  nat32: 'number',
  nat64: 'bigint',
  int: 'bigint',
  int8: 'number',
  int16: 'number',
  int32: 'number',
  int64: 'bigint',
  float32: 'number',
  float64: 'number',
  bool: 'boolean',
  text: 'string',
  null: 'null',
  reserved: 'any',
  empty: 'never',
  principal: 'Principal',
};

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A field key as an object-literal key. */
function key(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

/** Whether a record's fields are 0, 1, 2, … in order: a tuple. */
function isTuple(fields: readonly FieldAst[]): boolean {
  return fields.length > 0 && fields.every((f, i) => f.id === i && f.key === `_${i}_`);
}

function idl(t: TypeAst): string {
  switch (t.kind) {
    case 'prim':
      return PRIM_IDL[t.name] ?? 'IDL.Reserved';
    case 'ref':
      return t.name;
    case 'opt':
      return `IDL.Opt(${idl(t.inner)})`;
    case 'vec':
      return `IDL.Vec(${idl(t.inner)})`;
    case 'record':
      if (isTuple(t.fields)) return `IDL.Tuple(${t.fields.map((f) => idl(f.type)).join(', ')})`;
      return `IDL.Record({ ${t.fields.map((f) => `${key(f.key)}: ${idl(f.type)}`).join(', ')} })`;
    case 'variant':
      return `IDL.Variant({ ${t.fields.map((f) => `${key(f.key)}: ${idl(f.type)}`).join(', ')} })`;
    case 'func':
      return idlFunc(t.func);
    case 'service':
      return idlService(t.methods);
  }
}

function idlFunc(f: FuncAst): string {
  return `IDL.Func([${f.args.map(idl).join(', ')}], [${f.rets.map(idl).join(', ')}], [${f.annotations.map((a) => JSON.stringify(a)).join(', ')}])`;
}

/** The type name a method refers to, when it does not spell out its signature. */
function methodRef(m: MethodAst): string | undefined {
  return 'kind' in m.type ? m.type.name : undefined;
}

function idlService(methods: readonly MethodAst[]): string {
  return `IDL.Service({ ${methods.map((m) => `${key(m.name)}: ${methodRef(m) ?? idlFunc(m.type as FuncAst)}`).join(', ')} })`;
}

function ts(t: TypeAst): string {
  switch (t.kind) {
    case 'prim':
      return PRIM_TS[t.name] ?? 'any';
    case 'ref':
      return t.name;
    case 'opt':
      return `[] | [${ts(t.inner)}]`;
    case 'vec':
      if (t.inner.kind === 'prim' && t.inner.name === 'nat8') return 'Uint8Array | number[]';
      return `Array<${ts(t.inner)}>`;
    case 'record':
      if (isTuple(t.fields)) return `[${t.fields.map((f) => ts(f.type)).join(', ')}]`;
      return `{ ${t.fields.map((f) => `${key(f.key)}: ${ts(f.type)}`).join('; ')} }`;
    case 'variant':
      return t.fields.length === 0
        ? 'never'
        : t.fields.map((f) => `{ ${key(f.key)}: ${ts(f.type)} }`).join(' | ');
    case 'func':
      return '[Principal, string]';
    case 'service':
      return 'Principal';
  }
}

function tsMethod(f: FuncAst): string {
  const ret =
    f.rets.length === 0
      ? 'undefined'
      : f.rets.length === 1
        ? ts(f.rets[0] as TypeAst)
        : `[${f.rets.map(ts).join(', ')}]`;
  return `ActorMethod<[${f.args.map(ts).join(', ')}], ${ret}>`;
}

/** Names a type refers to directly or through its components. */
function refsOf(t: TypeAst, out: Set<string>): Set<string> {
  switch (t.kind) {
    case 'ref':
      out.add(t.name);
      break;
    case 'opt':
    case 'vec':
      refsOf(t.inner, out);
      break;
    case 'record':
    case 'variant':
      for (const f of t.fields) refsOf(f.type, out);
      break;
    case 'func':
      for (const a of [...t.func.args, ...t.func.rets]) refsOf(a, out);
      break;
    case 'service':
      for (const m of t.methods) {
        const ref = methodRef(m);
        if (ref !== undefined) out.add(ref);
        else refsOf({ kind: 'func', func: m.type as FuncAst }, out);
      }
      break;
    case 'prim':
      break;
  }
  return out;
}

/** The module text for `ast`; `source` names the `.did` it came from, for the header. */
export function generateIdlModule(ast: DidFileAst, source: string): string {
  const defs = new Map(ast.defs.map((d) => [d.name, d.type]));
  const refs = new Map([...defs].map(([name, t]) => [name, refsOf(t, new Set())]));
  // A name that reaches itself needs IDL.Rec().
  const recursive = new Set<string>();
  for (const name of defs.keys()) {
    const seen = new Set<string>();
    const stack = [...(refs.get(name) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (next === name) {
        recursive.add(name);
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(refs.get(next) ?? []));
    }
  }
  // Definitions in dependency order (references to recursive names are declared up front).
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name) || recursive.has(name) || !defs.has(name)) return;
    placed.add(name);
    for (const r of refs.get(name) ?? []) place(r);
    ordered.push(name);
  };
  for (const name of [...defs.keys()].sort()) place(name);

  const serviceType = ast.actor?.type;
  const methods: readonly MethodAst[] =
    serviceType?.kind === 'service'
      ? serviceType.methods
      : serviceType?.kind === 'ref' && defs.get(serviceType.name)?.kind === 'service'
        ? (defs.get(serviceType.name) as { methods: readonly MethodAst[] }).methods
        : [];
  const funcOf = (m: MethodAst): FuncAst => {
    const ref = methodRef(m);
    return ref === undefined ? (m.type as FuncAst) : (defs.get(ref) as { func: FuncAst }).func;
  };
  const initArgs = ast.actor?.initArgs ?? [];

  const lines: string[] = [
    `// Generated from ${source} by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.`,
    "import { IDL } from '@dfinity/candid';",
    "import type { Principal } from '@dfinity/principal';",
    '',
    '/** A service method as agents type it. */',
    'type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;',
    '',
  ];
  for (const name of [...defs.keys()].sort())
    lines.push(`export type ${name} = ${ts(defs.get(name) as TypeAst)};`);
  lines.push('/** The service, as agents type it. */');
  lines.push(`export interface _SERVICE {`);
  for (const m of methods) lines.push(`  ${key(m.name)}: ${tsMethod(funcOf(m))};`);
  lines.push('}');
  lines.push('export type idlFactory = IDL.InterfaceFactory;');
  lines.push('export type init = (args: { IDL: typeof IDL }) => IDL.Type[];');
  lines.push('');
  for (const name of [...recursive].sort()) lines.push(`export const ${name} = IDL.Rec();`);
  for (const name of ordered)
    lines.push(`export const ${name} = ${idl(defs.get(name) as TypeAst)};`);
  for (const name of [...recursive].sort())
    lines.push(`${name}.fill(${idl(defs.get(name) as TypeAst)});`);
  lines.push('');
  lines.push("/** The service's IDL. */");
  lines.push(`export const idlFactory: idlFactory = () => ${idlService(methods)};`);
  lines.push("/** The init arguments' IDL types. */");
  lines.push(`export const init: init = () => [${initArgs.map(idl).join(', ')}];`);
  // A module whose types name no principal imports none (noUnusedLocals).
  const usesPrincipal = lines.some((line, i) => i > 2 && /\bPrincipal\b/.test(line));
  return `${lines.filter((_, i) => i !== 2 || usesPrincipal).join('\n')}\n`;
}
