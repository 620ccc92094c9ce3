/**
 * The parts of a loaded canister that bookkeeping modules (cycles, settings, memory limits)
 * read and write. `CanisterActor` implements it; taking this instead of the actor keeps those
 * modules below the actor in the import graph.
 */
import type { CanisterSettings } from '../cycles/canister-settings.js';
import type { CanisterRecord } from '../state/state-store.js';

/** A canister's registry record, its heap size and its settings. */
export interface CanisterState {
  record: CanisterRecord;
  /** Bytes of the last committed heap snapshot. */
  readonly heapBytes: number;
  /** The canister's settings, parsed from its record. */
  settings(): CanisterSettings;
}
