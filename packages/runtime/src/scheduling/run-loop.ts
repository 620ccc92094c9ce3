/**
 * The parts of the runtime's message loop that need none of its state: which pending messages
 * may run (ICP's per-pair order, with the policy choosing among them), how `runUntilIdle` cuts
 * work into batches, and when a live driver must next wake. Kept apart from `Runtime` so its
 * file stays about the loop's state; `step` itself stays there, on the hot path.
 */
import type { Message } from '../calls/messages.js';
import type { SchedulerCandidate, SchedulerPolicy } from './scheduler-policy.js';

/** Executions that share one store commit at most: bounds what a crash can lose. */
export const MAX_BATCH = 1_000;

/**
 * The index in `pending` of the message to run next, as `policy` picks it among the runnable
 * ones: every response, and the oldest request of each caller→callee pair.
 */
export function pickIndex(pending: readonly Message[], policy: SchedulerPolicy): number {
  const candidates: Array<SchedulerCandidate & { index: number }> = [];
  const seenPairs = new Set<string>();
  pending.forEach((m, index) => {
    if (m.kind === 'request') {
      const pair = `${m.source}>${m.target}`;
      if (seenPairs.has(pair)) return;
      seenPairs.add(pair);
    }
    candidates.push({ seq: m.seq, canister: m.target, kind: m.kind, index });
  });
  return candidates[policy.pick(candidates)]?.index ?? 0;
}

/**
 * Runs batches of at most {@link MAX_BATCH} through `runBatch` until one runs nothing or
 * `maxSteps` ran; returns the count.
 */
export function runUntilIdle(
  runBatch: (more: (executed: number) => boolean) => number,
  maxSteps: number,
): number {
  let steps = 0;
  for (;;) {
    const ran = runBatch((n) => n < MAX_BATCH && steps + n < maxSteps);
    steps += ran;
    if (ran === 0 || steps >= maxSteps) return steps;
  }
}

/** The earlier of a timer's due time and a call deadline, either possibly absent. */
export function earliestNs(
  timer: bigint | undefined,
  deadline: bigint | undefined,
): bigint | undefined {
  if (timer === undefined) return deadline;
  return deadline !== undefined && deadline < timer ? deadline : timer;
}
