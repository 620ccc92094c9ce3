/**
 * Runs a scenario under many seeded schedules and reports the first seed that fails, so a
 * concurrency bug found once can be replayed exactly with that seed.
 */
import { seededPolicy, type SchedulerPolicy } from '@tincan/replica';

/** Options of {@link exploreSchedules}. */
export interface ExploreOptions {
  /** Seeds to try: a count (seeds 1..n) or explicit seeds. */
  readonly seeds: number | readonly number[];
  /** Runs the scenario under `scheduler`; throws (e.g. a failed expect) to report a failure. */
  readonly run: (scheduler: SchedulerPolicy, seed: number) => Promise<void>;
}

/** The outcome of an exploration. */
export type ExploreResult =
  | { readonly ok: true; readonly tried: number }
  | { readonly ok: false; readonly seed: number; readonly error: Error; readonly tried: number };

/** Tries every seed until one fails. */
export async function exploreSchedules(options: ExploreOptions): Promise<ExploreResult> {
  const seeds =
    typeof options.seeds === 'number'
      ? Array.from({ length: options.seeds }, (_, i) => i + 1)
      : options.seeds;
  let tried = 0;
  for (const seed of seeds) {
    tried++;
    try {
      await options.run(seededPolicy(seed), seed);
    } catch (err) {
      return { ok: false, seed, error: err instanceof Error ? err : new Error(String(err)), tried };
    }
  }
  return { ok: true, tried };
}

/** Like {@link exploreSchedules} but throws with the failing seed, for use inside a test. */
export async function assertAllSchedules(options: ExploreOptions): Promise<void> {
  const result = await exploreSchedules(options);
  if (!result.ok) {
    const err = new Error(
      `schedule seed ${result.seed} failed (after ${result.tried} seeds): ${result.error.message}`,
      { cause: result.error },
    );
    throw err;
  }
}
