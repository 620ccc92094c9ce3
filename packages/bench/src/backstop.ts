/**
 * The wall-clock backstop's cost on persisted counter updates (`add(1)`, runtime sync): the same
 * case on a replica with the backstop off and on, in alternating slices of one process (the
 * order flips every round, so drifting load hits both alike). Compared by CPU time per update,
 * which other processes do not stretch, and by wall time. Bar: on ≤ 1.05 × off, judged on the
 * median of the per-round CPU ratios (one slice stretched by a neighbour's burst moves a total,
 * not a median). `npm run bench -- --only "backstop cost"` runs this section alone.
 */
import vm from 'node:vm';
import { processGuard } from '@tincan/watchdog';
import { measure, type BenchCase, type Timing } from './support.js';

/** The bar of the issue: the backstop costs at most 5%. */
export const BACKSTOP_BAR = 1.05;

/** Timings of the two sides over all rounds. */
export interface BackstopResult {
  readonly off: Timing[];
  readonly on: Timing[];
  /** CPU ns of one trivial op, plain and guarded: medians of alternating rounds. */
  readonly opNs: { readonly plain: number; readonly guarded: number; readonly kind: string };
}

/** Runs `rounds` pairs of `sliceMs` slices, alternating which side goes first. */
export async function backstopBenchmark(
  off: BenchCase,
  on: BenchCase,
  rounds: number,
  sliceMs: number,
): Promise<BackstopResult> {
  const result: BackstopResult = { off: [], on: [], opNs: guardedOpCost() };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
    for (const side of order) result[side].push(await measure(side === 'off' ? off : on, sliceMs));
  }
  await off.verify?.();
  await on.verify?.();
  return result;
}

/** CPU ns of `1+1` in a vm context, unguarded and through the process's guard, 20 alternating rounds. */
function guardedOpCost(): BackstopResult['opNs'] {
  const guard = processGuard();
  const context = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
  const script = new vm.Script('1 + 1');
  const n = 50_000;
  const plain: number[] = [];
  const guarded: number[] = [];
  const cpuUs = (): number => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  for (let round = 0; round < 20; round++) {
    for (const side of round % 2 === 0 ? [plain, guarded] : [guarded, plain]) {
      const start = cpuUs();
      if (side === plain) for (let i = 0; i < n; i++) script.runInContext(context);
      else for (let i = 0; i < n; i++) guard.runInContext(script, context, 5_000);
      side.push(((cpuUs() - start) * 1000) / n);
    }
  }
  return { plain: median(plain), guarded: median(guarded), kind: guard.kind };
}

const cpuPerOp = (t: Timing): number => (t.cpuSeconds * 1e6) / t.ops;
const wallPerOp = (t: Timing): number => (t.seconds * 1e6) / t.ops;
const total = (ts: readonly Timing[], per: (t: Timing) => number): number => {
  const ops = ts.reduce((n, t) => n + t.ops, 0);
  return ts.reduce((s, t) => s + per(t) * t.ops, 0) / ops;
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The report: µs per update each side, the on/off ratios (total and median of rounds), the verdict. */
export function backstopReport(result: BackstopResult): string[] {
  const rows: string[] = [];
  const perRound = (per: (t: Timing) => number): number[] =>
    result.on.map((t, i) => per(t) / per(result.off[i] ?? t));
  for (const [label, per] of [
    ['CPU', cpuPerOp],
    ['wall', wallPerOp],
  ] as const) {
    const [off, on] = [total(result.off, per), total(result.on, per)];
    const rounds = perRound(per);
    rows.push(
      `| ${label} | ${off.toFixed(1)} | ${on.toFixed(1)} | ${(on / off).toFixed(3)} | ${median(rounds).toFixed(3)} | ` +
        `${Math.min(...rounds).toFixed(3)}–${Math.max(...rounds).toFixed(3)} |`,
    );
  }
  const verdict = median(perRound(cpuPerOp));
  return [
    '',
    `Wall-clock backstop cost, counter add(1), runtime sync (${result.off.length} alternating rounds):`,
    '',
    '| time | off µs/update | on µs/update | on/off | median of rounds | range |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Backstop bar (on ≤ ${BACKSTOP_BAR} × off, median CPU ratio): ${verdict <= BACKSTOP_BAR ? 'PASS' : 'MISS'} (${verdict.toFixed(3)})`,
    `One trivial op (\`1 + 1\` in a vm context, CPU, median of 20 alternating rounds of 50,000): ${result.opNs.plain.toFixed(0)} ns plain, ` +
      `${result.opNs.guarded.toFixed(0)} ns guarded (${result.opNs.kind}): ${(result.opNs.guarded - result.opNs.plain).toFixed(0)} ns per guarded op.`,
  ];
}
