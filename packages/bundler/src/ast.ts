/** Helpers over acorn's ESTree nodes, shared by the instrumenter and its loop analysis. */
import type { Node } from 'acorn';

/** An acorn node with its fields reachable by name. */
export type AnyNode = Node & Record<string, unknown>;

/** Fields of a node that are not child nodes. */
const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'sourceFile']);

/** The child nodes of `node`, in source order of its fields. */
export function childNodes(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

/** Whether `value` is a syntax node. */
export function isNode(value: unknown): value is AnyNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Names bound or assigned by a pattern (an identifier, or array/object destructuring). */
export function patternNames(p: AnyNode): string[] {
  switch (p.type) {
    case 'Identifier':
      return [p.name as string];
    case 'ArrayPattern':
      return (p.elements as Array<AnyNode | null>).flatMap((e) =>
        e === null ? [] : patternNames(e),
      );
    case 'ObjectPattern':
      return (p.properties as AnyNode[]).flatMap((q) =>
        patternNames((q.type === 'RestElement' ? q : q.value) as AnyNode),
      );
    case 'RestElement':
      return patternNames(p.argument as AnyNode);
    case 'AssignmentPattern':
      return patternNames(p.left as AnyNode);
    default:
      return [];
  }
}

/** Whether `test` holds for `node` or any node under it. */
export function some(node: AnyNode, test: (n: AnyNode) => boolean): boolean {
  if (test(node)) return true;
  for (const child of childNodes(node)) if (some(child, test)) return true;
  return false;
}
