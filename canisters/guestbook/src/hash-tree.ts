/**
 * A small certified hash tree for canisters (ICP's hash-tree format: empty, fork, labeled,
 * leaf), with its root hash (the value a canister passes to `certifiedDataSet`) and its CBOR
 * encoding (what goes into an `IC-Certificate` header). Plain TypeScript over @noble/hashes,
 * so it builds unchanged with Azle.
 */
import { sha256 } from '@noble/hashes/sha256';

/** A node of a hash tree. */
export type HashTree =
  | { readonly kind: 'empty' }
  | { readonly kind: 'fork'; readonly left: HashTree; readonly right: HashTree }
  | { readonly kind: 'labeled'; readonly label: Uint8Array; readonly tree: HashTree }
  | { readonly kind: 'leaf'; readonly value: Uint8Array };

const utf8 = new TextEncoder();

/** UTF-8 bytes of a label or value. */
export function text(value: string): Uint8Array {
  return utf8.encode(value);
}

/** Builds the tree holding every `[path, value]` entry; labels at each level sorted bytewise. */
export function buildTree(
  entries: ReadonlyArray<readonly [readonly Uint8Array[], Uint8Array]>,
  depth = 0,
): HashTree {
  const first = entries[0];
  if (first === undefined) return { kind: 'empty' };
  if (first[0].length === depth) return { kind: 'leaf', value: first[1] };
  const groups = new Map<string, Array<readonly [readonly Uint8Array[], Uint8Array]>>();
  const labels = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const label = entry[0][depth] as Uint8Array;
    const key = hex(label);
    labels.set(key, label);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [entry]);
    else group.push(entry);
  }
  const children = [...groups.keys()].sort().map((key): HashTree => ({
    kind: 'labeled',
    label: labels.get(key) as Uint8Array,
    tree: buildTree(groups.get(key) ?? [], depth + 1),
  }));
  return forks(children);
}

function forks(nodes: HashTree[]): HashTree {
  if (nodes.length === 0) return { kind: 'empty' };
  if (nodes.length === 1) return nodes[0] as HashTree;
  const middle = Math.ceil(nodes.length / 2);
  return { kind: 'fork', left: forks(nodes.slice(0, middle)), right: forks(nodes.slice(middle)) };
}

/** The root hash of a tree. */
export function rootHash(tree: HashTree): Uint8Array {
  switch (tree.kind) {
    case 'empty':
      return sha256(domain('ic-hashtree-empty'));
    case 'fork':
      return sha256(
        concat([domain('ic-hashtree-fork'), rootHash(tree.left), rootHash(tree.right)]),
      );
    case 'labeled':
      return sha256(concat([domain('ic-hashtree-labeled'), tree.label, rootHash(tree.tree)]));
    case 'leaf':
      return sha256(concat([domain('ic-hashtree-leaf'), tree.value]));
  }
}

/** CBOR encoding of a tree (self-describing tag first), as certificates and headers carry it. */
export function encodeTree(tree: HashTree): Uint8Array {
  const out: number[] = [0xd9, 0xd9, 0xf7];
  writeTree(out, tree);
  return Uint8Array.from(out);
}

/** CBOR encoding of an array of text strings (an `expr_path`), self-describing tag first. */
export function encodeTextArray(values: readonly string[]): Uint8Array {
  const out: number[] = [0xd9, 0xd9, 0xf7];
  head(out, 4, values.length);
  for (const value of values) {
    const bytes = text(value);
    head(out, 3, bytes.length);
    for (const b of bytes) out.push(b);
  }
  return Uint8Array.from(out);
}

function writeTree(out: number[], tree: HashTree): void {
  switch (tree.kind) {
    case 'empty':
      head(out, 4, 1);
      head(out, 0, 0);
      return;
    case 'fork':
      head(out, 4, 3);
      head(out, 0, 1);
      writeTree(out, tree.left);
      writeTree(out, tree.right);
      return;
    case 'labeled':
      head(out, 4, 3);
      head(out, 0, 2);
      bytes(out, tree.label);
      writeTree(out, tree.tree);
      return;
    case 'leaf':
      head(out, 4, 2);
      head(out, 0, 3);
      bytes(out, tree.value);
      return;
  }
}

function bytes(out: number[], value: Uint8Array): void {
  head(out, 2, value.length);
  for (const b of value) out.push(b);
}

/** A CBOR head: major type and length (up to 2^32). */
function head(out: number[], major: number, length: number): void {
  const m = major << 5;
  if (length < 24) out.push(m | length);
  else if (length < 0x100) out.push(m | 24, length);
  else if (length < 0x10000) out.push(m | 25, length >> 8, length & 0xff);
  else
    out.push(
      m | 26,
      (length >>> 24) & 0xff,
      (length >> 16) & 0xff,
      (length >> 8) & 0xff,
      length & 0xff,
    );
}

function domain(separator: string): Uint8Array {
  const bytes = text(separator);
  return concat([Uint8Array.of(bytes.length), bytes]);
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hex(value: Uint8Array): string {
  let s = '';
  for (const b of value) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (RFC 4648), as structured headers carry byte sequences. */
export function base64(value: Uint8Array): string {
  let s = '';
  for (let i = 0; i < value.length; i += 3) {
    const a = value[i] as number;
    const b = value[i + 1];
    const c = value[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    s += BASE64[(n >> 18) & 63] as string;
    s += BASE64[(n >> 12) & 63] as string;
    s += b === undefined ? '=' : (BASE64[(n >> 6) & 63] as string);
    s += c === undefined ? '=' : (BASE64[n & 63] as string);
  }
  return s;
}
