/**
 * Builders of raw binary Candid, including messages no encoder would write, and the hostile
 * arguments the decoder must refuse quickly. For tests and benchmarks of decoders; nothing in
 * the decode path uses this file.
 */

/** Unsigned LEB128 of `n`. */
export function leb128(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

/** Signed LEB128 of `n` (type references and opcodes). */
export function sleb128(n: number): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A message from type table entries (each already encoded), argument types and value bytes. */
export function candidMessage(
  entries: readonly (readonly number[])[],
  args: readonly number[],
  values: readonly number[],
): Uint8Array {
  return new Uint8Array([
    0x44,
    0x49,
    0x44,
    0x4c,
    ...leb128(entries.length),
    ...entries.flat(),
    ...leb128(args.length),
    ...args.flatMap(sleb128),
    ...values,
  ]);
}

/** The parameter type a hostile argument is aimed at. */
export type HostileTarget = 'nat' | 'text' | 'blob' | 'vec null' | 'list';

/** One hostile argument and the decode error it must get. */
export interface HostileCandid {
  readonly name: string;
  /** The method parameter it is sent to (`list` is `μl. opt record { head : nat; tail : l }`). */
  readonly target: HostileTarget;
  readonly bytes: Uint8Array;
  /** What the error message says. */
  readonly error: RegExp;
}

const OPT = 0x6e;
const VEC = 0x6d;
const RECORD = 0x6c;

/** The hostile arguments found so far (each froze or fooled a decoder once). */
export function hostileCandid(): HostileCandid[] {
  const n = 4_000;
  const nestedOpt = Array.from({ length: n }, (_, i) => [
    OPT,
    ...sleb128(i === n - 1 ? -3 : i + 1),
  ]);
  const bigTable = Array.from({ length: 100_000 }, () => [VEC, ...sleb128(-3)]);
  // μl. opt record { head : nat (id 1158359328); tail : l (id 1291237008) }
  const list = [
    [OPT, 1],
    [RECORD, 2, ...leb128(1_158_359_328), ...sleb128(-3), ...leb128(1_291_237_008), 0],
  ];
  // Each level is `opt` present (1) and head = 5; the innermost tail is none (0).
  const deepList: number[] = [];
  for (let i = 0; i < n; i++) deepList.push(1, 5);
  deepList.push(0);
  return [
    {
      name: '4,000 nested opt (4 KB)',
      target: 'nat',
      bytes: candidMessage(nestedOpt, [0], [...new Array<number>(n).fill(1), 5]),
      error: /type table size 4000 is over the limit/,
    },
    {
      name: 'an 11-byte record that contains itself',
      target: 'nat',
      bytes: candidMessage([[RECORD, 1, 0, 0]], [0], []),
      error: /has no finite value/,
    },
    {
      name: 'a type table of 100k entries (200 KB)',
      target: 'nat',
      bytes: candidMessage(bigTable, [-3], [5]),
      error: /type table size 100000 is over the limit/,
    },
    {
      name: 'a 2,000-byte LEB128 nat',
      target: 'nat',
      bytes: candidMessage([], [-3], [...new Array<number>(2_000).fill(0xff), 1]),
      error: /longer than 1024 bytes/,
    },
    {
      name: 'invalid UTF-8 in text',
      target: 'text',
      bytes: candidMessage([], [-15], [2, 0xff, 0xfe]),
      error: /text is not valid UTF-8/,
    },
    {
      name: 'a text length past the end of the input',
      target: 'text',
      bytes: candidMessage([], [-15], [...leb128(1_000_000), 0x61]),
      error: /past the end of the input/,
    },
    {
      name: 'vec null where blob is expected',
      target: 'blob',
      bytes: candidMessage([[VEC, ...sleb128(-1)]], [0], [3, 1, 2, 3]),
      error: /does not fit the expected type vec nat8/,
    },
    {
      name: 'vec null of 2^32-1 elements in 12 bytes',
      target: 'vec null',
      bytes: candidMessage([[VEC, ...sleb128(-1)]], [0], leb128(2 ** 32 - 1)),
      error: /exceeds its quota/,
    },
    {
      name: 'a list nested 4,000 deep',
      target: 'list',
      bytes: candidMessage(list, [0], deepList),
      error: /nested deeper than the limit/,
    },
  ];
}
