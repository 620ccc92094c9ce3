/**
 * Instruments a canister bundle so executions count their work deterministically. The code is
 * cut into straight-line blocks: the program, each function body, each loop iteration (body,
 * test and update), each branch arm (`if`/`else`, `switch` case, `catch`). Each block starts by
 * spending its static cost, the summed weights of the operations in it (see meter-weights.ts),
 * from the execution's budget: one subtraction of a constant and one compare. When the budget
 * runs out the execution traps with "instruction limit exceeded". Code that runs only
 * sometimes within a block (the arms of `?:`, `&&`, `||`, the rest of a block after `return`) is
 * charged as if it ran: an upper bound, the same on every run.
 *
 * Counted loops (`for (let i = a; i < n; i += s)` whose `n` and `s` nothing can change while the
 * loop runs, see counted-loops.ts) are written twice: one copy charges every iteration at once
 * before the first, by the trip count computed at run time, and runs with no per-iteration
 * charge; the other, taken when the values are not plain integers, charges per iteration. For a
 * loop that runs to its end the count is the same either way.
 *
 * Spreads (`...xs`) also spend per element at run time; built-ins that do large work in one
 * call are charged by size in the sandbox's kernel, through the meter's `charge`.
 *
 * The budget is a `let` in the bundle's own function scope under a random per-bundle name.
 * Canister code cannot write to it: it would have to name it, and the sandbox has no `eval`.
 */
import { createHash } from 'node:crypto';
import { parse, tokenizer } from 'acorn';
import { childNodes, isNode, type AnyNode } from './ast.js';
import { findCountedLoops, type CountedLoop } from './counted-loops.js';
import { WEIGHTS, weightOf } from './meter-weights.js';

interface Edit {
  readonly pos: number;
  /** Text, with `@` standing for the meter's name. */
  readonly text?: string;
  /** Or the block whose guard goes here, rendered once its cost is known. */
  readonly guard?: Block;
  /** The guard opens an arrow function's expression body: `(spend, expr)`. */
  readonly expression?: boolean;
  /** Or the start of a counted loop, rendered whole (see {@link Renderer}). */
  readonly counted?: CountedRegion;
  /** Among edits at one position: openers outer-first, closers inner-first. */
  readonly order: number;
}

/** A counted loop (counted-loops.ts) and the block of its iterations. */
interface CountedRegion {
  readonly loop: AnyNode;
  readonly plan: CountedLoop;
  readonly iteration: Block;
  /** The depth of the loop's own edits: its body's closing brace has order `-depth`. */
  readonly depth: number;
}

/** A straight-line block being weighed. */
interface Block {
  cost: number;
}

/** Branch arms up to this weight, with no block of their own inside, are charged with their parent. */
const SMALL_ARM_UNITS = 30;

/** What {@link instrumentBundle} produced. */
export interface InstrumentedBundle {
  readonly code: string;
  /** Number of metered blocks (guards) in the code. */
  readonly blocks: number;
  /** Number of counted loops, charged once per loop when their values allow (counted-loops.ts). */
  readonly countedLoops: number;
  /** The meter's name in the code (its counted loops test `NAME_count(…)`). */
  readonly meter: string;
}

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Charge counted loops once per loop (the default); false charges every loop per iteration. */
  readonly countedLoops?: boolean;
}

/** Instruments `code` (a script) and wraps it with the meter prelude. */
export function instrumentBundle(code: string): string {
  return instrument(code).code;
}

/** {@link instrumentBundle}, with statistics. */
export function instrument(code: string, options: InstrumentOptions = {}): InstrumentedBundle {
  // Named from the code's hash, not at random: the same source bundles to the same module (and
  // module hash) every time, as a Wasm build does, and the name still cannot clash with the code.
  const name = `__tincan_meter_${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AnyNode;
  const counted =
    options.countedLoops === false ? new Map<AnyNode, CountedLoop>() : findCountedLoops(ast);
  const walker = new Walker(counted);
  const top: Block = { cost: 0 };
  walker.edits.push({ pos: 0, guard: top, order: -1 });
  walker.children(ast, top, 0);
  walker.edits.sort((a, b) => a.pos - b.pos || a.order - b.order);
  const body = new Renderer(code, name).span(0, code.length, walker.edits);
  return {
    code: `(() => {${prelude(name)}${body}\n})();\n`,
    blocks: walker.blocks + 1,
    countedLoops: counted.size,
    meter: name,
  };
}

/**
 * The meter: the budget variable, the refill on exhaustion (which carries the overdraft over,
 * so units spent are exact), `charge` for run-time costs, and its registration with the kernel.
 * One line, so the bundle's line numbers (and its source map) stay as they were.
 */
function prelude(name: string): string {
  // The kernel's one-shot meter claim (METER_SYMBOL of @tincan/abi): this prelude is the first
  // code of the bundle, so it claims the meter before any canister code could, and the claim
  // leaves the global as it is used.
  const claim = 'globalThis[Symbol.for("tincan.meter")]';
  return (
    `let ${name}=0;let ${name}_refill;` +
    `const ${name}_out=()=>{for(;;){const more=${name}_refill();if(!(more>0))throw new Error("instruction limit exceeded");${name}+=more;if(${name}>=0)return;}};` +
    `const ${name}_charge=(units)=>{if((${name}-=units)<0)${name}_out();};` +
    countPrelude(name) +
    `const ${name}_spread=(v)=>{const n=v==null?0:typeof v.length==="number"?v.length:typeof v.size==="number"?v.size:0;if(n>0)${name}_charge(n*${WEIGHTS.spreadElement});return v;};` +
    `${name}_refill=${claim}({reset:(n)=>{${name}=n;},remaining:()=>${name},charge:(n)=>{${name}_charge(+n);}});`
  );
}

/** Applies edits to the source, writing each counted loop twice (charged at once, or per iteration). */
/**
 * The meter's `count(a, b, step, test, cost)` for counted loops: when the start `a` and `step`
 * are integers and `a`, `b` are within ±2^53 (so every value the index takes is exact), it
 * charges `cost` for each of the loop's iterations and returns true. Otherwise (other types, a
 * step of 0 or away from the bound, an index that would leave the safe range) it charges
 * nothing and returns false, and the loop runs its per-iteration copy. A trip count the budget
 * cannot pay traps before the loop's first iteration. `Math.floor` and `Math.ceil` are taken
 * before canister code runs (and global lookups are slow in a vm context).
 */
function countPrelude(name: string): string {
  const S = Number.MAX_SAFE_INTEGER;
  return (
    `const ${name}_floor=Math.floor,${name}_ceil=Math.ceil;` +
    `const ${name}_count=(a,b,s,t,w)=>{` +
    `if(typeof a!=="number"||typeof b!=="number"||typeof s!=="number"||${name}_floor(a)!==a||${name}_floor(s)!==s||!(a>=-${S}&&a<=${S}&&b>=-${S}&&b<=${S}))return false;` +
    `const up=t<2;if(up?!(s>0):!(s<0))return false;` +
    // The last value the index passes the test with is below e (counting up) or above it.
    `const e=t===0?${name}_ceil(b):t===1?${name}_floor(b)+1:t===2?${name}_floor(b):${name}_ceil(b)-1;` +
    `const x=up?e-a:a-e;if(x>${S})return false;` +
    `if(x>0&&(${name}-=(${name}_floor((x-1)/(up?s:-s))+1)*w)<0)${name}_out();return true;};`
  );
}

const NEWLINE = /[\n\r\u2028\u2029]/;

/**
 * `statement` on one line: each run of space and comments between two tokens that holds a line
 * break becomes one space. Undefined when that could change its meaning: a token (a template
 * or a string) spans lines, a `break`/`continue` is followed by a line break (automatic
 * semicolon insertion), or the result does not parse as the statement it was.
 */
export function oneLine(statement: string): string | undefined {
  const parts: string[] = [];
  let last = 0;
  let previous = '';
  try {
    for (const token of tokenizer(statement, { ecmaVersion: 'latest' })) {
      const gap = statement.slice(last, token.start);
      const text = statement.slice(token.start, token.end);
      if (NEWLINE.test(text)) return undefined;
      if (NEWLINE.test(gap)) {
        if (previous === 'break' || previous === 'continue') return undefined;
        parts.push(' ');
      } else parts.push(gap);
      parts.push(text);
      previous = text;
      last = token.end;
    }
    const line = parts.join('');
    const before = parse(statement, PARSE_ONE) as unknown as AnyNode;
    const after = parse(line, PARSE_ONE) as unknown as AnyNode;
    return shape(before) === shape(after) ? line : undefined;
  } catch {
    return undefined;
  }
}

const PARSE_ONE = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
} as const;

/** The node types of a tree in order, to tell that two texts parse alike. */
function shape(node: AnyNode): string {
  return `${node.type}(${childNodes(node).map(shape).join(',')})`;
}

class Renderer {
  constructor(
    readonly code: string,
    readonly name: string,
  ) {}

  /** `code` from `from` to `to` with `edits` (sorted, all in that range) applied, leaving out the guard of `skip`. */
  span(from: number, to: number, edits: readonly Edit[], skip?: Block): string {
    const parts: string[] = [];
    let last = from;
    for (let i = 0; i < edits.length; i++) {
      const edit = edits[i] as Edit;
      parts.push(this.code.slice(last, edit.pos));
      last = edit.pos;
      if (edit.counted !== undefined) {
        const { loop, depth } = edit.counted;
        let j = i + 1;
        for (; j < edits.length; j++) {
          const e = edits[j] as Edit;
          if (e.pos > loop.end || (e.pos === loop.end && e.order > -depth)) break;
        }
        parts.push(this.#counted(edit.counted, edits.slice(i + 1, j)));
        last = loop.end;
        i = j - 1;
      } else if (skip === undefined || edit.guard !== skip) parts.push(this.#render(edit));
    }
    parts.push(this.code.slice(last, to));
    return parts.join('');
  }

  /**
   * `{const a=A;if(count(a,B,C,test,cost))for(let i=a;…)BODY else for(let i=a;…){guard;BODY}}`:
   * the meter's `count` charges every iteration at once when the values are numbers it can
   * count exactly; otherwise the second copy charges per iteration, as any loop.
   */
  #counted(region: CountedRegion, edits: readonly Edit[]): string {
    const { loop, plan, iteration } = region;
    const a = plan.init;
    const inInit = (e: Edit): boolean => e.pos < a.end || (e.pos === a.end && e.order < 0);
    const init = this.span(a.start, a.end, edits.filter(inInit));
    const rest = edits.filter((e) => !inInit(e));
    const head = `${this.code.slice(loop.start, a.start)}${this.name}_a`;
    const count = `${this.name}_count(${this.name}_a,${plan.bound},${plan.step},${plan.test},${iteration.cost})`;
    const once = this.span(a.end, loop.end, rest, iteration);
    // The second copy goes on the last line of the first, so the lines of the code after it
    // (and the bundle's source map) stay where they were.
    const each = oneLine(`${head}${this.span(a.end, loop.end, rest)}`);
    // A loop whose text cannot be put on one line with its meaning kept is charged per iteration.
    if (each === undefined) return this.span(loop.start, loop.end, edits);
    return `{const ${this.name}_a=${init};if(${count})${head}${once}else ${each}}`;
  }

  #render(edit: Edit): string {
    const name = this.name;
    if (edit.guard === undefined) return (edit.text ?? '').replaceAll('@', name);
    const spend = `(${name}-=${edit.guard.cost})<0`;
    return edit.expression === true ? `(${spend}&&${name}_out(),` : `if(${spend})${name}_out();`;
  }
}

class Walker {
  readonly edits: Edit[] = [];
  blocks = 0;
  /** Loops seen so far, to tell arms with loops inside. */
  loops = 0;

  constructor(readonly counted: ReadonlyMap<AnyNode, CountedLoop>) {}

  /** Adds `node` and everything under it that runs with it to `block`. */
  node(node: AnyNode, block: Block, depth: number): void {
    block.cost += weightOf(node);
    const d = depth + 1;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.#function(node, d);
      case 'ForStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.#loop(node, block, d);
      case 'IfStatement':
        this.node(node.test as AnyNode, block, d);
        this.#arm(node.consequent as AnyNode, block, d);
        if (node.alternate != null) this.#arm(node.alternate as AnyNode, block, d);
        return;
      case 'SwitchStatement':
        this.node(node.discriminant as AnyNode, block, d);
        for (const c of node.cases as AnyNode[]) {
          block.cost += weightOf(c);
          this.#opt(c.test, block, d);
          const body = c.consequent as AnyNode[];
          const first = body[0];
          if (first === undefined) continue;
          const arm: Block = { cost: 0 };
          this.#guardAt(first.start, arm, d);
          for (const s of body) this.node(s, arm, d + 1);
        }
        return;
      case 'CatchClause': {
        const handler: Block = { cost: WEIGHTS.catchEntry };
        this.#guardAt((node.body as AnyNode).start + 1, handler, d);
        this.#opt(node.param, handler, d);
        this.children(node.body as AnyNode, handler, d);
        return;
      }
      case 'MemberExpression':
        this.node(node.object as AnyNode, block, d);
        if (node.computed === true) this.node(node.property as AnyNode, block, d);
        return;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.computed === true) this.node(node.key as AnyNode, block, d);
        this.#opt(node.value, block, d);
        return;
      case 'SpreadElement': {
        const arg = node.argument as AnyNode;
        this.edits.push(
          { pos: arg.start, text: '@_spread(', order: d },
          { pos: arg.end, text: ')', order: -d },
        );
        this.node(arg, block, d);
        return;
      }
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'ImportSpecifier':
        return;
      default:
        this.children(node, block, depth);
    }
  }

  /** Adds every child node of `node` to `block`. */
  children(node: AnyNode, block: Block, depth: number): void {
    for (const child of childNodes(node)) this.node(child, block, depth + 1);
  }

  #opt(node: unknown, block: Block, depth: number): void {
    if (isNode(node)) this.node(node, block, depth);
  }

  /** A function: its parameters (defaults run per call) and body are one new block. */
  #function(fn: AnyNode, depth: number): void {
    const body = fn.body as AnyNode;
    const block: Block = { cost: WEIGHTS.functionEntry };
    this.blocks++;
    if (body.type === 'BlockStatement') {
      // After any directive prologue ("use strict"), which must stay first to keep its meaning.
      let at = body.start + 1;
      for (const s of body.body as Array<AnyNode & { directive?: string }>) {
        if (s.directive === undefined) break;
        at = s.end;
      }
      this.edits.push({ pos: at, guard: block, order: depth });
      for (const p of fn.params as AnyNode[]) this.node(p, block, depth);
      this.children(body, block, depth);
    } else {
      // An expression body: `(spend, expr)`.
      this.edits.push(
        { pos: body.start, guard: block, expression: true, order: depth },
        { pos: body.end, text: ')', order: -depth },
      );
      for (const p of fn.params as AnyNode[]) this.node(p, block, depth);
      this.node(body, block, depth);
    }
  }

  /** A loop: each iteration (test, update, body) is a block. */
  #loop(loop: AnyNode, block: Block, depth: number): void {
    const iteration: Block = {
      cost:
        loop.type === 'ForInStatement' || loop.type === 'ForOfStatement'
          ? WEIGHTS.iteratorStep
          : WEIGHTS.loopIteration,
    };
    if (loop.type === 'ForStatement') this.#opt(loop.init, block, depth);
    if (loop.type === 'ForInStatement' || loop.type === 'ForOfStatement') {
      this.node(loop.right as AnyNode, block, depth);
      this.node(loop.left as AnyNode, iteration, depth);
    }
    this.loops++;
    this.#opt(loop.test, iteration, depth);
    this.#opt(loop.update, iteration, depth);
    const body = loop.body as AnyNode;
    this.#blockBody(body, iteration, depth);
    this.#guard(body, iteration, depth);
    const plan = this.counted.get(loop);
    if (plan !== undefined)
      this.edits.push({ pos: loop.start, counted: { loop, plan, iteration, depth }, order: depth });
  }

  /** A branch arm: its own block, or, when it is tiny and straight, part of the block around it. */
  #arm(statement: AnyNode, parent: Block, depth: number): void {
    const arm: Block = { cost: 0 };
    const guards = this.edits.filter((e) => e.guard !== undefined).length;
    const loops = this.#blockBody(statement, arm, depth);
    const nested =
      this.edits.filter((e) => e.guard !== undefined).length > guards || loops !== this.loops;
    if (!nested && arm.cost <= SMALL_ARM_UNITS) parent.cost += arm.cost;
    else this.#guard(statement, arm, depth);
  }

  /** Weighs a block's statements (or a lone statement) into `block`; returns the loop count before. */
  #blockBody(statement: AnyNode, block: Block, depth: number): number {
    const before = this.loops;
    if (statement.type === 'BlockStatement') this.children(statement, block, depth);
    else this.node(statement, block, depth);
    return before;
  }

  /** Puts `block`'s guard at the start of `statement`, bracing a lone statement. */
  #guard(statement: AnyNode, block: Block, depth: number): void {
    if (statement.type === 'BlockStatement') {
      this.blocks++;
      this.edits.push({ pos: statement.start + 1, guard: block, order: depth });
    } else {
      this.blocks++;
      this.edits.push(
        { pos: statement.start, text: '{', order: depth },
        { pos: statement.start, guard: block, order: depth + 0.5 },
      );
      this.edits.push({ pos: statement.end, text: '}', order: -depth });
    }
  }

  #guardAt(pos: number, block: Block, depth: number): void {
    this.blocks++;
    this.edits.push({ pos, guard: block, order: depth });
  }
}
