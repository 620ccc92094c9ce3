/**
 * Canister status, as ICP's `stop_canister` / `start_canister` / `delete_canister` define it.
 * A stopping canister refuses new calls but still runs the responses to calls it made; it is
 * stopped once no call context is open. Only a stopped canister can be deleted.
 */
import { Rejects } from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { Outcome } from '../calls/messages.js';
import { principalText } from '../canisters/principal-text.js';
import { RuntimeError } from '../runtime-error.js';
import type { CanisterStatus, StateStore } from '../state/state-store.js';

/** Who waits for a stopping canister to be stopped (pending `stop_canister` calls). */
const stopWaiters = new WeakMap<CanisterActor, Array<(stopped: boolean) => void>>();

/** Calls `onSettled(true)` once the canister is stopped, or `onSettled(false)` if it is started first. */
export function whenStopped(actor: CanisterActor, onSettled: (stopped: boolean) => void): void {
  const waiters = stopWaiters.get(actor) ?? [];
  waiters.push(onSettled);
  stopWaiters.set(actor, waiters);
}

/** Sets the canister's status and persists it; tells stop waiters when the stop settles. */
function setStatus(actor: CanisterActor, store: StateStore, status: CanisterStatus): void {
  if (actor.record.status === status) return;
  actor.record = { ...actor.record, status };
  store.putCanister(actor.record);
  const waiters = status === 'stopping' ? undefined : stopWaiters.get(actor);
  if (waiters === undefined) return;
  stopWaiters.delete(actor);
  for (const settle of waiters) settle(status === 'stopped');
}

/** Starts stopping the canister; it is stopped at once when no call context is open. */
export function stop(actor: CanisterActor, store: StateStore): CanisterStatus {
  if (actor.record.status === 'running') setStatus(actor, store, 'stopping');
  settleStopping(actor, store);
  return actor.record.status;
}

/** Runs the canister again (a stopping canister keeps its open contexts and runs on). */
export function start(actor: CanisterActor, store: StateStore): void {
  setStatus(actor, store, 'running');
}

/** After an execution: a stopping canister with no open call context becomes stopped. */
export function settleStopping(actor: CanisterActor, store: StateStore): void {
  if (actor.record.status === 'stopping' && actor.contexts.size === 0)
    setStatus(actor, store, 'stopped');
}

/** The reject for a new call to a canister that is not running, if it is not. */
export function refusal(actor: CanisterActor): Outcome | undefined {
  // On the hot path of every request: build no message unless refusing.
  if (actor.record.status === 'running') return undefined;
  const text = principalText(actor.record.id);
  if (actor.record.status === 'stopping') return { reject: Rejects.canisterStopping(text) };
  return { reject: Rejects.canisterStopped(text) };
}

/** Checks that a canister may be deleted: only a stopped one can. */
export function assertDeletable(actor: CanisterActor): void {
  if (actor.record.status !== 'stopped') {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${principalText(actor.record.id)} must be stopped before it is deleted (it is ${actor.record.status})`,
    );
  }
}
