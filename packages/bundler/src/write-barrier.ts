/**
 * Puts a write barrier on every member write of a canister bundle, so the sandbox's kernel
 * learns which heap objects an execution touched: a commit then encodes and writes only those,
 * and a rollback (or the end of a query) puts back only those. Without it, every commit would
 * have to walk and compare the whole heap.
 *
 * Every member expression that is written is rewritten to pass its object through the barrier
 * first; the barrier returns the object unchanged, so the write itself still happens as written:
 *
 * - `a.b = v`, `a.b += v`, `a.b++`, `delete a.b`, `[a.b] = xs`, `for (a.b of xs)` become
 *   `O(a).b …`: the barrier marks `a` (when it is heap data) before the write.
 * - `a[k] = v` (and the other forms with a computed key) becomes `K(a, k)[key] = v`: the
 *   barrier also gets the key (a typed array marks only the page it lands on), keeps it in a
 *   variable of the prelude, and the member reads that variable, so `k` is evaluated once and in
 *   its place.
 *
 * Writes through built-ins (`Map.prototype.set`, `Array.prototype.push`, typed-array `set`, …)
 * are marked by the kernel's wrappers of those built-ins. Private fields (`this.#x`) and `super`
 * members are not heap data and stay as they are. Writes to an object made earlier in the same
 * synchronous run (a `const` holding a literal or a new built-in, see fresh-bindings.ts) skip
 * the barrier: the tracker cannot know that object yet. A keyed write to a new typed array
 * whose buffer may be a heap buffer tests a flag set at its declaration:
 * `x[k] = v` becomes `x[F ? k : M(x, k)] = v`. The edits add no line, so line numbers (and the
 * source map) hold.
 */
import { createHash } from 'node:crypto';
import { parse } from 'acorn';
import { childNodes, some, type AnyNode } from './ast.js';
import { findFreshBindings, type FreshBinding } from './fresh-bindings.js';

/** Global symbol key under which the kernel exposes the barrier. */
export const WRITE_BARRIER_SYMBOL = 'tincan.barrier';

interface Edit {
  readonly pos: number;
  /** Characters of the source replaced from `pos` (0 for an insertion). */
  readonly remove: number;
  readonly text: string;
}

/** Options of {@link addWriteBarrier}. */
export interface WriteBarrierOptions {
  /**
   * Names bound to the realm's own built-ins around the script (bind-globals.ts), so that
   * `new Uint8Array(n)` there makes a new object. Without them only literals count as new.
   */
  readonly builtins?: readonly string[];
  /**
   * The execution meter's name in the script (instrument.ts), whose counted loops run their
   * fast copy only when the loop's bound is a number.
   */
  readonly meter?: string | undefined;
}

/** What {@link addWriteBarrier} produced. */
export interface BarrierResult {
  readonly code: string;
  /** Member writes that pass the barrier (a flag-tested write counts here too). */
  readonly barriers: number;
  /** Member writes left without one: their object is new in the running execution. */
  readonly skipped: number;
}

/** Adds the write barrier to `code` (a script); returns the rewritten script. */
export function addWriteBarrier(code: string, options: WriteBarrierOptions = {}): BarrierResult {
  // Named by the code's hash, like the meter: one module always prepares to the same script (so
  // V8's code cache and the prepared-module cache apply), and code cannot name it in advance.
  const name = `__tincan_wb_${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AnyNode;
  const edits: Edit[] = [];
  const fresh = findFreshBindings(ast, options.builtins ?? [], options.meter);
  const barrier = new BarrierWalker(code, name, edits, fresh);
  barrier.walk(ast);
  // The flags of typed arrays that keyed writes test, declared just before each array.
  for (const [binding, flag] of barrier.flags)
    edits.push({
      pos: binding.declarator.start,
      remove: 0,
      text: `${flag}=typeof ${binding.arg as string}!=="object",`,
    });
  // Stable sort: edits at one position keep the order they were made in (outer first).
  edits.sort((a, b) => a.pos - b.pos);
  const parts: string[] = [];
  let last = 0;
  for (const edit of edits) {
    parts.push(code.slice(last, edit.pos), edit.text);
    last = edit.pos + edit.remove;
  }
  parts.push(code.slice(last));
  return {
    code: `{${prelude(name)}${parts.join('')}\n}\n`,
    barriers: barrier.count,
    skipped: barrier.skipped,
  };
}

/**
 * The barrier's entry points, on the bundle's first line. `register` withdraws the global, so
 * the code after the prelude (the uploaded module) never reaches the barrier but through the
 * rewritten writes.
 */
function prelude(name: string): string {
  return (
    `let ${name}_k;const ${name}_b=globalThis[Symbol.for(${JSON.stringify(WRITE_BARRIER_SYMBOL)})];` +
    `if(${name}_b===undefined)throw new Error("no write barrier in this sandbox");` +
    `const ${name}_o=${name}_b.object,${name}_kb=${name}_b.keyed;` +
    `const ${name}=(o,k)=>{${name}_k=k;${name}_kb(o,k);return o;};` +
    `const ${name}_m=(o,k)=>{${name}_kb(o,k);return k;};${name}_b.register();`
  );
}

/** Node types whose writes the walker rewrites (a key holding one is not copied). */
const WRITES = new Set([
  'AssignmentExpression',
  'UpdateExpression',
  'UnaryExpression',
  'ForInStatement',
  'ForOfStatement',
]);

class BarrierWalker {
  count = 0;
  skipped = 0;
  /** The flag names of the typed arrays whose keyed writes test one. */
  readonly flags = new Map<FreshBinding, string>();

  constructor(
    readonly code: string,
    readonly name: string,
    readonly edits: Edit[],
    readonly fresh: ReadonlyMap<AnyNode, FreshBinding>,
  ) {}

  walk(node: AnyNode): void {
    switch (node.type) {
      case 'AssignmentExpression':
        this.#target(node.left as AnyNode);
        break;
      case 'UpdateExpression':
        this.#target(node.argument as AnyNode);
        break;
      case 'UnaryExpression':
        if (node.operator === 'delete') this.#target(node.argument as AnyNode);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        this.#target(node.left as AnyNode);
        break;
    }
    for (const child of childNodes(node)) this.walk(child);
  }

  /** Marks the member writes in an assignment target (a member, or a destructuring pattern). */
  #target(node: AnyNode): void {
    switch (node.type) {
      case 'MemberExpression':
        this.#member(node);
        return;
      case 'ChainExpression':
        // `delete a?.b`: the object passes through the barrier, the chain still short-circuits.
        if ((node.expression as AnyNode).type === 'MemberExpression')
          this.#member(node.expression as AnyNode, true);
        return;
      case 'ArrayPattern':
        for (const element of node.elements as Array<AnyNode | null>)
          if (element !== null) this.#target(element);
        return;
      case 'ObjectPattern':
        for (const property of node.properties as AnyNode[])
          this.#target(property.type === 'RestElement' ? property : (property.value as AnyNode));
        return;
      case 'AssignmentPattern':
        this.#target(node.left as AnyNode);
        return;
      case 'RestElement':
        this.#target(node.argument as AnyNode);
        return;
    }
  }

  #member(member: AnyNode, inChain = false): void {
    const object = member.object as AnyNode;
    const property = member.property as AnyNode;
    if (object.type === 'Super' || property.type === 'PrivateIdentifier') return;
    // Past the object and any closing parentheses around it: where `.`, `?.` or `[` starts.
    let at = object.end;
    while (at < property.start && /[\s)]/.test(this.code[at] as string)) at++;
    const keyed = member.computed === true && member.optional !== true && !inChain;
    const fresh = this.fresh.get(object);
    if (fresh !== undefined && (!keyed || fresh.keyed === 'skip')) {
      this.skipped++;
      return;
    }
    this.count++;
    if (fresh?.keyed === 'check' && keyed && !some(property, (n) => WRITES.has(n.type))) {
      this.#checked(member, fresh, at);
      return;
    }
    if (!keyed) {
      this.edits.push(
        { pos: member.start, remove: 0, text: `${this.name}_o(` },
        { pos: at, remove: 0, text: ')' },
      );
      return;
    }
    // `a[k]` → `K(a,k)[key]`: `[` becomes `,`, and `]` closes the call and reads the key back.
    const close = member.end - 1;
    if (this.code[at] !== '[' || this.code[close] !== ']')
      throw new Error(`write barrier: unexpected member syntax at ${member.start}`);
    this.edits.push(
      { pos: member.start, remove: 0, text: `${this.name}(` },
      { pos: at, remove: 1, text: ',' },
      { pos: close, remove: 1, text: `)[${this.name}_k]` },
    );
  }

  /** `x[k]` → `x[F?k:M(x,k)]`: the key is copied, and only one copy runs. */
  #checked(member: AnyNode, fresh: FreshBinding, at: number): void {
    let flag = this.flags.get(fresh);
    if (flag === undefined) {
      flag = `${this.name}_f${this.flags.size}`;
      this.flags.set(fresh, flag);
    }
    const close = member.end - 1;
    if (this.code[at] !== '[' || this.code[close] !== ']')
      throw new Error(`write barrier: unexpected member syntax at ${member.start}`);
    const key = this.code.slice(at + 1, close);
    const object = this.code.slice(
      (member.object as AnyNode).start,
      (member.object as AnyNode).end,
    );
    this.edits.push(
      { pos: at + 1, remove: 0, text: `${flag}?` },
      { pos: close, remove: 0, text: `:${this.name}_m(${object},${key})` },
    );
  }
}
