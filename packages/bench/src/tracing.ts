/**
 * The cost of execution traces: counter `add(1)` updates on a replica with tracing on
 * (`traces: true`, kept in its `traces.sqlite`) against an identical replica with tracing off,
 * in alternating slices of the same run. Two paths: the runtime driven synchronously (the
 * runtime's own cost, where tracing's share is largest) and an awaited typed actor (what a
 * client in the process sees). The bar: tracing keeps at least 0.9× the rate without it (the
 * total ratio; the median of the per-round ratios is printed too, as it shrugs off the bursts
 * of load a shared machine adds to single slices). CPU ratio counts the process, so it
 * includes the trace writer thread.
 * `npm run bench -- --only "tracing cost"` runs this section alone.
 */
import path from 'node:path';
import { Replica } from '@tincan/replica';
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
}

/** Deploys the counter on a replica with and one without tracing, and measures both paths. */
export async function tracingBenchmark(root: string, tmp: string, seconds: number, rounds: number): Promise<TracingRow[]> {
  const entry = path.join(root, 'canisters/counter/src/index.ts');
  const plain = await Replica.create({ stateDir: path.join(tmp, 'replica-traces-off') });
  const traced = await Replica.create({ stateDir: path.join(tmp, 'replica-traces-on'), traces: true });
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
        for (const side of order) (side ? row.on : row.off).push(await measure(side ? onCase : offCase, sliceMs));
      }
      await offCase.verify?.();
      await onCase.verify?.();
      rows.push({ ...row, traced: (await traced.traces?.count()) ?? 0 });
    }
    return rows;
  } finally {
    await plain.close();
    await traced.close();
  }
}

const rate = (ts: readonly Timing[]): number => ts.reduce((n, t) => n + t.ops, 0) / ts.reduce((s, t) => s + t.seconds, 0);
const cpuRate = (ts: readonly Timing[]): number => ts.reduce((n, t) => n + t.ops, 0) / ts.reduce((s, t) => s + t.cpuSeconds, 0);

/** The Markdown table of the tracing section. */
export function tracingReport(rows: readonly TracingRow[]): string[] {
  const out = [
    '',
    `### Tracing cost (traces on vs off, alternating slices; bar ≥ ${TRACING_BAR})`,
    '',
    '| path | off ops/s | on ops/s | ratio | median round ratio | ratio range | CPU ratio | traces kept | bar |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const ratio = rate(row.on) / rate(row.off);
    const per = row.on.map((t, i) => t.ops / t.seconds / ((row.off[i]?.ops ?? 0) / (row.off[i]?.seconds ?? 1)));
    const sorted = [...per].sort((a, b) => a - b);
    const median = sorted.length % 2 === 1 ? (sorted[(sorted.length - 1) / 2] ?? 0) : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
    const lo = Math.min(...per).toFixed(3);
    const hi = Math.max(...per).toFixed(3);
    out.push(
      `| ${row.name} | ${Math.round(rate(row.off)).toLocaleString('en-US')} | ${Math.round(rate(row.on)).toLocaleString('en-US')} | ${ratio.toFixed(3)} | ${median.toFixed(3)} | ` +
        `${lo}–${hi} | ${(cpuRate(row.on) / cpuRate(row.off)).toFixed(3)} | ${row.traced.toLocaleString('en-US')} | ${ratio >= TRACING_BAR ? 'PASS' : 'MISS'} |`,
    );
  }
  return out;
}
