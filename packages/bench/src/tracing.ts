/**
 * The cost of execution traces: counter `add(1)` updates on a replica with tracing on
 * (`traces: true`, kept in its `traces.sqlite`) against an identical replica with tracing off,
 * in alternating slices of the same run. Two paths: the runtime driven synchronously (the
 * runtime's own cost, where tracing's share is largest) and an awaited typed actor (what a
 * client in the process sees). The bar: tracing keeps at least 0.9× the rate without it (the
 * total ratio; the median of the per-round ratios is printed too, as it shrugs off the bursts
 * of load a shared machine adds to single slices). CPU ratio counts the process, so it
 * includes any thread the process runs. Records are written to `traces.sqlite` at most every
 * 10 s, so a slice rarely pays for it: the write is timed on its own after each path.
 * `npm run bench -- --only "tracing cost"` runs this section alone.
 */
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Replica, Traces } from '@tincan/replica';
import { Counter } from './counter-updates.js';
import { measure, type BenchCase, type Timing } from './support.js';

/** The bar: updates with tracing on reach at least this share of the rate with it off. */
export const TRACING_BAR = 0.9;

/** Slices of one path with tracing off and on. */
export interface TracingRow {
  readonly name: string;
  readonly off: Timing[];
  readonly on: Timing[];
  readonly traced: number;
  /** Records the trace file write at the end of the path took, and its wall time. */
  readonly written: number;
  readonly writeMs: number;
  /** Process CPU per update with tracing on, µs (to set the recording cost against). */
  readonly cpuPerUpdateUs: number;
}

/** What recording one execution costs on its own, measured in CPU time (which other tenants cannot stretch). */
export interface RecordingCost {
  readonly records: number;
  /** Extra CPU per execution, µs: recording minus building the same record alone. */
  readonly cpuUs: number;
  /** Garbage-collection pause per execution, µs, with and without recording. */
  readonly gcUs: number;
  readonly gcBaselineUs: number;
}

type ExecutionTrace = Parameters<Traces['sink']['execution']>[0];

/**
 * Builds `n` records shaped like the counter's `add(1)` (fresh argument and reply arrays, as the
 * runtime allocates them, plus a few KB of short-lived garbage as an update makes) and hands
 * them to a sink with a ring of 10,000, or to none; returns CPU and GC time per record.
 */
async function recordMany(n: number, record: boolean): Promise<{ cpuUs: number; gcUs: number }> {
  const traces = new Traces(undefined, {});
  const anonymous = new Uint8Array([4]);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  let garbage = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const scratch: Array<{ i: number; list: number[] }> = [];
    for (let j = 0; j < 40; j++) scratch.push({ i: j, list: [j] });
    garbage += scratch.length;
    const trace: ExecutionTrace = {
      canister: '80000000001000010101',
      kind: 'update',
      method: 'add',
      caller: anonymous,
      origin: anonymous,
      contextId: i,
      cause: { kind: 'ingress' },
      timeNs: 1_700_000_000_000_000_000n + BigInt(i),
      outcome: 'committed',
      trap: undefined,
      instructions: 180_000,
      cyclesCharged: 5_180_000n,
      cyclesAccepted: 0n,
      cyclesRefunded: 0n,
      balanceDelta: -5_180_000n,
      calls: [],
      timersSet: 0,
      stableWrites: 1,
      heapBytes: 62,
      arg: new Uint8Array([68, 73, 68, 76, 0, 1, 125, 1]),
      rejected: undefined,
      answer: { reply: new Uint8Array([68, 73, 68, 76, 0, 1, 125, i & 127]) },
    };
    if (record) traces.sink.execution(trace);
  }
  const cpu = process.cpuUsage(start);
  // GC entries are delivered asynchronously: let them land before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  await traces.close();
  if (garbage < 0) throw new Error('unreachable');
  return { cpuUs: (cpu.user + cpu.system) / n, gcUs: (gcMs * 1000) / n };
}

/** The recording cost: the median of a few alternating runs of recording and of building alone. */
export async function recordingCost(records = 200_000, runs = 5): Promise<RecordingCost> {
  const samples: Array<{ cpuUs: number; gcUs: number; gcBaselineUs: number }> = [];
  for (let run = 0; run < runs; run++) {
    const alone = await recordMany(records, false);
    const recorded = await recordMany(records, true);
    samples.push({
      cpuUs: recorded.cpuUs - alone.cpuUs,
      gcUs: recorded.gcUs,
      gcBaselineUs: alone.gcUs,
    });
  }
  samples.sort((x, y) => x.cpuUs - y.cpuUs);
  const median = samples[Math.floor(samples.length / 2)]!;
  return { records, ...median };
}

/** Deploys the counter on a replica with and one without tracing, and measures both paths. */
export async function tracingBenchmark(
  root: string,
  tmp: string,
  seconds: number,
  rounds: number,
): Promise<TracingRow[]> {
  const entry = path.join(root, 'canisters/counter/src/index.ts');
  const plain = await Replica.create({ stateDir: path.join(tmp, 'replica-traces-off') });
  const traced = await Replica.create({
    stateDir: path.join(tmp, 'replica-traces-on'),
    traces: true,
  });
  try {
    const off = await Counter.deploy(plain, entry);
    const on = await Counter.deploy(traced, entry);
    off.syncRun('add', 1);
    on.syncRun('add', 1);
    const paths: Array<[string, BenchCase, BenchCase]> = [
      ['counter add(1), runtime sync', off.syncCase('off', 'add'), on.syncCase('on', 'add')],
      ['counter add(1), actor await', off.actorCase('off', 1, 'add'), on.actorCase('on', 1, 'add')],
    ];
    const rows: TracingRow[] = [];
    const sliceMs = (seconds * 1000) / rounds;
    for (const [name, offCase, onCase] of paths) {
      await measure(offCase, sliceMs / 2);
      await measure(onCase, sliceMs / 2);
      const row = { name, off: [] as Timing[], on: [] as Timing[] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [false, true] : [true, false];
        for (const side of order)
          (side ? row.on : row.off).push(await measure(side ? onCase : offCase, sliceMs));
      }
      await offCase.verify?.();
      await onCase.verify?.();
      // The write the replica does at most every 10 s (and at close), timed on its own.
      const start = performance.now();
      const written = traced.traces?.flush() ?? 0;
      const writeMs = performance.now() - start;
      rows.push({
        ...row,
        traced: (await traced.traces?.count()) ?? 0,
        written,
        writeMs,
        cpuPerUpdateUs: 1e6 / cpuRate(row.on),
      });
    }
    return rows;
  } finally {
    await plain.close();
    await traced.close();
  }
}

const rate = (ts: readonly Timing[]): number =>
  ts.reduce((n, t) => n + t.ops, 0) / ts.reduce((s, t) => s + t.seconds, 0);
const cpuRate = (ts: readonly Timing[]): number =>
  ts.reduce((n, t) => n + t.ops, 0) / ts.reduce((s, t) => s + t.cpuSeconds, 0);

/** The Markdown table of the tracing section. */
export function tracingReport(rows: readonly TracingRow[], recording?: RecordingCost): string[] {
  const out = [
    '',
    `### Tracing cost (traces on vs off, alternating slices; bar ≥ ${TRACING_BAR})`,
    '',
    '| path | off ops/s | on ops/s | ratio | median round ratio | ratio range | CPU ratio | traces kept | bar |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const ratio = rate(row.on) / rate(row.off);
    const per = row.on.map(
      (t, i) => t.ops / t.seconds / ((row.off[i]?.ops ?? 0) / (row.off[i]?.seconds ?? 1)),
    );
    const sorted = [...per].sort((a, b) => a - b);
    const median =
      sorted.length % 2 === 1
        ? (sorted[(sorted.length - 1) / 2] ?? 0)
        : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
    const lo = Math.min(...per).toFixed(3);
    const hi = Math.max(...per).toFixed(3);
    out.push(
      `| ${row.name} | ${Math.round(rate(row.off)).toLocaleString('en-US')} | ${Math.round(rate(row.on)).toLocaleString('en-US')} | ${ratio.toFixed(3)} | ${median.toFixed(3)} | ` +
        `${lo}–${hi} | ${(cpuRate(row.on) / cpuRate(row.off)).toFixed(3)} | ${row.traced.toLocaleString('en-US')} | ${ratio >= TRACING_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  for (const row of rows) {
    const each = row.written === 0 ? 0 : (row.writeMs * 1000) / row.written;
    out.push(
      '',
      `${row.name}: trace file write of ${row.written.toLocaleString('en-US')} records took ${row.writeMs.toFixed(1)} ms (${each.toFixed(1)} µs each); ` +
        `at one write of at most ${row.traced.toLocaleString('en-US')} records per 10 s that is at most ${((row.traced * each) / 100_000).toFixed(2)}% of a saturated replica's time.`,
    );
  }
  if (recording !== undefined) {
    const update = Math.min(...rows.map((r) => r.cpuPerUpdateUs));
    out.push(
      '',
      `Recording alone (${recording.records.toLocaleString('en-US')} counter-shaped records into a ring of 10,000, median of 5): ${recording.cpuUs.toFixed(2)} µs of CPU per execution ` +
        `(${((recording.cpuUs / update) * 100).toFixed(2)}% of the cheapest path's ${update.toFixed(0)} µs of CPU per traced update); ` +
        `GC pauses ${recording.gcUs.toFixed(2)} µs per execution with recording, ${recording.gcBaselineUs.toFixed(2)} µs without.`,
    );
  }
  return out;
}
