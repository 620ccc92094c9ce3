/**
 * Commit and rollback cost by heap size. One canister (canisters/bench-heap) is installed three
 * times: with a 1 KB heap, with a 100,000-entry Map (about 10 MB) beside it, and with a 10 MB
 * Uint8Array field. The same update (16 bytes changed; for the byte field, also one byte of
 * it) and the same query run on each, through the synchronous runtime path, in alternating
 * slices. Bars: each large-heap update runs at ≥ 0.5× the small one's rate, and a query on a
 * large heap costs ≤ 2× the query on the small one (its rate ≥ 0.5×).
 */
import path from 'node:path';
import type { Replica } from '@tincan/replica';
import {
  ANONYMOUS,
  AnswerSlot,
  NO_ARGS,
  expectReply,
  measure,
  type BenchCase,
  type Timing,
} from './support.js';

/** The bar: a large heap's update (or query) rate over the small heap's. */
export const HEAP_BAR = 0.5;

/** One compared pair: the same method on the small canister and on a large one. */
export interface HeapRow {
  readonly label: string;
  readonly small: Timing[];
  readonly large: Timing[];
}

/** Candid `(n : nat32)`. */
function nat32Arg(n: number): Uint8Array {
  const arg = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x79, 0, 0, 0, 0]);
  new DataView(arg.buffer).setUint32(7, n, true);
  return arg;
}

/** Installs the three canisters and times every pair. */
export async function heapSizeBenchmark(
  root: string,
  replica: Replica,
  seconds: number,
  rounds: number,
): Promise<HeapRow[]> {
  const entry = path.join(root, 'canisters/bench-heap/src/index.ts');
  const { runtime } = replica;
  const answer = new AnswerSlot();
  const update = (
    canisterId: Uint8Array,
    method: string,
    arg: Uint8Array = NO_ARGS,
  ): Uint8Array => {
    runtime.submit({ canisterId, method, arg, caller: ANONYMOUS }, answer.onAnswer);
    runtime.runUntilIdle();
    return answer.take(method);
  };
  const small = (await replica.deploy(entry)).id.toUint8Array();
  const map = (await replica.deploy(entry)).id.toUint8Array();
  const bytes = (await replica.deploy(entry)).id.toUint8Array();
  for (let i = 0; i < 10; i++) update(map, 'fillMap', nat32Arg(10_000));
  update(bytes, 'fillBytes', nat32Arg(10 * 1024 * 1024));
  const updates = (canisterId: Uint8Array, method: string, name: string): BenchCase => ({
    name,
    run: (n) => {
      for (let i = 0; i < n; i++) update(canisterId, method);
    },
  });
  const queries = (canisterId: Uint8Array, name: string): BenchCase => ({
    name,
    run: (n) => {
      for (let i = 0; i < n; i++)
        expectReply(
          runtime.query({ canisterId, method: 'read', arg: NO_ARGS, caller: ANONYMOUS }),
          'read',
        );
    },
  });
  const pairs: Array<[string, BenchCase, BenchCase]> = [
    [
      'update changing 16 B, 100k-entry Map beside it',
      updates(small, 'touch', 'small touch'),
      updates(map, 'touch', 'map touch'),
    ],
    [
      'update changing 16 B + 1 byte of a 10 MB Uint8Array',
      updates(small, 'poke', 'small poke'),
      updates(bytes, 'poke', 'bytes poke'),
    ],
    ['query, 100k-entry Map in the heap', queries(small, 'small read'), queries(map, 'map read')],
    [
      'query, 10 MB Uint8Array in the heap',
      queries(small, 'small read'),
      queries(bytes, 'bytes read'),
    ],
  ];
  const rows: HeapRow[] = [];
  const slice = (seconds * 1000) / rounds;
  for (const [label, a, b] of pairs) {
    await measure(a, 100);
    await measure(b, 100);
    const row: HeapRow = { label, small: [], large: [] };
    for (let r = 0; r < rounds; r++) {
      row.small.push(await measure(a, slice));
      row.large.push(await measure(b, slice));
    }
    rows.push(row);
  }
  return rows;
}

/** The Markdown report of {@link heapSizeBenchmark}. */
export function heapSizeReport(rows: readonly HeapRow[]): string[] {
  const rate = (t: readonly Timing[]): number =>
    t.reduce((n, x) => n + x.ops, 0) / t.reduce((s, x) => s + x.seconds, 0);
  const out = [
    '',
    `Heap size (bar: large-heap rate ≥ ${HEAP_BAR}× the 1 KB heap's): the same method on a small and a large heap, alternating slices`,
    '',
    '| case | 1 KB heap ops/s | large heap ops/s | ratio | range | bar |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const [s, l] = [rate(row.small), rate(row.large)];
    const ratio = l / s;
    const perRound = row.large.map((t, i) => {
      const q = row.small[i] ?? t;
      return t.ops / t.seconds / (q.ops / q.seconds);
    });
    out.push(
      `| ${row.label} | ${Math.round(s).toLocaleString('en-US')} | ${Math.round(l).toLocaleString('en-US')} | ${ratio.toFixed(2)} | ` +
        `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)} | ≥ ${HEAP_BAR} ${ratio >= HEAP_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  return out;
}
