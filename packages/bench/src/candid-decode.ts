/**
 * Candid decoding: the cost of the checks on normal arguments, and the cost of refusing hostile
 * ones. Normal arguments are decoded by `codecFor(types).decode` (header, type fit, value walk,
 * then @dfinity/candid) and, in alternating slices of the same run, by `IDL.decode` alone; the
 * ratio of the two is the checks' overhead. Hostile arguments (the shared list in
 * `@tincan/candid`) are refused on the host, and inside a canister as a real query through the
 * metered sandbox; each row gives the median and the slowest of several refusals after warm-up.
 */
import path from 'node:path';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { checkCandid, codecFor, hostileCandid, type HostileTarget } from '@tincan/candid';
import type { Replica } from '@tincan/replica';
import { ANONYMOUS, measure, type BenchCase, type Timing } from './support.js';

/** One normal argument: checked decode against unchecked @dfinity/candid decode. */
export interface NormalRow {
  readonly label: string;
  readonly bytes: number;
  readonly checked: Timing[];
  readonly unchecked: Timing[];
  /** `checkCandid` alone: the checks without any decoding. */
  readonly checkOnly: Timing[];
}

/** One hostile argument: median and slowest refusal on the host and in the sandbox, in ms. */
export interface HostileRow {
  readonly name: string;
  readonly bytes: number;
  readonly host: Spread;
  readonly sandbox: Spread;
}

/** Median and maximum of repeated timings, in ms. */
interface Spread {
  readonly medianMs: number;
  readonly maxMs: number;
}

/** Results of {@link candidBenchmark}. */
export interface CandidBenchResult {
  readonly normal: NormalRow[];
  readonly hostile: HostileRow[];
}

const Transfer = IDL.Record({
  to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }),
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
const Item = IDL.Record({ id: IDL.Nat32, name: IDL.Text, on: IDL.Bool, tags: IDL.Vec(IDL.Text) });

const NORMAL: ReadonlyArray<{ label: string; types: IDL.Type[]; values: unknown[] }> = [
  { label: '(nat), the fast path', types: [IDL.Nat], values: [123_456n] },
  {
    label: '(text, principal), the fast path',
    types: [IDL.Text, IDL.Principal],
    values: ['hello, world', Principal.fromText('aaaaa-aa')],
  },
  {
    label: 'ICRC-1 transfer record',
    types: [Transfer],
    values: [
      {
        to: { owner: Principal.fromText('aaaaa-aa'), subaccount: [new Uint8Array(32)] },
        amount: 1_000_000n,
        fee: [10_000n],
        memo: [new Uint8Array(8)],
        created_at_time: [1_700_000_000_000_000_000n],
      },
    ],
  },
  {
    label: 'vec of 50 records',
    types: [IDL.Vec(Item)],
    values: [
      Array.from({ length: 50 }, (_, i) => ({
        id: i,
        name: `item ${i}`,
        on: i % 2 === 0,
        tags: ['a', 'b'],
      })),
    ],
  },
];

const HOST_REPEATS = 20;
const SANDBOX_REPEATS = 10;

/** Methods of test/fixtures/candid-args.ts (queries) per hostile target. */
const QUERY_OF: Record<HostileTarget, string> = {
  nat: 'natQuery',
  text: 'textLengthQuery',
  blob: 'blobLengthQuery',
  'vec null': 'nullCountQuery',
  list: 'listLengthQuery',
};

/** Runs the normal-argument rows in alternating slices and times every hostile argument. */
export async function candidBenchmark(
  root: string,
  replica: Replica,
  seconds: number,
  rounds: number,
): Promise<CandidBenchResult> {
  const normal: NormalRow[] = [];
  for (const { label, types, values } of NORMAL) {
    const bytes = new Uint8Array(IDL.encode(types, values));
    const codec = codecFor(types);
    const checked: BenchCase = {
      name: `${label}, checked`,
      run: (n) => {
        for (let i = 0; i < n; i++) codec.decode(bytes);
      },
    };
    const unchecked: BenchCase = {
      name: `${label}, IDL.decode`,
      run: (n) => {
        for (let i = 0; i < n; i++) IDL.decode(types, bytes);
      },
    };
    const checkOnly: BenchCase = {
      name: `${label}, checkCandid`,
      run: (n) => {
        for (let i = 0; i < n; i++) checkCandid(bytes, types);
      },
    };
    for (const c of [checked, unchecked, checkOnly]) await measure(c, 100);
    const row: NormalRow = {
      label,
      bytes: bytes.length,
      checked: [],
      unchecked: [],
      checkOnly: [],
    };
    const slice = (seconds * 1000) / rounds / 3;
    for (let r = 0; r < rounds; r++) {
      row.checked.push(await measure(checked, slice));
      row.unchecked.push(await measure(unchecked, slice));
      row.checkOnly.push(await measure(checkOnly, slice));
    }
    normal.push(row);
  }

  const canisterId = (
    await replica.deploy(path.join(root, 'test/fixtures/candid-args.ts'))
  ).id.toUint8Array();
  // Loads the canister's code, so the first hostile row does not pay for it.
  replica.runtime.query({
    canisterId,
    method: 'natQuery',
    arg: new Uint8Array(IDL.encode([IDL.Nat], [1n])),
    caller: ANONYMOUS,
  });
  const hostile: HostileRow[] = [];
  const types: Record<HostileTarget, IDL.Type[]> = {
    nat: [IDL.Nat],
    text: [IDL.Text],
    blob: [IDL.Vec(IDL.Nat8)],
    'vec null': [IDL.Vec(IDL.Null)],
    list: [listType()],
  };
  for (const h of hostileCandid()) {
    const codec = codecFor(types[h.target]);
    const host = spread(HOST_REPEATS, () => {
      try {
        codec.decode(h.bytes);
      } catch {
        return;
      }
      throw new Error(`bench: ${h.name} was accepted on the host`);
    });
    const sandbox = spread(SANDBOX_REPEATS, () => {
      const outcome = replica.runtime.query({
        canisterId,
        method: QUERY_OF[h.target],
        arg: h.bytes,
        caller: ANONYMOUS,
      });
      if (!('reject' in outcome) || outcome.reject.code !== 5)
        throw new Error(`bench: ${h.name} was not rejected with code 5 in the sandbox`);
    });
    hostile.push({ name: h.name, bytes: h.bytes.length, host, sandbox });
  }
  return { normal, hostile };
}

function listType(): IDL.Type {
  const List = IDL.Rec();
  List.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: List })));
  return List;
}

/** Times `run` after two untimed warm-up runs (the first run of a code path compiles it). */
function spread(times: number, run: () => void): Spread {
  run();
  run();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    run();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)] ?? 0, maxMs: ms[ms.length - 1] ?? 0 };
}

const total = (ts: readonly Timing[]): number =>
  ts.reduce((n, t) => n + t.ops, 0) / ts.reduce((s, t) => s + t.seconds, 0);

/** The Markdown tables of {@link candidBenchmark}. */
export function candidReport(result: CandidBenchResult): string[] {
  const out = [
    '',
    'Candid decoding of normal arguments: checked (`codecFor(...).decode`) vs `IDL.decode` alone, same run, alternating slices.',
    '',
    '| argument | bytes | checked µs | IDL.decode µs | checked ÷ IDL.decode | checkCandid alone µs | checks ÷ IDL.decode |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of result.normal) {
    const [a, b, c] = [
      1e6 / total(row.checked),
      1e6 / total(row.unchecked),
      1e6 / total(row.checkOnly),
    ];
    out.push(
      `| ${row.label} | ${row.bytes} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(3)} | ${c.toFixed(2)} | ${(c / b).toFixed(3)} |`,
    );
  }
  out.push(
    '',
    'Hostile arguments: median and slowest refusal, on the host (codecFor) and as a query in the metered sandbox (reject 5).',
    '',
  );
  out.push(
    '| argument | bytes | host median ms | host max ms | sandbox median ms | sandbox max ms |',
    '|---|---:|---:|---:|---:|---:|',
  );
  const f = (n: number): string => n.toFixed(2);
  for (const row of result.hostile)
    out.push(
      `| ${row.name} | ${row.bytes} | ${f(row.host.medianMs)} | ${f(row.host.maxMs)} | ${f(row.sandbox.medianMs)} | ${f(row.sandbox.maxMs)} |`,
    );
  return out;
}
