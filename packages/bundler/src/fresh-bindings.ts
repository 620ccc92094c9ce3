/**
 * Finds member writes that the write barrier can leave out because their object is certainly
 * new in the running execution. The heap tracker learns of an object only when a commit finds
 * it reachable from the heap (or a restore loads it), and commits happen only between
 * executions, never while canister code is on the stack. So an object made earlier in the same
 * synchronous run is unknown to the tracker: the barrier would do nothing for it. If it gets
 * stored into the heap, that store passes the barrier (it marks the holder), and the next
 * commit writes the new object whole, with whatever was written to it before.
 *
 * The rule errs towards keeping the barrier. A write `x.p = …` / `x[k] = …` (any write form)
 * drops it when:
 *
 * - `x` is declared `const x = INIT` in a function F, and the write is in F's own code (not in
 *   a function, class field or static block nested in F: those may run in a later execution),
 *   inside the declaration's block;
 * - F's own code holds no `await`, `yield` or `for await` (one call of F runs without a break,
 *   so the object made by INIT in this call is still new at every write of this call), and no
 *   direct `eval`; the program holds no `with`;
 * - no other binding named `x` is declared in F's own code or parameters (so every `x` there
 *   inside the declaration's block is this binding);
 * - INIT is an object or array literal, or `new C(…)` with C a constructor the realm binds
 *   around the bundle (`builtins`) that returns a new object (Array, Map, Set, WeakMap, WeakSet,
 *   ArrayBuffer, DataView, the typed arrays, and `Object` with no argument), and no binding or
 *   assignment anywhere in the program names C.
 *
 * A typed array over a heap buffer is marked through the buffer, so a keyed write to a new
 * typed array may drop its barrier only when its buffer is new too: the first argument cannot
 * be an ArrayBuffer. When it is a literal or an operator's result (a primitive), or an array or
 * object literal, nothing is checked. When it is a local name, the check is made once, at the
 * declaration (`typeof arg !== "object"`), and keyed writes test that flag; otherwise keyed
 * writes keep the barrier. The flag costs a branch per write, which keeps V8 from optimizing a
 * tight loop as well as a plain one, so it is left out where the name is known to be a number:
 * in the fast copy of a counted loop bounded by it (the meter runs that copy only when the bound
 * is a number, see instrument.ts), when the name is a `const` or a parameter that nothing in the
 * program assigns (and, for a parameter, the function reads no `arguments`).
 */
import { childNodes, patternNames, some, type AnyNode } from './ast.js';
import { TYPED_ARRAY_NAMES } from './typed-array-names.js';

/** What a keyed write to a fresh binding needs. */
export type KeyedWrite = 'skip' | 'check' | 'barrier';

/** A `const` whose object is new in the running execution wherever F writes to it. */
export interface FreshBinding {
  /** The declarator `name = INIT`. */
  readonly declarator: AnyNode;
  /**
   * Keyed writes: `skip` drops the barrier; `check` drops it when the flag computed at the
   * declaration (from {@link arg}) says the typed array's buffer is new; `barrier` keeps it.
   */
  readonly keyed: KeyedWrite;
  /** With `check`: the local name the typed array was built from. */
  readonly arg?: string;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** Code that can run later, when called: functions, and class field initializers and static blocks. */
const CLOSURES = new Set([...FUNCTIONS, 'PropertyDefinition', 'StaticBlock']);
/** Nodes that open a block scope for `let`/`const`. */
const BLOCKS = new Set([
  'BlockStatement',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'SwitchStatement',
  'CatchClause',
]);
const TYPED_ARRAYS: ReadonlySet<string> = new Set(TYPED_ARRAY_NAMES);
/** Constructors that always return a new object that is not a typed array. */
const NEW_OBJECTS = new Set([
  'Array',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'ArrayBuffer',
  'DataView',
]);
/** Expressions whose value is never an object (so never an ArrayBuffer). */
const PRIMITIVE_RESULTS = new Set([
  'Literal',
  'TemplateLiteral',
  'UnaryExpression',
  'BinaryExpression',
  'UpdateExpression',
]);

interface Declared {
  readonly name: string;
  /** The node whose range the binding covers. */
  readonly scope: AnyNode;
  /** A `const` or a parameter: only an assignment could change it. */
  readonly steady?: boolean;
}

interface Candidate {
  readonly name: string;
  readonly scope: AnyNode;
  readonly binding: FreshBinding;
}

/**
 * The fresh bindings of `program`, keyed by the identifier nodes that are the object of a
 * member expression and refer to one. `builtins` are the names bound to the realm's built-ins
 * around the bundle.
 */
export function findFreshBindings(
  program: AnyNode,
  builtins: readonly string[],
  meter?: string,
): Map<AnyNode, FreshBinding> {
  const out = new Map<AnyNode, FreshBinding>();
  const names = reboundNames(program);
  if (names === undefined) return out;
  const constructors = new Set(builtins.filter((name) => !names.rebound.has(name)));
  const context: Context = {
    constructors,
    assigned: names.assigned,
    count: meter === undefined ? undefined : `${meter}_count`,
  };
  const pending: AnyNode[] = [program];
  while (pending.length > 0) analyze(pending.pop() as AnyNode, context, out, pending);
  return out;
}

interface Context {
  readonly constructors: ReadonlySet<string>;
  /** Names assigned anywhere in the program. */
  readonly assigned: ReadonlySet<string>;
  /** The meter's counted-loop test, `NAME_count`. */
  readonly count: string | undefined;
}

/** Analyzes the own code of `fn` (a function, the program, or a class field or static block). */
function analyze(
  fn: AnyNode,
  context: Context,
  out: Map<AnyNode, FreshBinding>,
  pending: AnyNode[],
): void {
  const { constructors } = context;
  const declared: Declared[] = [];
  const candidates: Candidate[] = [];
  const uses: AnyNode[] = [];
  /** Names known to be numbers where a use is: the bounds of the counted loops around it. */
  const numbers = new Map<AnyNode, ReadonlyArray<readonly [string, AnyNode]>>();
  const bounds: Array<readonly [string, AnyNode]> = [];
  // Class fields and static blocks are left to their nested functions.
  let eligible = fn.type === 'Program' || FUNCTIONS.has(fn.type);
  const scopes: AnyNode[] = [fn];
  for (const param of (fn.params as AnyNode[] | undefined) ?? [])
    for (const name of patternNames(param)) declared.push({ name, scope: fn, steady: true });

  const visit = (node: AnyNode): void => {
    if (node !== fn && CLOSURES.has(node.type)) {
      if (node.type === 'FunctionDeclaration' && node.id != null)
        declared.push({ name: (node.id as AnyNode).name as string, scope: fn });
      pending.push(node);
      return;
    }
    switch (node.type) {
      case 'AwaitExpression':
      case 'YieldExpression':
        eligible = false;
        break;
      case 'ForOfStatement':
        if (node.await === true) eligible = false;
        break;
      case 'CallExpression':
        if (isName(node.callee as AnyNode, 'eval')) eligible = false;
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.id != null)
          declared.push({ name: (node.id as AnyNode).name as string, scope: innermost(scopes) });
        break;
      case 'CatchClause':
        if (node.param != null)
          for (const name of patternNames(node.param as AnyNode))
            declared.push({ name, scope: node });
        break;
      case 'VariableDeclaration':
        declare(node);
        break;
      case 'MemberExpression':
        if ((node.object as AnyNode).type === 'Identifier') {
          uses.push(node.object as AnyNode);
          if (bounds.length > 0) numbers.set(node.object as AnyNode, [...bounds]);
        }
        break;
      case 'IfStatement': {
        const bound = countedBound(node, context.count);
        if (bound !== undefined) {
          visit(node.test as AnyNode);
          bounds.push([bound, node]);
          visit(node.consequent as AnyNode);
          bounds.pop();
          if (node.alternate != null) visit(node.alternate as AnyNode);
          return;
        }
        break;
      }
    }
    const opens = node !== fn && BLOCKS.has(node.type);
    if (opens) scopes.push(node);
    for (const child of childNodes(node)) visit(child);
    if (opens) scopes.pop();
  };

  const declare = (decl: AnyNode): void => {
    // `var` belongs to the function; `let`/`const` to the innermost block (a `for` head's to the loop).
    const scope = decl.kind === 'var' ? fn : innermost(scopes);
    for (const d of decl.declarations as AnyNode[]) {
      const id = d.id as AnyNode;
      const steady = decl.kind === 'const';
      for (const name of patternNames(id)) declared.push({ name, scope, steady });
      if (decl.kind !== 'const' || id.type !== 'Identifier' || d.init == null) continue;
      const fresh = classify(d.init as AnyNode, constructors);
      if (fresh === undefined) continue;
      const name = id.name as string;
      // The flag's name must read a local binding: no getter runs, and the read has no effect.
      const arg = fresh.arg;
      const local =
        arg !== undefined &&
        declared.some((x) => x.name === arg && x.scope.start <= d.start && d.end <= x.scope.end);
      const keyed = fresh.keyed === 'check' && !local ? 'barrier' : fresh.keyed;
      const binding: FreshBinding =
        keyed === 'check' ? { declarator: d, keyed, arg: arg as string } : { declarator: d, keyed };
      candidates.push({ name, scope, binding });
    }
  };

  for (const node of childNodes(fn)) {
    // A function's name and parameters are not its own code: default values may hold closures.
    if (node === fn.id) continue;
    if ((fn.params as AnyNode[] | undefined)?.includes(node) === true) {
      collectClosures(node, pending);
      continue;
    }
    visit(node);
  }
  if (!eligible || candidates.length === 0) return;
  const counts = new Map<string, number>();
  for (const { name } of declared) counts.set(name, (counts.get(name) ?? 0) + 1);
  const byName = new Map<string, Candidate>();
  for (const candidate of candidates)
    if (counts.get(candidate.name) === 1) byName.set(candidate.name, candidate);
  // A name whose one binding (around the loop's test `at`) nothing changes has there the value
  // it had at the declaration.
  const steady = (name: string, at: AnyNode): boolean => {
    const all = declared.filter((d) => d.name === name);
    const only = all[0];
    return (
      all.length === 1 &&
      only?.steady === true &&
      only.scope.start <= at.start &&
      at.end <= only.scope.end &&
      !context.assigned.has(name) &&
      // Sloppy-mode `arguments` aliases the parameters (an arrow inside may write it).
      (fn.type === 'ArrowFunctionExpression' || !some(fn, (n) => isName(n, 'arguments')))
    );
  };
  for (const use of uses) {
    const candidate = byName.get(use.name as string);
    if (candidate === undefined) continue;
    const { scope, binding } = candidate;
    if (scope.start > use.start || use.end > scope.end) continue;
    const arg = binding.arg;
    const known =
      arg !== undefined &&
      numbers.get(use)?.some(([name, at]) => name === arg && steady(arg, at)) === true;
    out.set(use, known ? { declarator: binding.declarator, keyed: 'skip' } : binding);
  }
}

/** The bound (a name) of a counted loop's `if (meter_count(a, BOUND, …))`, if `node` is one. */
function countedBound(node: AnyNode, count: string | undefined): string | undefined {
  const test = node.test as AnyNode;
  if (count === undefined || test.type !== 'CallExpression') return undefined;
  if (!isName(test.callee as AnyNode, count)) return undefined;
  const bound = (test.arguments as AnyNode[])[1];
  return bound?.type === 'Identifier' ? (bound.name as string) : undefined;
}

function innermost(scopes: readonly AnyNode[]): AnyNode {
  return scopes[scopes.length - 1] as AnyNode;
}

/** Queues the closures under `node` for analysis of their own. */
function collectClosures(node: AnyNode, pending: AnyNode[]): void {
  if (CLOSURES.has(node.type)) {
    pending.push(node);
    return;
  }
  for (const child of childNodes(node)) collectClosures(child, pending);
}

/** Whether INIT makes a new object; for a typed array, what its keyed writes need. */
function classify(
  init: AnyNode,
  constructors: ReadonlySet<string>,
): { keyed: KeyedWrite; arg?: string } | undefined {
  if (init.type === 'ObjectExpression' || init.type === 'ArrayExpression') return { keyed: 'skip' };
  if (init.type !== 'NewExpression') return undefined;
  const callee = init.callee as AnyNode;
  if (callee.type !== 'Identifier' || !constructors.has(callee.name as string)) return undefined;
  const name = callee.name as string;
  const args = init.arguments as AnyNode[];
  if (name === 'Object') return args.length === 0 ? { keyed: 'skip' } : undefined;
  if (NEW_OBJECTS.has(name)) return { keyed: 'skip' };
  if (!TYPED_ARRAYS.has(name)) return undefined;
  const first = args[0];
  if (
    first === undefined ||
    PRIMITIVE_RESULTS.has(first.type) ||
    first.type === 'ArrayExpression' ||
    first.type === 'ObjectExpression'
  )
    return { keyed: 'skip' };
  if (first.type === 'Identifier') return { keyed: 'check', arg: first.name as string };
  return { keyed: 'barrier' };
}

/**
 * Names that the program declares or assigns anywhere: such a name may not be the built-in.
 * Undefined when the program holds a `with` statement (then no name is certain).
 */
function reboundNames(
  program: AnyNode,
): { rebound: Set<string>; assigned: Set<string> } | undefined {
  const names = new Set<string>();
  const assigned = new Set<string>();
  const add = (p: AnyNode | null | undefined): void => {
    if (p != null) for (const name of patternNames(p)) names.add(name);
  };
  const assign = (p: AnyNode): void => {
    for (const name of patternNames(p)) assigned.add(name);
    add(p);
  };
  const hasWith = some(program, (n) => {
    switch (n.type) {
      case 'WithStatement':
        return true;
      case 'VariableDeclarator':
        add(n.id as AnyNode);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        add(n.id as AnyNode | null);
        for (const p of n.params as AnyNode[]) add(p);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        add(n.id as AnyNode | null);
        break;
      case 'CatchClause':
        add(n.param as AnyNode | null);
        break;
      case 'AssignmentExpression':
        assign(n.left as AnyNode);
        break;
      case 'UpdateExpression':
        assign(n.argument as AnyNode);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        if ((n.left as AnyNode).type !== 'VariableDeclaration') assign(n.left as AnyNode);
        break;
    }
    return false;
  });
  return hasWith ? undefined : { rebound: names, assigned };
}

function isName(node: AnyNode, name: string): boolean {
  return node.type === 'Identifier' && node.name === name;
}
