/**
 * Finds counted loops: `for` loops whose trip count is known when they start, so the meter can
 * charge all their iterations at once instead of once per iteration (see instrument.ts). The
 * shape is `for (let i = A; i OP B; STEP) BODY` with OP one of `<`, `<=`, `>`, `>=` and STEP
 * one of `i++`, `++i`, `i--`, `--i`, `i += C`, `i -= C`, where B and C are number literals or
 * local bindings that nothing can change while the loop runs. Every rule errs towards refusing:
 *
 * - `i` is declared by the loop with `let`, and the loop's test, step and body never assign it.
 * - The body holds no function (no closure over `i`), no loop (so hoisted loops never nest and
 *   the instrumenter's two copies of a body stay two), no `yield`/`await` (an execution may end
 *   inside the loop), and nothing that leaves the loop early: no `return`, `throw`, or `break`
 *   or labelled `continue` that targets this loop or one outside it. Only an exception thrown
 *   by an operation in the body can cut the loop short; then the charge is an upper bound.
 * - B and C, when names, are declared in the function that runs the loop, in a scope around
 *   the loop (a parameter, a `var`, or a `let`/`const` written before it outside a `switch`),
 *   are not the loop's `i`, are never assigned inside the loop nor in any function nested in
 *   that function (no callee, getter or `valueOf` can reach them), and are not parameters of a
 *   function that uses `arguments` (sloppy-mode aliasing).
 * - The loop is not labelled (the instrumenter wraps it in a block), and the program has no
 *   `with` statement.
 *
 * Whether the values are numbers of a usable size is checked at run time by the meter.
 */
import { childNodes, patternNames, some, type AnyNode } from './ast.js';

/** A loop whose iterations are charged at once, before it starts. */
export interface CountedLoop {
  /** The initial value's expression (A). */
  readonly init: AnyNode;
  /** B's source text: a name or a number literal. */
  readonly bound: string;
  /** The signed step's source text: `1`, `-1`, `C` or `-(C)`. */
  readonly step: string;
  /** The test: 0 `<`, 1 `<=`, 2 `>`, 3 `>=`. */
  readonly test: number;
}

const TESTS: Readonly<Record<string, number>> = { '<': 0, '<=': 1, '>': 2, '>=': 3 };
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** Code that can run later, when called: functions, and class field initializers and static blocks. */
const CLOSURES = new Set([...FUNCTIONS, 'PropertyDefinition', 'StaticBlock']);
const LOOPS = new Set([
  'ForStatement',
  'WhileStatement',
  'DoWhileStatement',
  'ForInStatement',
  'ForOfStatement',
]);

/** The counted loops of `program`, by their `ForStatement` node. */
export function findCountedLoops(program: AnyNode): Map<AnyNode, CountedLoop> {
  const found = new Map<AnyNode, CountedLoop>();
  if (some(program, (n) => n.type === 'WithStatement')) return found;
  const ancestors: AnyNode[] = [];
  const visit = (node: AnyNode): void => {
    if (node.type === 'ForStatement') {
      const plan = countedLoop(node, ancestors);
      if (plan !== undefined) found.set(node, plan);
    }
    ancestors.push(node);
    for (const child of childNodes(node)) visit(child);
    ancestors.pop();
  };
  visit(program);
  return found;
}

function countedLoop(loop: AnyNode, ancestors: readonly AnyNode[]): CountedLoop | undefined {
  const parent = ancestors[ancestors.length - 1];
  if (parent?.type === 'LabeledStatement') return undefined;
  const init = loop.init as AnyNode | null;
  if (init?.type !== 'VariableDeclaration' || init.kind !== 'let') return undefined;
  const declarators = init.declarations as AnyNode[];
  const declarator = declarators[0];
  if (declarators.length !== 1 || declarator === undefined || declarator.init == null)
    return undefined;
  const id = declarator.id as AnyNode;
  if (id.type !== 'Identifier') return undefined;
  const name = id.name as string;
  const a = declarator.init as AnyNode;
  const testNode = loop.test as AnyNode | null;
  if (testNode?.type !== 'BinaryExpression') return undefined;
  const test = TESTS[testNode.operator as string];
  if (test === undefined || !isName(testNode.left as AnyNode, name)) return undefined;
  const b = testNode.right as AnyNode;
  const step = stepOf(loop.update as AnyNode | null, name);
  if (step === undefined) return undefined;
  const body = loop.body as AnyNode;
  // A may not see `i` (it would read the loop's binding, uninitialized) nor hold a closure.
  if (some(a, (n) => FUNCTIONS.has(n.type) || isName(n, name)) || !bodyQualifies(body))
    return undefined;
  if (assigns(body, name)) return undefined;
  for (const operand of [b, step.operand]) {
    if (operand === undefined || isNumberLiteral(operand)) continue;
    if (operand.type !== 'Identifier' || operand.name === name) return undefined;
    if (!steady(operand.name as string, loop, ancestors)) return undefined;
  }
  return { init: a, bound: source(b), step: step.text, test };
}

/** The loop's step as signed text, with the operand to check. */
function stepOf(
  update: AnyNode | null,
  name: string,
): { text: string; operand?: AnyNode } | undefined {
  if (update === null) return undefined;
  if (update.type === 'UpdateExpression' && isName(update.argument as AnyNode, name))
    return { text: update.operator === '++' ? '1' : '-1' };
  if (update.type !== 'AssignmentExpression' || !isName(update.left as AnyNode, name))
    return undefined;
  const c = update.right as AnyNode;
  if (!isNumberLiteral(c) && c.type !== 'Identifier') return undefined;
  if (update.operator === '+=') return { text: source(c), operand: c };
  if (update.operator === '-=') return { text: `-(${source(c)})`, operand: c };
  return undefined;
}

/** No function, loop, `yield`, `await`, `return`, `throw`, or jump out of the loop. */
function bodyQualifies(body: AnyNode): boolean {
  const labels = new Set<string>();
  let ok = true;
  const visit = (node: AnyNode, inSwitch: boolean): void => {
    if (!ok) return;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
      case 'ClassExpression':
      case 'YieldExpression':
      case 'AwaitExpression':
      case 'ReturnStatement':
      case 'ThrowStatement':
        ok = false;
        return;
      case 'BreakStatement':
      case 'ContinueStatement': {
        const label = node.label as AnyNode | null;
        if (label !== null) ok = labels.has(label.name as string);
        else if (node.type === 'BreakStatement') ok = inSwitch;
        return;
      }
      case 'LabeledStatement':
        labels.add((node.label as AnyNode).name as string);
        break;
      default:
        if (LOOPS.has(node.type)) {
          ok = false;
          return;
        }
    }
    for (const child of childNodes(node)) visit(child, inSwitch || node.type === 'SwitchStatement');
  };
  visit(body, false);
  return ok;
}

/** Whether `name`'s binding, seen from `loop`, is local and cannot change while the loop runs. */
function steady(name: string, loop: AnyNode, ancestors: readonly AnyNode[]): boolean {
  let fn: AnyNode | undefined;
  let declared = false;
  for (let i = ancestors.length - 1; i >= 0 && fn === undefined; i--) {
    const scope = ancestors[i] as AnyNode;
    if (FUNCTIONS.has(scope.type) || scope.type === 'Program') {
      fn = scope;
      const params = (scope.params as AnyNode[] | undefined) ?? [];
      if (params.some((p) => patternNames(p).includes(name))) {
        if (scope.type !== 'ArrowFunctionExpression' && some(scope, (n) => isName(n, 'arguments')))
          return false;
        declared = true;
      } else if (!declared && scope.type === 'Program') {
        const found = declaresInScope(scope, name, loop);
        if (found === 'other') return false;
        declared = found === 'yes' || hasVar(scope, name);
      } else if (!declared) {
        declared = hasVar(scope.body as AnyNode, name);
      }
    } else if (!declared) {
      const found = declaresInScope(scope, name, loop);
      if (found === 'other') return false;
      declared = found === 'yes';
    }
  }
  if (fn === undefined || !declared) return false;
  if (assigns(loop.body as AnyNode, name) || assigns(loop.update as AnyNode, name)) return false;
  // No closure created in the function may assign it: a callee, getter or valueOf could run it.
  return !assignsInClosure(fn, name);
}

/** Whether code under `fn` that runs when called (a nested function, field or static block) assigns `name`. */
function assignsInClosure(fn: AnyNode, name: string): boolean {
  const visit = (node: AnyNode, inClosure: boolean): boolean => {
    if (inClosure && assignsHere(node, name)) return true;
    const inner = inClosure || (node !== fn && CLOSURES.has(node.type));
    return childNodes(node).some((child) => visit(child, inner));
  };
  return visit(fn, false);
}

/** Whether `scope` (a block, `for` or `catch` around the loop) declares `name`, and how. */
function declaresInScope(scope: AnyNode, name: string, loop: AnyNode): 'yes' | 'no' | 'other' {
  if (
    scope.type === 'ForStatement' ||
    scope.type === 'ForInStatement' ||
    scope.type === 'ForOfStatement'
  ) {
    const head = (scope.type === 'ForStatement' ? scope.init : scope.left) as AnyNode | null;
    if (head?.type !== 'VariableDeclaration' || !declarationNames(head).includes(name)) return 'no';
    // A `for…in`/`for…of` binding is assigned each iteration, but never while an inner loop runs.
    return 'yes';
  }
  if (scope.type === 'CatchClause')
    return scope.param != null && patternNames(scope.param as AnyNode).includes(name)
      ? 'yes'
      : 'no';
  if (scope.type === 'SwitchStatement') {
    for (const c of scope.cases as AnyNode[])
      for (const s of c.consequent as AnyNode[]) if (declaresName(s, name)) return 'other';
    return 'no';
  }
  // The instrumenter wraps the whole program in a function, so its top level is local too.
  if (scope.type !== 'BlockStatement' && scope.type !== 'StaticBlock' && scope.type !== 'Program')
    return 'no';
  for (const s of scope.body as AnyNode[]) {
    if (!declaresName(s, name)) continue;
    if (s.type !== 'VariableDeclaration') return 'other';
    // A `let`/`const` written after the loop may still be uninitialized when the loop starts.
    return s.kind === 'var' || s.end <= loop.start ? 'yes' : 'other';
  }
  return 'no';
}

function declaresName(s: AnyNode, name: string): boolean {
  if (s.type === 'VariableDeclaration') return declarationNames(s).includes(name);
  if (s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration')
    return isName(s.id as AnyNode | null, name);
  return false;
}

/** Whether a `var` of `name` is declared in `body`, outside nested functions and class bodies' code. */
function hasVar(body: AnyNode, name: string): boolean {
  let found = false;
  const visit = (node: AnyNode): void => {
    if (found || CLOSURES.has(node.type)) return;
    if (
      node.type === 'VariableDeclaration' &&
      node.kind === 'var' &&
      declarationNames(node).includes(name)
    )
      found = true;
    for (const child of childNodes(node)) visit(child);
  };
  for (const child of body.type === 'BlockStatement' || body.type === 'Program'
    ? (body.body as AnyNode[])
    : [body])
    visit(child);
  return found;
}

/** Whether anything under `node` assigns to the name `name` (by `=`, `op=`, `++`/`--`, or a `for…in/of` head). */
function assigns(node: AnyNode | null, name: string): boolean {
  if (node === null) return false;
  return some(node, (n) => assignsHere(n, name));
}

/** Whether `n` itself assigns `name`. */
function assignsHere(n: AnyNode, name: string): boolean {
  if (n.type === 'AssignmentExpression') return patternNames(n.left as AnyNode).includes(name);
  if (n.type === 'UpdateExpression') return isName(n.argument as AnyNode, name);
  if (n.type === 'ForInStatement' || n.type === 'ForOfStatement')
    return (
      (n.left as AnyNode).type !== 'VariableDeclaration' &&
      patternNames(n.left as AnyNode).includes(name)
    );
  return false;
}

function declarationNames(decl: AnyNode): string[] {
  return (decl.declarations as AnyNode[]).flatMap((d) => patternNames(d.id as AnyNode));
}

function isName(node: AnyNode | null | undefined, name: string): boolean {
  return node?.type === 'Identifier' && node.name === name;
}

function isNumberLiteral(node: AnyNode): boolean {
  return node.type === 'Literal' && typeof node.value === 'number';
}

function source(node: AnyNode): string {
  return node.type === 'Literal' ? String(node.raw) : (node.name as string);
}
