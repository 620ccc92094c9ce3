/**
 * Static weights of canister code, in tincan's instruction unit. One unit stands for about one
 * Wasm instruction of a JavaScript engine compiled to Wasm (the way Azle runs TypeScript on
 * ICP): a bytecode interpreter spends a few Wasm instructions to push a local or a constant,
 * about ten to dispatch and run an arithmetic operator, a few dozen for a property lookup and
 * about a hundred to set up a call frame. The numbers are estimates of that order, chosen so
 * that the same JavaScript costs about what it would cost on ICP, and so that an empty loop
 * (the cheapest runaway code) spends a 40B update budget within about two seconds of V8 time.
 */
import type { Node } from 'acorn';

/** Costs that are not tied to one syntax node. */
export const WEIGHTS = {
  /** One iteration of a `for`/`while`/`do` loop: test and backward jump. */
  loopIteration: 20,
  /** One iteration of `for…of`/`for…in`: the iterator's `next()` and its result object. */
  iteratorStep: 60,
  /** Entering a function body: frame, arguments, locals. The call site pays for the call. */
  functionEntry: 40,
  /** Entering a `catch` block: unwinding to the handler. */
  catchEntry: 100,
  /** Per element copied by a spread (`...xs`), charged at run time by the spread's length. */
  spreadElement: 4,
} as const;

/** Weight of one syntax node of each type, excluding its children. Unlisted types weigh 10. */
const NODE_WEIGHTS: Readonly<Record<string, number>> = {
  Program: 0,
  BlockStatement: 0,
  StaticBlock: 0,
  EmptyStatement: 0,
  LabeledStatement: 0,
  DebuggerStatement: 0,
  SequenceExpression: 0,
  ParenthesizedExpression: 0,
  VariableDeclaration: 0,
  ChainExpression: 0,
  ExpressionStatement: 2,
  Identifier: 4,
  PrivateIdentifier: 0,
  Literal: 2,
  ThisExpression: 2,
  Super: 2,
  MetaProperty: 4,
  TemplateElement: 2,
  VariableDeclarator: 4,
  ReturnStatement: 6,
  BreakStatement: 4,
  ContinueStatement: 4,
  IfStatement: 6,
  SwitchStatement: 10,
  SwitchCase: 10,
  TryStatement: 10,
  CatchClause: 0,
  ThrowStatement: 100,
  UnaryExpression: 6,
  UpdateExpression: 8,
  BinaryExpression: 10,
  LogicalExpression: 6,
  ConditionalExpression: 6,
  AssignmentExpression: 6,
  AssignmentPattern: 6,
  MemberExpression: 30,
  CallExpression: 100,
  NewExpression: 200,
  TaggedTemplateExpression: 120,
  ImportExpression: 200,
  AwaitExpression: 200,
  YieldExpression: 100,
  SpreadElement: 40,
  RestElement: 60,
  ObjectExpression: 60,
  ObjectPattern: 30,
  ArrayExpression: 60,
  ArrayPattern: 60,
  Property: 20,
  TemplateLiteral: 30,
  FunctionDeclaration: 80,
  FunctionExpression: 80,
  ArrowFunctionExpression: 80,
  ClassDeclaration: 300,
  ClassExpression: 300,
  ClassBody: 0,
  MethodDefinition: 20,
  PropertyDefinition: 20,
  WithStatement: 50,
};

/** Operators that do more than arithmetic: a prototype-chain walk, or a property deletion. */
const HEAVY_OPERATORS: Readonly<Record<string, number>> = { in: 30, instanceof: 30, delete: 40 };

/** The static weight of `node` itself (its children are weighed separately). */
export function weightOf(node: Node): number {
  const n = node as Node & {
    operator?: string;
    regex?: unknown;
    elements?: readonly unknown[];
    expressions?: readonly unknown[];
  };
  if (n.operator !== undefined && n.operator in HEAVY_OPERATORS)
    return HEAVY_OPERATORS[n.operator] ?? 0;
  // A regular expression literal builds a RegExp object each time it is evaluated.
  if (n.type === 'Literal' && n.regex !== undefined) return 50;
  const base = NODE_WEIGHTS[n.type] ?? 10;
  if (n.type === 'ArrayExpression') return base + 10 * (n.elements?.length ?? 0);
  if (n.type === 'TemplateLiteral') return base + 20 * (n.expressions?.length ?? 0);
  return base;
}
