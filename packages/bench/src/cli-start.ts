/**
Start-up bar: from spawning `tincan start` to the first answered call, under 1 s.
 * The replica starts on a state directory that already holds the counter (as a developer's
 * second `tincan start` does); the call is an update through an unmodified `@dfinity/agent`
 * created once the URL is printed, so it includes fetching the root key and a certified reply.
 * Baseline in the same run: spawning `node -e 0` until it exits (bare process start-up).
 */
import os from 'node:os';
import path from 'node:path';
import { Actor, HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Replica } from '@tincan/replica';
import { bareNodeMs, startTincan } from './tincan-process.js';

/** The bar, in milliseconds. */
export const START_BAR_MS = 1000;

/** Timings of the start benchmark, in milliseconds (medians over `runs`). */
export interface StartResult {
  readonly runs: number;
  readonly startToCallMs: number;
  readonly startToUrlMs: number;
  readonly bareNodeMs: number;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({ add: IDL.Func([IDL.Nat], [IDL.Nat], []) });
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs `runs` starts (and as many bare node starts, alternating) and returns medians. */
export async function startBenchmark(
  root: string,
  tmp: string,
  runs: number,
): Promise<StartResult> {
  const stateDir = path.join(tmp, 'cli-start');
  const seed = await Replica.create({ stateDir: path.join(stateDir, 'replica') });
  const canisterId = (await seed.deploy(path.join(root, 'canisters/counter/src/index.ts'))).id;
  await seed.close();
  const [toCall, toUrl, bare] = [[], [], []] as [number[], number[], number[]];
  for (let i = 0; i < runs; i++) {
    bare.push(await bareNodeMs());

    const t = performance.now();
    const tincan = await startTincan(stateDir);
    const url = tincan.url;
    try {
      toUrl.push(performance.now() - t);
      const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
      const counter = Actor.createActor<{ add(n: bigint): Promise<bigint> }>(idlFactory, {
        agent,
        canisterId,
      });
      await counter.add(1n);
      toCall.push(performance.now() - t);
    } finally {
      await tincan.stop();
    }
  }
  return {
    runs,
    startToCallMs: median(toCall),
    startToUrlMs: median(toUrl),
    bareNodeMs: median(bare),
  };
}

/** Report lines for a start result. */
export function startReport(r: StartResult): string[] {
  return [
    `CLI start (median of ${r.runs}): \`tincan start\` to first answered update call ${r.startToCallMs.toFixed(0)} ms ` +
      `(bar < ${START_BAR_MS} ms ${r.startToCallMs < START_BAR_MS ? 'PASS' : 'MISS'}); to the printed URL ${r.startToUrlMs.toFixed(0)} ms; ` +
      `bare \`node -e 0\` ${r.bareNodeMs.toFixed(0)} ms, ratio ${(r.startToCallMs / r.bareNodeMs).toFixed(1)}× (load average ${os.loadavg()[0]?.toFixed(2)}).`,
  ];
}
