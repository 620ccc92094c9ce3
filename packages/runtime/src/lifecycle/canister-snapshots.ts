/**
 * Canister snapshots, as ICP's take/load/list/delete_canister_snapshot define them: a copy of
 * a stopped canister's code, heap and stable maps, at most 10 per canister. Loading one puts
 * the canister back exactly as it was when the snapshot was taken.
 */
import type { CanisterActor } from '../canisters/canister-actor.js';
import { principalText } from '../canisters/principal-text.js';
import { RuntimeError } from '../runtime-error.js';
import type { SnapshotInfo, StateStore } from '../state/state-store.js';

/** Snapshots a canister may keep, as on ICP. */
export const MAX_SNAPSHOTS = 10;

function requireStopped(actor: CanisterActor, what: string): void {
  if (actor.record.status !== 'stopped') {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${principalText(actor.record.id)} must be stopped to ${what} (it is ${actor.record.status})`,
    );
  }
}

/** Takes a snapshot of a stopped canister; returns its id. */
export function takeSnapshot(actor: CanisterActor, store: StateStore, nowNs: bigint): number {
  requireStopped(actor, 'take a snapshot');
  if (actor.record.module.length === 0)
    throw new RuntimeError(
      'ERR_CANISTER_EMPTY',
      `canister ${principalText(actor.record.id)} has no code to snapshot`,
    );
  const existing = store.listSnapshots(actor.record.id);
  if (existing.length >= MAX_SNAPSHOTS) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${principalText(actor.record.id)} already has ${MAX_SNAPSHOTS} snapshots; delete one first`,
    );
  }
  const id = (existing[existing.length - 1]?.id ?? 0) + 1;
  store.takeSnapshot(actor.record.id, id, nowNs);
  return id;
}

/** Loads snapshot `snapshotId` into a stopped canister: code, heap and stable maps. */
export function loadSnapshot(actor: CanisterActor, store: StateStore, snapshotId: number): void {
  requireStopped(actor, 'load a snapshot');
  store.begin();
  try {
    const module = store.loadSnapshot(actor.record.id, snapshotId);
    if (module === undefined)
      throw new RuntimeError(
        'ERR_INVALID_ARGUMENT',
        `canister ${principalText(actor.record.id)} has no snapshot ${snapshotId}`,
      );
    actor.record = { ...actor.record, ...module, version: actor.record.version + 1n };
    store.putCanister(actor.record);
    store.commit();
  } catch (err) {
    if (store.inTransaction) store.rollback();
    throw err;
  }
  // The live sandbox holds the old heap: drop it; the snapshot's state loads on next use.
  actor.sandbox = undefined;
  actor.setDescription(undefined);
  actor.timers.clear();
}

/** The canister's snapshots, oldest first. */
export function listSnapshots(actor: CanisterActor, store: StateStore): SnapshotInfo[] {
  return store.listSnapshots(actor.record.id);
}

/** Deletes a snapshot; throws if there is none with that id. */
export function deleteSnapshot(actor: CanisterActor, store: StateStore, snapshotId: number): void {
  if (!store.deleteSnapshot(actor.record.id, snapshotId)) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${principalText(actor.record.id)} has no snapshot ${snapshotId}`,
    );
  }
}
