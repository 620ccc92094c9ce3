/**
 * A replica's time: moving it (a manual clock, or the default wall clock's stored offset), which
 * clock it runs on, and the time the IC HTTP interface sees.
 */
import { ManualClock, type Clock, type StateStore } from '@tincan/runtime';
import { LiveClock } from './live-clock.js';
import { CLOCK_OFFSET_KEY } from './replica-open.js';
import { ReplicaError } from './replica-error.js';

/** Which clock a replica runs on, and (on the wall clock) how far ahead of it it is. */
export interface ClockInfo {
  readonly kind: 'manual' | 'wall' | 'custom';
  readonly offsetNs: bigint;
}

/**
 * Moves time forward by `ms`: a manual clock, or the default wall clock, whose raised offset is
 * kept in the store so a reopened replica does not jump back.
 */
export function advanceClock(clock: Clock, store: StateStore, ms: number): void {
  if (clock instanceof LiveClock) {
    clock.advanceMs(ms);
    store.putMeta(CLOCK_OFFSET_KEY, new TextEncoder().encode(clock.offsetNs.toString()));
  } else manualClockOf(clock).advanceMs(ms);
}

/** Which clock this is. */
export function clockInfoOf(clock: Clock): ClockInfo {
  if (clock instanceof ManualClock) return { kind: 'manual', offsetNs: 0n };
  if (clock instanceof LiveClock) return { kind: 'wall', offsetNs: clock.offsetNs };
  return { kind: 'custom', offsetNs: 0n };
}

/** Replica time, except on the default wall clock, where it stays the host's (see `Replica.interfaceTimeNs`). */
export function interfaceTimeOf(clock: Clock): bigint {
  const now = clock.nowNs();
  return clock instanceof LiveClock ? now - clock.offsetNs : now;
}

/** The clock as a manual clock; throws if it is not one. */
export function manualClockOf(clock: Clock): ManualClock {
  if (!(clock instanceof ManualClock))
    throw new ReplicaError(
      'ERR_INVALID_ARGUMENT',
      'time can only be moved on a replica with a ManualClock (createTestReplica uses one) or the default wall clock',
    );
  return clock;
}
