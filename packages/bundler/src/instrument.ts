/**
 * Instruments a canister bundle so runaway code stops deterministically. Every loop body and
 * every function body starts by spending one unit of an execution budget; when the budget runs
 * out the execution traps with "instruction limit exceeded". Counting units rather than wall
 * time keeps executions deterministic, and the check is a decrement and a compare.
 *
 * The budget is a `let` in the bundle's own function scope under a random per-bundle name.
 * Canister code cannot write to it: it would have to name it, and the sandbox has no `eval`.
 */
import { randomBytes } from 'node:crypto';
import { parse, type Node } from 'acorn';
import { fullAncestor } from 'acorn-walk';

interface Edit {
  readonly pos: number;
  readonly text: string;
  /** Among edits at one position: openers outer-first, closers inner-first. */
  readonly order: number;
}

interface BodyNode extends Node {
  readonly body: Node & { readonly body?: Array<Node & { directive?: string }> };
  readonly expression?: boolean;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Instruments `code` (a script) and wraps it with the meter prelude. */
export function instrumentBundle(code: string): string {
  const name = `__tincan_meter_${randomBytes(6).toString('hex')}`;
  const guard = `if(--${name}<0)${name}_out();`;
  const edits: Edit[] = [];
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  fullAncestor(ast, (node, _state, ancestors) => {
    const depth = ancestors.length;
    if (LOOPS.has(node.type)) {
      const body = (node as BodyNode).body;
      if (body.type === 'BlockStatement') edits.push({ pos: body.start + 1, text: guard, order: depth });
      else {
        edits.push({ pos: body.start, text: `{${guard}`, order: depth });
        edits.push({ pos: body.end, text: '}', order: -depth });
      }
    } else if (FUNCTIONS.has(node.type)) {
      const body = (node as BodyNode).body;
      if (body.type === 'BlockStatement') {
        // After any directive prologue ("use strict"), which must stay first to keep its meaning.
        const statements = body.body ?? [];
        let at = body.start + 1;
        for (const s of statements) {
          if (s.directive === undefined) break;
          at = s.end;
        }
        edits.push({ pos: at, text: guard, order: depth });
      } else {
        edits.push({ pos: body.start, text: `(${name}_tick(),`, order: depth });
        edits.push({ pos: body.end, text: ')', order: -depth });
      }
    }
  });
  edits.sort((a, b) => a.pos - b.pos || a.order - b.order);
  const parts: string[] = [];
  let last = 0;
  for (const edit of edits) {
    parts.push(code.slice(last, edit.pos), edit.text);
    last = edit.pos;
  }
  parts.push(code.slice(last));
  const sys = 'globalThis[Symbol.for("tincan.system")]';
  // One line, so the bundle's line numbers (and its source map) stay as they were.
  const prelude =
    `let ${name}=0;const ${name}_out=()=>{const more=${sys}.meterRefill();if(more>0){${name}=more;return;}throw new Error("execution limit exceeded");};` +
    `const ${name}_tick=()=>{if(--${name}<0)${name}_out();};` +
    `${sys}.registerMeter({reset:(n)=>{${name}=n;},remaining:()=>${name}});`;
  return `(() => {${prelude}${parts.join('')}\n})();\n`;
}
