/**
 * Cross-subnet round trips against same-subnet ones, in one two-subnet replica (`Subnets`,
 * wall clock, backstop on): canister A (canisters/bench-caller) on subnet 0 awaits
 * `increment` on a counter B on subnet 0 (same subnet) or on subnet 1 (cross subnet). A
 * cross-subnet round trip adds two certified stream slices: A's request goes out in a slice
 * signed by subnet 0 and verified by subnet 1 against its delegated key before it is inducted,
 * and B's reply comes back the same way. Slices carry every message of a stream not yet
 * acknowledged, so with many calls in flight one signature and one verification serve many.
 *
 * Measured through `subnets.actor(A).ping()`, with 1 and with 64 calls in flight; same and
 * cross slices alternate, so load on the machine hits both alike. The ratio is cross µs per
 * round trip over same µs per round trip in the same run; the bar is ≤ 3.
 */
import path from 'node:path';
import { Subnets, type ActorOf } from '@tincan/replica';
import { measure, queryNat, type BenchCase, type Timing } from './support.js';

/** The bar: a cross-subnet round trip costs at most this many same-subnet ones. */
export const XNET_BAR = 3;

/** One row: the same-subnet and cross-subnet timings of one concurrency. */
export interface XnetRow {
  readonly inFlight: number;
  readonly same: readonly Timing[];
  readonly cross: readonly Timing[];
}

interface CallerMethods {
  ping(): bigint;
}

/** Deploys both pairs, then alternates same and cross slices for `rounds` rounds of `seconds` in all per case. */
export async function xnetBenchmark(
  root: string,
  tmp: string,
  seconds: number,
  rounds: number,
): Promise<{ rows: XnetRow[]; engine: string }> {
  const subnets = await Subnets.create({ count: 2, stateDir: path.join(tmp, 'xnet') });
  try {
    const counter = path.join(root, 'canisters/counter/src/index.ts');
    const caller = path.join(root, 'canisters/bench-caller/src/index.ts');
    const pair = async (
      subnet: number,
    ): Promise<{ a: Uint8Array; b: Uint8Array; actor: ActorOf<CallerMethods> }> => {
      const b = await subnets.deploy(subnet, counter);
      const a = await subnets.deploy(0, caller, { initArgs: [b.id] });
      return {
        a: a.id.toUint8Array(),
        b: b.id.toUint8Array(),
        actor: subnets.actor<CallerMethods>(a),
      };
    };
    const same = await pair(0);
    const cross = await pair(1);
    let expectedSame = 0n;
    let expectedCross = 0n;
    const bench = (
      name: string,
      actor: ActorOf<CallerMethods>,
      inFlight: number,
      count: (n: number) => void,
    ): BenchCase => ({
      name,
      // One op is `inFlight` round trips sent together and awaited together.
      run: async (n: number) => {
        for (let i = 0; i < n; i++)
          await Promise.all(Array.from({ length: inFlight }, () => actor.ping()));
        count(n * inFlight);
      },
    });
    const rows: XnetRow[] = [];
    for (const inFlight of [1, 64, 256]) {
      const sameCase = bench('same', same.actor, inFlight, (n) => (expectedSame += BigInt(n)));
      const crossCase = bench('cross', cross.actor, inFlight, (n) => (expectedCross += BigInt(n)));
      await measure(sameCase, 200);
      await measure(crossCase, 200);
      const row = { inFlight, same: [] as Timing[], cross: [] as Timing[] };
      const slice = (seconds * 1000) / rounds;
      for (let round = 0; round < rounds; round++) {
        row.same.push(await measure(sameCase, slice));
        row.cross.push(await measure(crossCase, slice));
      }
      rows.push(row);
    }
    // Every round trip really happened, exactly once, on both sides.
    await subnets.runUntilIdle();
    for (const [label, p, expected, b] of [
      ['same', same, expectedSame, subnets.replica(0)],
      ['cross', cross, expectedCross, subnets.replica(1)],
    ] as const) {
      const a = queryNat(subnets.replica(0), p.a, 'get');
      const counted = queryNat(b, p.b, 'get');
      if (a !== expected || counted !== expected)
        throw new Error(
          `bench: ${label}-subnet A counted ${a}, B ${counted}, expected ${expected}`,
        );
    }
    const { loadBls } = await import('@tincan/replica');
    return { rows, engine: (await loadBls()).engine };
  } finally {
    await subnets.close();
  }
}

/** µs per round trip: an op of the timing is `inFlight` round trips. */
const usPerOp = (timings: readonly Timing[], inFlight: number): number =>
  (timings.reduce((s, t) => s + t.seconds, 0) * 1e6) /
  (timings.reduce((n, t) => n + t.ops, 0) * inFlight);
const cpuUsPerOp = (timings: readonly Timing[], inFlight: number): number =>
  (timings.reduce((s, t) => s + t.cpuSeconds, 0) * 1e6) /
  (timings.reduce((n, t) => n + t.ops, 0) * inFlight);

/** The Markdown table of {@link xnetBenchmark}'s rows, with the bar. */
export function xnetReport(result: { rows: readonly XnetRow[]; engine: string }): string[] {
  const out = [
    '',
    `Cross-subnet vs same-subnet round trips (A awaits B; two subnets in one replica; slices signed and verified with ${result.engine}):`,
    '',
    '| calls in flight | same-subnet µs/round trip | cross-subnet µs/round trip | ratio (wall) | ratio range | CPU ratio | bar ≤ 3 |',
    '|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of result.rows) {
    const k = row.inFlight;
    const ratio = usPerOp(row.cross, k) / usPerOp(row.same, k);
    const perRound = row.cross.map(
      (t, i) => t.seconds / t.ops / ((row.same[i]?.seconds ?? 0) / (row.same[i]?.ops ?? 1)),
    );
    const cpuRatio = cpuUsPerOp(row.cross, k) / cpuUsPerOp(row.same, k);
    out.push(
      `| ${k} | ${usPerOp(row.same, k).toFixed(0)} | ${usPerOp(row.cross, k).toFixed(0)} | ${ratio.toFixed(2)} | ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)} | ${cpuRatio.toFixed(2)} | ${ratio <= XNET_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  return out;
}
