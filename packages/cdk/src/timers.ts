/**
 * Timers, as Azle has them: `setTimer(delaySeconds, callback)`, `setTimerInterval`,
 * `clearTimer`. The replica keeps the schedule (a timer set by an execution that traps never
 * exists); this module keeps the callbacks. Each due timer runs as its own execution, so a
 * callback that traps rolls back alone and the other timers fire as planned.
 */
import { systemApi } from '@tincan/abi';

/** A timer callback; it may be async and await calls. */
export type TimerCallback = () => void | Promise<void>;

const callbacks = new Map<number, { callback: TimerCallback; repeat: boolean }>();

function nanos(seconds: number | bigint): bigint {
  if (typeof seconds === 'bigint') return seconds * 1_000_000_000n;
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`timer delay must be a non-negative number of seconds, got ${seconds}`);
  return BigInt(Math.round(seconds * 1e9));
}

/** Runs `callback` once, `delay` seconds from now. Returns the timer's id. */
export function setTimer(delay: number | bigint, callback: TimerCallback): bigint {
  const id = systemApi().timerSet(nanos(delay), 0n);
  callbacks.set(id, { callback, repeat: false });
  return BigInt(id);
}

/** Runs `callback` every `interval` seconds. Returns the timer's id. */
export function setTimerInterval(interval: number | bigint, callback: TimerCallback): bigint {
  const ns = nanos(interval);
  const id = systemApi().timerSet(ns, ns > 0n ? ns : 1n);
  callbacks.set(id, { callback, repeat: true });
  return BigInt(id);
}

/** Cancels a timer; unknown ids are ignored. */
export function clearTimer(timerId: bigint | number): void {
  const id = Number(timerId);
  systemApi().timerClear(id);
  callbacks.delete(id);
}

/** Runtime entry: timer `id` is due. */
export function runTimer(id: number): void {
  const entry = callbacks.get(id);
  if (entry === undefined) return;
  if (!entry.repeat) callbacks.delete(id);
  systemApi().settle(entry.callback(), noop);
}

function noop(): void {}
