/**
 * Metering overhead (bar: at most 2×). The CPU-heavy canister canisters/bench-cpu
 * (pure-TypeScript SHA-256 and a prime sieve) is bundled twice: once as every canister is,
 * instrumented with the execution meter, and once without (`instrument: false` of
 * `prepareCanisterModule`, for benchmarks only). The plain bundle registers a meter that never counts, so the
 * runtime accepts it; it is installed on a second replica that does not instrument what it
 * installs (`prepareModule`), and both run the same query through the same synchronous
 * runtime path. Slices of the two alternate, so load on the machine hits
 * both alike. Overhead = plain calls/s ÷ instrumented calls/s.
 *
 * Both carry the heap write barrier, so a third bundle measures what the barrier costs: the
 * same instrumented bundle without the barrier (`barrier: false`, benchmarks only: code as it
 * ran before the heap was tracked object by object), on a third replica, in the same
 * alternating slices. Barrier overhead = barrier-free calls/s ÷ instrumented calls/s.
 */
import path from 'node:path';
import { bundleCanister, prepareCanisterModule } from '@tincan/bundler';
import { Replica } from '@tincan/replica';
import { ANONYMOUS, expectReply, measure, type BenchCase, type Timing } from './support.js';

/** The bar: an instrumented execution takes at most this many times as long as a plain one. */
export const METERING_BAR = 2;

/**
 * Claims the write barrier without using it, for the barrier-free bundle only (the runtime
 * refuses a module that claims none).
 */
const NO_BARRIER = 'globalThis[Symbol.for("tincan.barrier")].register();\n';

/** The goal for the write barrier on compute code: at most this many times a barrier-free run. */
export const BARRIER_BAR = 1.2;

/** A meter that never runs out, for the uninstrumented baseline only. */
const NO_METER =
  'globalThis[Symbol.for("tincan.meter")]({reset(){},remaining:()=>0,charge(){}});\n';

/** One workload: a method of bench-cpu and its argument. */
interface Workload {
  readonly label: string;
  readonly method: string;
  readonly arg: number;
}

const WORKLOADS: readonly Workload[] = [
  { label: 'SHA-256, 64 × 4 KiB', method: 'sha256', arg: 64 },
  { label: 'prime sieve below 300,000', method: 'sieve', arg: 300_000 },
];

/** Result of one workload. */
export interface MeteringRow {
  readonly label: string;
  readonly instrumented: Timing[];
  readonly plain: Timing[];
  /** The instrumented bundle without the write barrier. */
  readonly noBarrier: Timing[];
  /** Instruction units one call spends (performanceCounter at the method's end). */
  readonly units: bigint;
}

/** Candid `(n : nat32)`. */
function nat32Arg(n: number): Uint8Array {
  const arg = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x79, 0, 0, 0, 0]);
  new DataView(arg.buffer).setUint32(7, n, true);
  return arg;
}

/** Decodes a reply that is one `vec nat64` of two elements. */
function twoNat64(bytes: Uint8Array): [bigint, bigint] {
  if (bytes.length < 16) throw new Error('bench: reply is not a vec nat64');
  const view = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 16, 16);
  return [view.getBigUint64(0, true), view.getBigUint64(8, true)];
}

/** Installs both bundles of bench-cpu on `replica` and times every workload on each. */
export async function meteringBenchmark(
  root: string,
  replica: Replica,
  seconds: number,
  rounds: number,
): Promise<MeteringRow[]> {
  const entry = path.join(root, 'canisters/bench-cpu/src/index.ts');
  const metered = (await replica.deploy(entry)).id.toUint8Array();
  // Every replica instruments what it installs; the baseline needs one that does not.
  const plainReplica = await Replica.create({
    prepareModule: (source) => prepareCanisterModule(NO_METER + source, { instrument: false }),
  });
  const bareReplica = await Replica.create({
    prepareModule: (source) => prepareCanisterModule(NO_BARRIER + source, { barrier: false }),
  });
  try {
    const bundle = await bundleCanister({
      entry,
      cdkEntry: path.join(root, 'packages/cdk/src/index.ts'),
    });
    const plain = plainReplica.install(bundle.code).id.toUint8Array();
    const bare = bareReplica.install(bundle.code).id.toUint8Array();
    const replicaOf = (canisterId: Uint8Array): Replica =>
      canisterId === plain ? plainReplica : canisterId === bare ? bareReplica : replica;
    return await compare(replicaOf, { metered, plain, bare }, seconds, rounds);
  } finally {
    await plainReplica.close();
    await bareReplica.close();
  }
}

async function compare(
  replicaOf: (canisterId: Uint8Array) => Replica,
  ids: { metered: Uint8Array; plain: Uint8Array; bare: Uint8Array },
  seconds: number,
  rounds: number,
): Promise<MeteringRow[]> {
  const { metered, plain, bare } = ids;
  const call = (canisterId: Uint8Array, w: Workload): [bigint, bigint] =>
    twoNat64(
      expectReply(
        replicaOf(canisterId).runtime.query({
          canisterId,
          method: w.method,
          arg: nat32Arg(w.arg),
          caller: ANONYMOUS,
        }),
        w.method,
      ),
    );
  const rows: MeteringRow[] = [];
  for (const w of WORKLOADS) {
    const [result, units] = call(metered, w);
    const [plainResult] = call(plain, w);
    const [bareResult] = call(bare, w);
    if (result !== plainResult || result !== bareResult)
      throw new Error(
        `bench: ${w.label}: instrumented ${result}, plain ${plainResult}, no barrier ${bareResult}`,
      );
    const caseOf = (canisterId: Uint8Array, name: string): BenchCase => ({
      name,
      run: (n) => {
        for (let i = 0; i < n; i++) call(canisterId, w);
      },
    });
    const a = caseOf(metered, `${w.label}, instrumented`);
    const b = caseOf(plain, `${w.label}, uninstrumented`);
    const c = caseOf(bare, `${w.label}, instrumented, no write barrier`);
    await measure(a, 100);
    await measure(b, 100);
    await measure(c, 100);
    const row: MeteringRow = { label: w.label, instrumented: [], plain: [], noBarrier: [], units };
    const slice = (seconds * 1000) / rounds;
    for (let r = 0; r < rounds; r++) {
      row.plain.push(await measure(b, slice));
      row.instrumented.push(await measure(a, slice));
      row.noBarrier.push(await measure(c, slice));
    }
    rows.push(row);
  }
  return rows;
}

/** The Markdown report of {@link meteringBenchmark}. */
export function meteringReport(rows: readonly MeteringRow[]): string[] {
  const perCall = (t: readonly Timing[], key: 'seconds' | 'cpuSeconds'): number =>
    t.reduce((s, x) => s + x[key], 0) / t.reduce((n, x) => n + x.ops, 0);
  const out = [
    '',
    `Metering overhead (bar ≤ ${METERING_BAR}×): the same bench-cpu query, instrumented vs uninstrumented bundle, alternating slices`,
    '',
    '| workload | instrumented ms/call | uninstrumented ms/call | overhead | range | CPU overhead | units/call | units/s (instrumented) | bar |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const rangeOf = (a: readonly Timing[], b: readonly Timing[]): string => {
    const perRound = a.map((t, i) => {
      const q = b[i] ?? t;
      return t.seconds / t.ops / (q.seconds / q.ops);
    });
    return `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`;
  };
  for (const row of rows) {
    const [m, p] = [perCall(row.instrumented, 'seconds'), perCall(row.plain, 'seconds')];
    const ratio = m / p;
    const cpuRatio = perCall(row.instrumented, 'cpuSeconds') / perCall(row.plain, 'cpuSeconds');
    const range = rangeOf(row.instrumented, row.plain);
    const rate = Number(row.units) / m;
    out.push(
      `| ${row.label} | ${(m * 1e3).toFixed(2)} | ${(p * 1e3).toFixed(2)} | ${ratio.toFixed(2)}× | ${range} | ${cpuRatio.toFixed(2)}× | ` +
        `${row.units.toLocaleString('en-US')} | ${rate.toExponential(2)} | ≤ ${METERING_BAR}× ${ratio <= METERING_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  out.push(
    '',
    `Write-barrier overhead (goal ≤ ${BARRIER_BAR}×): the same instrumented query with and without the heap write barrier, same slices`,
    '',
    '| workload | with barrier ms/call | without ms/call | overhead | range | CPU overhead | goal |',
    '|---|---:|---:|---:|---:|---:|---|',
  );
  for (const row of rows) {
    const [m, n] = [perCall(row.instrumented, 'seconds'), perCall(row.noBarrier, 'seconds')];
    const ratio = m / n;
    const cpuRatio = perCall(row.instrumented, 'cpuSeconds') / perCall(row.noBarrier, 'cpuSeconds');
    out.push(
      `| ${row.label} | ${(m * 1e3).toFixed(2)} | ${(n * 1e3).toFixed(2)} | ${ratio.toFixed(2)}× | ` +
        `${rangeOf(row.instrumented, row.noBarrier)} | ${cpuRatio.toFixed(2)}× | ≤ ${BARRIER_BAR}× ${ratio <= BARRIER_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  return out;
}
