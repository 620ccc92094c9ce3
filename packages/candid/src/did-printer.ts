/**
 * IDL types → `.did` text. This module runs inside a `node:vm` realm that bundles its own copy of
 * @dfinity/candid, so it may only use the `IDL` namespace and ECMAScript built-ins. `instanceof`
 * is safe here: the IDL classes answer it by comparing `typeName`, not prototypes.
 */
import { IDL } from '@dfinity/candid';
import { labelId, numericLabel, printName } from './labels.js';

/** Inline records/variants longer than this are broken over several lines. */
const MAX_INLINE = 80;

/**
 * Prints a `.did` file for `service`: `type rec_N = …;` definitions for recursive types, then
 * `service : { … }`, or `service : (init args) -> { … }` when `initArgs` is given. Methods are
 * sorted by name; the output is deterministic, so equal types print identical text.
 */
export function serviceToDid(service: IDL.ServiceClass, initArgs?: IDL.Type[]): string {
  const printer = new DidPrinter();
  const methods = sortedMethods(service).map(
    ([name, func]) => `${printName(name)} : ${printer.signature(func)};`,
  );
  const args = initArgs === undefined ? '' : `${printer.tuple(initArgs)} -> `;
  const defs = printer.definitions();
  const body = methods.length === 0 ? '{}' : `{\n${methods.map(indent).join('\n')}\n}`;
  const head = defs.length === 0 ? '' : `${defs.join('\n')}\n\n`;
  return `${head}service : ${args}${body}\n`;
}

/**
 * Prints one IDL type as `.did` text: the type's own text and the named definitions of the
 * recursive types it reaches (`rec_0` → its body), as Azle's `idlToString` visitor returns them.
 */
export function typeToDid(type: IDL.Type): [string, Record<string, string>] {
  const printer = new DidPrinter();
  const text = printer.type(type);
  return [text, printer.namedBodies()];
}

function sortedMethods(service: IDL.ServiceClass): Array<[string, IDL.FuncClass]> {
  // Code-unit order, not localeCompare: the result must not depend on the host's locale.
  return [...service._fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Adds two spaces before every line of `text`. */
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** `keyword { a; b }` on one line when short, otherwise one item per line. */
function block(keyword: string, items: string[], forceMultiLine: boolean): string {
  if (items.length === 0) return `${keyword} {}`;
  const inline = `${keyword} { ${items.join('; ')} }`;
  if (!forceMultiLine && !inline.includes('\n') && inline.length <= MAX_INLINE) return inline;
  return `${keyword} {\n${items.map((item) => `${indent(item)};`).join('\n')}\n}`;
}

/** How a record/variant key prints: numeric ids (`_5_` in JS) as numbers, names bare or quoted. */
function printLabel(key: string): string {
  const id = numericLabel(key);
  return id === undefined ? printName(key) : String(id);
}

/**
 * Holds the names given to recursive types during one print. Names are handed out in discovery
 * order (`rec_0`, `rec_1`, …) rather than taken from `RecClass.name`, whose counter is global and
 * would make the output depend on how many types were built before.
 */
class DidPrinter {
  private readonly names = new Map<IDL.RecClass, string>();
  private readonly pending: IDL.RecClass[] = [];
  private readonly cyclic = new Map<IDL.RecClass, boolean>();

  /** Prints the definitions of every named recursive type, including ones found while printing them. */
  definitions(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.pending.length; i++) {
      const rec = this.pending[i] as IDL.RecClass;
      out.push(`type ${this.names.get(rec) ?? ''} = ${this.type(recBody(rec))};`);
    }
    return out;
  }

  /** Each named recursive type's body, by name, including ones found while printing them. */
  namedBodies(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.pending.length; i++) {
      const rec = this.pending[i] as IDL.RecClass;
      out[this.names.get(rec) ?? ''] = this.type(recBody(rec));
    }
    return out;
  }

  signature(func: IDL.FuncClass): string {
    const annotations = func.annotations.map((a) => ` ${a}`).join('');
    return `${this.tuple(func.argTypes)} -> ${this.tuple(func.retTypes)}${annotations}`;
  }

  tuple(types: IDL.Type[]): string {
    return `(${types.map((t) => this.type(t)).join(', ')})`;
  }

  type(t: IDL.Type): string {
    if (t instanceof IDL.RecClass) return this.rec(t);
    if (t instanceof IDL.VecClass) {
      const inner: IDL.Type = t._type;
      return inner instanceof IDL.FixedNatClass && inner._bits === 8
        ? 'blob'
        : `vec ${this.type(inner)}`;
    }
    if (t instanceof IDL.OptClass) return `opt ${this.type(t._type as IDL.Type)}`;
    if (t instanceof IDL.RecordClass) return this.record(t);
    if (t instanceof IDL.VariantClass) return this.variant(t);
    if (t instanceof IDL.FuncClass) return `func ${this.signature(t)}`;
    if (t instanceof IDL.ServiceClass) {
      const items = sortedMethods(t).map(
        ([name, func]) => `${printName(name)} : ${this.signature(func)}`,
      );
      return block('service', items, items.length > 2);
    }
    return primitive(t);
  }

  private record(t: IDL.RecordClass): string {
    checkDistinctIds(t._fields);
    // Ids 0..n-1 in order are a tuple; print it the short way, as the spec's sugar allows.
    const isTuple = t._fields.length > 0 && t._fields.every(([key], i) => numericLabel(key) === i);
    if (isTuple)
      return block(
        'record',
        t._fields.map(([, ty]) => this.type(ty)),
        false,
      );
    const items = t._fields.map(([key, ty]) => `${printLabel(key)} : ${this.type(ty)}`);
    return block('record', items, items.length > 2);
  }

  private variant(t: IDL.VariantClass): string {
    checkDistinctIds(t._fields);
    const items = t._fields.map(([key, ty]) =>
      ty instanceof IDL.NullClass ? printLabel(key) : `${printLabel(key)} : ${this.type(ty)}`,
    );
    // Enum-like variants (all bare labels) stay on one line while they fit.
    const allBare = t._fields.every(([, ty]) => ty instanceof IDL.NullClass);
    return block('variant', items, !allBare && items.length > 2);
  }

  /**
   * Only a Rec that reaches itself needs a name; a Rec wrapped around a plain type prints inline.
   * That keeps print → parse → print stable, since the parser makes Recs only for cyclic names.
   */
  private rec(t: IDL.RecClass): string {
    if (!this.isCyclic(t)) return this.type(recBody(t));
    let name = this.names.get(t);
    if (name === undefined) {
      name = `rec_${this.names.size}`;
      this.names.set(t, name);
      this.pending.push(t);
    }
    return name;
  }

  private isCyclic(rec: IDL.RecClass): boolean {
    const known = this.cyclic.get(rec);
    if (known !== undefined) return known;
    const seen = new Set<IDL.Type>();
    const stack: IDL.Type[] = [recBody(rec)];
    let found = false;
    while (stack.length > 0 && !found) {
      const t = stack.pop() as IDL.Type;
      if (t === rec) found = true;
      else if (!seen.has(t)) {
        seen.add(t);
        stack.push(...children(t));
      }
    }
    this.cyclic.set(rec, found);
    return found;
  }
}

/** Two keys with one id (`c` and `_99_` both mean 99) would print a .did no parser accepts. */
function checkDistinctIds(fields: Array<[string, IDL.Type]>): void {
  const seen = new Map<number, string>();
  for (const [key] of fields) {
    const id = labelId(key);
    const other = seen.get(id);
    if (other !== undefined)
      throw new TypeError(`serviceToDid: fields '${other}' and '${key}' share the id ${id}`);
    seen.set(id, key);
  }
}

function recBody(rec: IDL.RecClass): IDL.Type {
  const body = rec.getType();
  if (body === undefined)
    throw new TypeError('serviceToDid: recursive type (IDL.Rec) was never filled');
  return body;
}

/** Direct component types, used to search for cycles through Recs. */
function children(t: IDL.Type): IDL.Type[] {
  if (t instanceof IDL.RecClass) return [recBody(t)];
  if (t instanceof IDL.VecClass || t instanceof IDL.OptClass) return [t._type as IDL.Type];
  if (t instanceof IDL.RecordClass || t instanceof IDL.VariantClass)
    return t._fields.map(([, ty]) => ty);
  if (t instanceof IDL.FuncClass) return [...t.argTypes, ...t.retTypes];
  if (t instanceof IDL.ServiceClass) return t._fields.map(([, func]) => func);
  return [];
}

function primitive(t: IDL.Type): string {
  if (t instanceof IDL.NatClass) return 'nat';
  if (t instanceof IDL.IntClass) return 'int';
  if (t instanceof IDL.FixedNatClass) return `nat${t._bits}`;
  if (t instanceof IDL.FixedIntClass) return `int${t._bits}`;
  if (t instanceof IDL.FloatClass) return `float${t._bits}`;
  if (t instanceof IDL.TextClass) return 'text';
  if (t instanceof IDL.BoolClass) return 'bool';
  if (t instanceof IDL.NullClass) return 'null';
  if (t instanceof IDL.PrincipalClass) return 'principal';
  if (t instanceof IDL.ReservedClass) return 'reserved';
  if (t instanceof IDL.EmptyClass) return 'empty';
  throw new TypeError(`serviceToDid: no Candid syntax for type ${t.name}`);
}
