import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { checkCandid, decodeCandid } from './candid-decode.js';
import { codecFor } from './candid-codec.js';
import { CandidError } from './candid-error.js';
import {
  candidMessage,
  hostileCandid,
  leb128,
  sleb128,
  type HostileTarget,
} from './hostile-candid.js';

const leb = leb128;
const sleb = sleb128;
const msg = candidMessage;
const DIDL = [0x44, 0x49, 0x44, 0x4c];
const OPT = 0x6e;
const VEC = 0x6d;
const RECORD = 0x6c;
const VARIANT = 0x6b;
const NULL = -1;
const NAT = -3;
const NAT8 = -5;
const INT8 = -9;
const TEXT = -15;

/** Asserts that decoding `bytes` as `types` fails with a decode error matching `message`. */
function expectRejected(types: IDL.Type[], bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    codecFor(types).decode(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CandidError);
  expect((caught as CandidError).code).toBe('ERR_CANDID_DECODE');
  expect((caught as CandidError).message).toMatch(message);
  // The standalone check agrees.
  expect(() => checkCandid(bytes, types)).toThrow(CandidError);
}

describe('hostile Candid is rejected by the checks, before any decoder builds it', () => {
  it('4,000 nested opt types (a 4 KB argument)', () => {
    const n = 4_000;
    const entries = Array.from({ length: n }, (_, i) => [OPT, ...sleb(i === n - 1 ? NAT : i + 1)]);
    const bytes = msg(entries, [0], [...new Array<number>(n).fill(1), 5]);
    expectRejected([IDL.Nat], bytes, /type table size 4000 is over the limit of 256/);
    expectRejected([IDL.Opt(IDL.Nat)], bytes, /type table size/);
  });

  it('a value nested 4,000 deep in a recursive opt, vec or variant', () => {
    const deepOpt = msg([[OPT, 0]], [0], [...new Array<number>(4_000).fill(1), 0]);
    const List = IDL.Rec();
    List.fill(IDL.Opt(List));
    expectRejected([List], deepOpt, /nested deeper than the limit of 256/);
    const deepVec = msg([[VEC, 0]], [0], [...new Array<number>(4_000).fill(1), 0]);
    const Tree = IDL.Rec();
    Tree.fill(IDL.Vec(Tree));
    expectRejected([Tree], deepVec, /nested deeper/);
    // variant { 0 : self; 1 : null }: tag 0 recurses, tag 1 ends.
    const deepVariant = msg(
      [[VARIANT, 2, 0, 0, 1, ...sleb(NULL)]],
      [0],
      [...new Array<number>(4_000).fill(0), 1],
    );
    const Chain = IDL.Rec();
    Chain.fill(IDL.Variant({ _0_: Chain, _1_: IDL.Null }));
    expectRejected([Chain], deepVariant, /nested deeper/);
  });

  it('the 11-byte record that contains itself, and a variant with no base case', () => {
    const selfRecord = msg([[RECORD, 1, 0, 0]], [0], []);
    expect(selfRecord.length).toBe(11);
    expectRejected([IDL.Nat], selfRecord, /type 0 \(record\) has no finite value/);
    expectRejected([IDL.Reserved], selfRecord, /no finite value/);
    expectRejected([], selfRecord, /no finite value/);
    // Through a second record: 0 = record { 1 }, 1 = record { 0 }.
    expectRejected(
      [IDL.Opt(IDL.Nat)],
      msg(
        [
          [RECORD, 1, 0, 1],
          [RECORD, 1, 0, 0],
        ],
        [0],
        [],
      ),
      /no finite value/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[VARIANT, 1, 0, 0]], [0], [0]),
      /type 0 \(variant\) has no finite value/,
    );
    expectRejected([IDL.Reserved], msg([], [-17], []), /type empty has no value/);
  });

  it('a type table of 100k entries (200 KB)', () => {
    const entries = Array.from({ length: 100_000 }, () => [VEC, ...sleb(NAT)]);
    expectRejected([IDL.Nat], msg(entries, [NAT], [5]), /type table size 100000 is over the limit/);
  });

  it('records with many fields, over the table field limit', () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => [...leb(i), ...sleb(NULL)]).flat();
    expectRejected(
      [IDL.Reserved],
      msg([[RECORD, ...leb(5_000), ...fields]], [0], []),
      /more fields than the limit/,
    );
  });

  it('invalid UTF-8 in text, on the fast path and in a record', () => {
    const bad = msg([], [TEXT], [2, 0xff, 0xfe]);
    expectRejected([IDL.Text], bad, /text is not valid UTF-8/);
    // Overlong "/" and an encoded surrogate (U+D800) are not UTF-8 either.
    expectRejected([IDL.Text], msg([], [TEXT], [2, 0xc0, 0xaf]), /UTF-8/);
    expectRejected([IDL.Text], msg([], [TEXT], [3, 0xed, 0xa0, 0x80]), /UTF-8/);
    expectRejected(
      [IDL.Record({ a: IDL.Text })],
      msg([[RECORD, 1, ...leb(97), ...sleb(TEXT)]], [0], [1, 0x80]),
      /UTF-8/,
    );
    expectRejected([IDL.Reserved], msg([], [TEXT], [1, 0xf5]), /UTF-8/);
  });

  it('vec null, vec int8 and vec nat16 where vec nat8 (blob) is expected, also inside opt', () => {
    const vecNull = msg([[VEC, ...sleb(NULL)]], [0], [3]);
    expectRejected(
      [IDL.Vec(IDL.Nat8)],
      new Uint8Array([...vecNull, 1, 2, 3]),
      /does not fit the expected type vec nat8/,
    );
    expectRejected(
      [IDL.Vec(IDL.Nat8)],
      msg([[VEC, ...sleb(INT8)]], [0], [1, 0xff]),
      /does not fit/,
    );
    expectRejected(
      [IDL.Vec(IDL.Nat8)],
      msg([[VEC, ...sleb(-6)]], [0], [1, 0xff, 0xff]),
      /does not fit/,
    );
    // Candid would make this `null`; @dfinity/candid would read the bytes as a blob. Refused.
    expectRejected(
      [IDL.Opt(IDL.Vec(IDL.Nat8))],
      new Uint8Array([...vecNull, 1, 2, 3]),
      /does not fit/,
    );
    // Also inside a wire opt: @dfinity/candid's own subtype check takes `vec null` for a blob.
    expectRejected(
      [IDL.Opt(IDL.Vec(IDL.Nat8))],
      msg(
        [
          [OPT, 1],
          [VEC, ...sleb(NULL)],
        ],
        [0],
        [1, 3],
      ),
      /does not fit/,
    );
    expectRejected(
      [IDL.Record({ b: IDL.Vec(IDL.Nat8) })],
      msg(
        [
          [RECORD, 1, ...leb(98), 1],
          [VEC, ...sleb(NULL)],
        ],
        [0],
        [2],
      ),
      /does not fit/,
    );
  });

  it('huge LEB128 numbers', () => {
    const longNat = [...new Array<number>(2_000).fill(0xff), 0x01];
    expectRejected([IDL.Nat], msg([], [NAT], longNat), /longer than 1024 bytes/);
    expectRejected([IDL.Int], msg([], [-4], longNat), /longer than 1024 bytes/);
    expectRejected([IDL.Reserved], msg([], [NAT], longNat), /longer than 1024 bytes/);
    // In the header: an endless type table size, and a type index of 2^60.
    expectRejected(
      [],
      new Uint8Array([...DIDL, ...new Array<number>(20).fill(0x80), 0]),
      /longer than 9 bytes/,
    );
    expectRejected(
      [IDL.Nat],
      new Uint8Array([...DIDL, 0, 1, ...leb(2n ** 60n)]),
      /over the limit|out of range/,
    );
  });

  it('length prefixes larger than the input', () => {
    expectRejected(
      [IDL.Text],
      msg([], [TEXT], [...leb(1_000_000), 0x61]),
      /past the end of the input/,
    );
    expectRejected(
      [IDL.Vec(IDL.Nat8)],
      msg([[VEC, ...sleb(NAT8)]], [0], [...leb(1_000_000_000), 1]),
      /past the end of the input/,
    );
    expectRejected(
      [IDL.Vec(IDL.Nat)],
      msg([[VEC, ...sleb(NAT)]], [0], [...leb(2 ** 32 - 1), 1]),
      /quota/,
    );
    expectRejected(
      [IDL.Vec(IDL.Text)],
      msg([[VEC, ...sleb(TEXT)]], [0], [...leb(2n ** 40n)]),
      /over the limit/,
    );
    expectRejected(
      [IDL.Record({})],
      msg([[RECORD, ...leb(1_000_000)]], [0], []),
      /field count 1000000 is over the limit/,
    );
  });

  it('vec null (or vec record {}) of 2^32-1 elements in 12 bytes exceeds the decoding quota', () => {
    expectRejected(
      [IDL.Vec(IDL.Null)],
      msg([[VEC, ...sleb(NULL)]], [0], leb(2 ** 32 - 1)),
      /exceeds its quota/,
    );
    expectRejected(
      [IDL.Reserved],
      msg(
        [
          [VEC, 1],
          [RECORD, 0],
        ],
        [0],
        leb(100_000),
      ),
      /exceeds its quota/,
    );
    // Deep vec vec vec of empty vectors stays within it.
    const nested = msg(
      [
        [VEC, 1],
        [VEC, 2],
        [VEC, ...sleb(NULL)],
      ],
      [0],
      [2, 1, 3, 0],
    );
    expect(codecFor([IDL.Vec(IDL.Vec(IDL.Vec(IDL.Null)))]).decode(nested)).toEqual([
      [[[null, null, null]], []],
    ]);
  });

  it('duplicate or unsorted field ids, out-of-range type indices, bad opcodes', () => {
    expectRejected(
      [IDL.Reserved],
      msg([[RECORD, 2, 1, ...sleb(NAT), 1, ...sleb(NAT)]], [0], [1, 2]),
      /duplicate field id 1/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[VARIANT, 2, 5, ...sleb(NAT), 3, ...sleb(NAT)]], [0], [0, 1]),
      /out of order/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[OPT, 7]], [0], [0]),
      /type index 7 is out of range \(the type table has 1 entries\)/,
    );
    expectRejected([IDL.Reserved], msg([], [3], []), /type index 3 is out of range/);
    expectRejected(
      [IDL.Reserved],
      msg([[OPT, ...sleb(-18)]], [0], [0]),
      /cannot be used as a type reference/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[...sleb(NAT)]], [NAT], [1]),
      /must be a constructed type, not nat/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[...sleb(-25), 0]], [NAT], [1]),
      /unsupported type opcode -25/,
    );
    expectRejected([IDL.Reserved], msg([], [-30], []), /unsupported type opcode -30/);
    expectRejected(
      [IDL.Reserved],
      msg([[0x69, 1, 1, 0x61, ...sleb(NAT)]], [0], []),
      /service method must have a function type/,
    );
    expectRejected(
      [IDL.Reserved],
      msg([[0x6a, 0, 0, 1, 9]], [0], []),
      /unknown function annotation 9/,
    );
  });

  it('malformed values: bool, opt and variant tags, principals, leftovers, missing magic', () => {
    expectRejected([IDL.Bool], msg([], [-2], [2]), /bool value 2/);
    expectRejected([IDL.Opt(IDL.Nat)], msg([[OPT, ...sleb(NAT)]], [0], [2]), /opt tag 2/);
    expectRejected(
      [IDL.Variant({ a: IDL.Null })],
      msg([[VARIANT, 1, ...leb(97), ...sleb(NULL)]], [0], [1]),
      /variant tag 1 is out of range/,
    );
    expectRejected(
      [IDL.Principal],
      msg([], [-24], [1, 30, ...new Array<number>(30).fill(7)]),
      /principal length 30 is over the limit of 29/,
    );
    expectRejected([IDL.Principal], msg([], [-24], [0]), /principal flag/);
    expectRejected([IDL.Nat], msg([], [NAT], [5, 0]), /1 bytes left over/);
    expectRejected([IDL.Nat], new Uint8Array([0x44, 0x49, 0x44]), /does not start with "DIDL"/);
    expectRejected([IDL.Nat], msg([], [], []), /argument 0 of type nat is missing/);
  });

  it('types that do not fit the expected ones', () => {
    expectRejected(
      [IDL.Nat],
      msg([], [TEXT], [1, 0x61]),
      /argument 0: text on the wire does not fit the expected type nat/,
    );
    expectRejected([IDL.Nat8], msg([], [-16], []), /reserved on the wire does not fit/);
    expectRejected([IDL.Record({ a: IDL.Nat })], msg([[RECORD, 0]], [0], []), /does not fit/);
  });
});

describe('the shared list of hostile arguments', () => {
  const List = IDL.Rec();
  List.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: List })));
  const types: Record<HostileTarget, IDL.Type> = {
    nat: IDL.Nat,
    text: IDL.Text,
    blob: IDL.Vec(IDL.Nat8),
    'vec null': IDL.Vec(IDL.Null),
    list: List,
  };
  for (const h of hostileCandid()) {
    it(`refuses ${h.name}`, () => expectRejected([types[h.target]], h.bytes, h.error));
  }
  it('builds a list the decoder accepts when it is shallow', () => {
    const bytes = new Uint8Array(
      IDL.encode([List], [[{ head: 5n, tail: [{ head: 5n, tail: [] }] }]]),
    );
    const own = candidMessage(
      [
        [0x6e, 1],
        [0x6c, 2, ...leb128(1_158_359_328), ...sleb128(-3), ...leb128(1_291_237_008), 0],
      ],
      [0],
      [1, 5, 1, 5, 0],
    );
    expect([...own]).toEqual([...bytes]);
  });
});

describe('Candid that must be accepted still is', () => {
  it('opt and reserved subtyping edge cases decode as Candid says', () => {
    // Anything decodes as `opt t`: text where `opt nat` is expected becomes none.
    expect(codecFor([IDL.Opt(IDL.Nat)]).decode(msg([], [TEXT], [1, 0x61]))).toEqual([[]]);
    // So does `opt text` where `opt nat` is expected; `opt nat` decodes as itself.
    expect(
      codecFor([IDL.Opt(IDL.Nat)]).decode(msg([[OPT, ...sleb(TEXT)]], [0], [1, 1, 0x61])),
    ).toEqual([[]]);
    expect(codecFor([IDL.Opt(IDL.Nat)]).decode(msg([[OPT, ...sleb(NAT)]], [0], [1, 7]))).toEqual([
      [7n],
    ]);
    // A missing opt field is none; reserved takes any value; extra arguments are skipped.
    const rec = IDL.Record({ a: IDL.Opt(IDL.Nat), b: IDL.Reserved });
    expect(
      codecFor([rec]).decode(msg([[RECORD, 1, ...leb(idOf('b')), ...sleb(TEXT)]], [0], [1, 0x61])),
    ).toEqual([{ a: [], b: null }]);
    expect(codecFor([IDL.Nat]).decode(msg([], [NAT, TEXT], [5, 1, 0x61]))).toEqual([5n]);
    // @dfinity/candid refuses a missing trailing argument even where it is opt: a CandidError.
    expect(() => codecFor([IDL.Nat, IDL.Opt(IDL.Nat)]).decode(msg([], [NAT], [5]))).toThrow(
      CandidError,
    );
    // A recursive list at the depth limit's edge.
    const List = IDL.Rec();
    List.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: List })));
    const list = (n: number): unknown => (n === 0 ? [] : [{ head: BigInt(n), tail: list(n - 1) }]);
    const bytes = new Uint8Array(IDL.encode([List], [list(100)]));
    expect(codecFor([List]).decode(bytes)).toEqual([list(100)]);
  });

  it('decodes what @dfinity/candid encodes, identically', () => {
    const T = IDL.Record({
      id: IDL.Principal,
      name: IDL.Text,
      tags: IDL.Vec(IDL.Text),
      blob: IDL.Vec(IDL.Nat8),
      kind: IDL.Variant({ a: IDL.Null, b: IDL.Nat64, c: IDL.Tuple(IDL.Int, IDL.Float64) }),
      more: IDL.Opt(IDL.Vec(IDL.Record({ x: IDL.Int32, y: IDL.Bool }))),
    });
    const value = {
      id: Principal.fromText('aaaaa-aa'),
      name: 'héllo ✓',
      tags: ['a', 'b'],
      blob: new Uint8Array([1, 2, 3]),
      kind: { c: [-5n, 1.5] },
      more: [[{ x: -1, y: true }]],
    };
    const bytes = new Uint8Array(IDL.encode([T], [value]));
    expect(decodeCandid([T], bytes)).toEqual(IDL.decode([T], bytes));
    expect(codecFor([T]).decode(bytes)).toEqual(IDL.decode([T], bytes));
  });
});

function idOf(label: string): number {
  let h = 0;
  for (const ch of new TextEncoder().encode(label)) h = (h * 223 + ch) % 2 ** 32;
  return h;
}
