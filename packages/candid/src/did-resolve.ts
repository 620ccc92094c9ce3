/**
 * Turns the `.did` syntax tree into IDL types. Names may be used before they are defined, so we
 * first find which definitions sit on a reference cycle: only those become `IDL.Rec`, everything
 * else is substituted directly. That mirrors the printer, which names exactly the cyclic Recs,
 * and keeps print → parse → print stable.
 */
import { IDL } from '@dfinity/candid';
import { didParseError, type SourcePosition } from './candid-error.js';
import type { DidFileAst, FieldAst, FuncAst, MethodAst, TypeAst, TypeDefAst } from './did-ast.js';
import { PRIMITIVES } from './did-ast.js';
import { PRIMITIVE_TYPES } from './primitive-types.js';

/** What `parseDid` returns. */
export interface ParsedDid {
  /** The service the file declares. */
  service: IDL.ServiceClass;
  /** Init arguments of `service : (args) -> …`, undefined for the plain `service : …` form. */
  initArgs: IDL.Type[] | undefined;
  /** Every `type` definition by name; recursive ones are `IDL.RecClass`. */
  types: Record<string, IDL.Type>;
}

/** Words that the parser reads as syntax, so a type with that name could never be referenced. */
const UNDEFINABLE = new Set<string>([
  ...PRIMITIVES,
  'opt',
  'vec',
  'blob',
  'record',
  'variant',
  'func',
  'service',
]);

/** Resolves every name in `ast` and builds the IDL types. Throws `CandidError` (ERR_DID_PARSE). */
export function resolveDid(ast: DidFileAst): ParsedDid {
  return new Resolver(ast).run();
}

class Resolver {
  private readonly defs = new Map<string, TypeDefAst>();
  private readonly built = new Map<string, IDL.Type>();
  private readonly cyclic: ReadonlySet<string>;

  constructor(private readonly ast: DidFileAst) {
    for (const def of ast.defs) {
      if (UNDEFINABLE.has(def.name))
        throw didParseError(`'${def.name}' is a reserved word, not a type name`, def.pos);
      if (this.defs.has(def.name))
        throw didParseError(`type '${def.name}' is defined twice`, def.pos);
      this.defs.set(def.name, def);
    }
    this.cyclic = findCyclicNames(this.defs);
  }

  run(): ParsedDid {
    // Build every definition, used or not, so mistakes in unused types are still reported.
    const types = Object.fromEntries(
      this.ast.defs.map((def) => [def.name, this.named(def.name, def.pos)]),
    );
    const actor = this.ast.actor;
    if (actor === undefined) throw didParseError("missing 'service : …' declaration", this.ast.end);
    const initArgs = actor.initArgs?.map((t) => this.build(t));
    const serviceAst = this.deref(actor.type);
    if (serviceAst.kind !== 'service')
      throw didParseError('the service must have a service type', actor.pos);
    return { service: this.service(serviceAst.methods), initArgs, types };
  }

  private named(name: string, pos: SourcePosition): IDL.Type {
    const done = this.built.get(name);
    if (done !== undefined) return done;
    const def = this.defs.get(name);
    if (def === undefined) throw didParseError(`unknown type name '${name}'`, pos);
    if (!this.cyclic.has(name)) {
      const type = this.build(def.type);
      this.built.set(name, type);
      return type;
    }
    // Register the Rec before building the body so references inside the body find it.
    const rec = IDL.Rec();
    this.built.set(name, rec);
    this.deref(def.type); // rejects `type A = B; type B = A;`, which has no structure at all
    rec.fill(this.build(def.type) as IDL.ConstructType);
    return rec;
  }

  /** Follows name aliases (`type A = B`) to the first structural type. */
  private deref(type: TypeAst): TypeAst {
    const seen = new Set<string>();
    let current = type;
    while (current.kind === 'ref') {
      if (seen.has(current.name))
        throw didParseError(`type '${current.name}' is only an alias of itself`, current.pos);
      seen.add(current.name);
      const def = this.defs.get(current.name);
      if (def === undefined)
        throw didParseError(`unknown type name '${current.name}'`, current.pos);
      current = def.type;
    }
    return current;
  }

  private build(type: TypeAst): IDL.Type {
    switch (type.kind) {
      case 'prim':
        return PRIMITIVE_TYPES[type.name];
      case 'ref':
        return this.named(type.name, type.pos);
      case 'opt':
        return IDL.Opt(this.build(type.inner));
      case 'vec':
        return IDL.Vec(this.build(type.inner));
      case 'record': {
        const fields = [...type.fields].sort((a, b) => a.id - b.id);
        // Ids 0..n-1 are a tuple; IDL.Tuple makes the JS value an array, as @dfinity/candid's decoder does.
        if (fields.length > 0 && fields.every((f, i) => f.id === i))
          return IDL.Tuple(...fields.map((f) => this.build(f.type)));
        return IDL.Record(this.fieldObject(fields));
      }
      case 'variant':
        return IDL.Variant(this.fieldObject(type.fields));
      case 'func':
        return this.func(type.func);
      case 'service':
        return this.service(type.methods);
    }
  }

  /** A null-prototype object, so a field called `__proto__` stays an ordinary key. */
  private fieldObject(fields: readonly FieldAst[]): Record<string, IDL.Type> {
    const obj = Object.create(null) as Record<string, IDL.Type>;
    for (const field of fields) obj[field.key] = this.build(field.type);
    return obj;
  }

  private func(func: FuncAst): IDL.FuncClass {
    const args = func.args.map((t) => this.build(t)) as IDL.GenericIdlFuncArgs;
    const rets = func.rets.map((t) => this.build(t)) as IDL.GenericIdlFuncRets;
    return IDL.Func(args, rets, [...func.annotations]);
  }

  private service(methods: readonly MethodAst[]): IDL.ServiceClass {
    const obj = Object.create(null) as Record<string, IDL.FuncClass>;
    for (const method of methods) obj[method.name] = this.method(method);
    return IDL.Service(obj);
  }

  /**
   * A method given by type name gets a fresh FuncClass built from that definition: the named
   * type may be an unfilled Rec at this point, and services need the FuncClass itself.
   */
  private method(method: MethodAst): IDL.FuncClass {
    if (!('kind' in method.type)) return this.func(method.type);
    const target = this.deref(method.type);
    if (target.kind !== 'func') {
      throw didParseError(
        `method '${method.name}': type '${method.type.name}' is not a function type`,
        method.type.pos,
      );
    }
    return this.func(target.func);
  }
}

/** Names from which a chain of references leads back to the same name. */
function findCyclicNames(defs: ReadonlyMap<string, TypeDefAst>): Set<string> {
  const edges = new Map<string, Set<string>>();
  for (const [name, def] of defs) edges.set(name, collectRefs(def.type, new Set()));
  const cyclic = new Set<string>();
  for (const name of defs.keys()) {
    const seen = new Set<string>();
    const stack = [...(edges.get(name) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (next === name) {
        cyclic.add(name);
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
  }
  return cyclic;
}

function collectRefs(type: TypeAst, into: Set<string>): Set<string> {
  switch (type.kind) {
    case 'ref':
      into.add(type.name);
      break;
    case 'opt':
    case 'vec':
      collectRefs(type.inner, into);
      break;
    case 'record':
    case 'variant':
      for (const field of type.fields) collectRefs(field.type, into);
      break;
    case 'func':
      collectFuncRefs(type.func, into);
      break;
    case 'service':
      for (const method of type.methods) {
        if ('kind' in method.type) into.add(method.type.name);
        else collectFuncRefs(method.type, into);
      }
      break;
    case 'prim':
      break;
  }
  return into;
}

function collectFuncRefs(func: FuncAst, into: Set<string>): void {
  for (const t of [...func.args, ...func.rets]) collectRefs(t, into);
}
