/**
 * Cycles: what executions, calls and ingress messages cost, the freezing threshold, and the
 * balance bookkeeping between executions.
 *
 * Balances live in each canister's registry record. Changes an execution makes (attaching,
 * accepting, burning) are held on the execution and applied only when it commits; fees are
 * charged whatever the outcome. Changed balances are written once per batch, just before the
 * batch's COMMIT, so a crash loses them together with the executions that made them.
 */
import type { CanisterSettings } from './canister-settings.js';
import type { CanisterState } from '../canisters/canister-state.js';
import type { StateStore } from '../state/state-store.js';
import { PendingHeap, type HeapDelta } from '../state/heap-delta.js';

/** What the replica charges, in cycles. */
export interface CycleFees {
  /** Per update, callback, timer or cleanup execution (ICP: update_message_execution_fee). */
  readonly executionBase: bigint;
  /** Per unit of the execution budget spent (ICP charges 1 cycle per Wasm instruction). */
  readonly perInstruction: bigint;
  /** Per inter-canister call sent, paid by the caller (ICP: xnet_call_fee). */
  readonly callBase: bigint;
  /** Per byte of method name and argument of a call (ICP: xnet_byte_transmission_fee). */
  readonly callPerByte: bigint;
  /** Per ingress message, paid by the receiving canister (ICP: ingress_message_reception_fee). */
  readonly ingressBase: bigint;
  /** Per byte of method name and argument of an ingress message (ICP: ingress_byte_reception_fee). */
  readonly ingressPerByte: bigint;
  /** Idle burn per GiB of memory per second; sets the freezing threshold. */
  readonly storagePerGiBSecond: bigint;
  /** Idle burn per percent of compute allocation per second; sets the freezing threshold. */
  readonly computePercentPerSecond: bigint;
}

/**
 * ICP's fees on a 13-node application subnet: 5M per update execution plus 1 per
 * instruction, 260K per call plus 1K per byte, 1.2M per ingress message plus 2K per byte,
 * 127K per GiB-second of storage and 10M per percent-second of compute allocation.
 */
export const ICP_13_NODE_FEES: CycleFees = {
  executionBase: 5_000_000n,
  perInstruction: 1n,
  callBase: 260_000n,
  callPerByte: 1_000n,
  ingressBase: 1_200_000n,
  ingressPerByte: 2_000n,
  storagePerGiBSecond: 127_000n,
  computePercentPerSecond: 10_000_000n,
};

/** Nothing costs anything: balances change only through attached, accepted and burned cycles. */
export const ZERO_FEES: CycleFees = {
  executionBase: 0n,
  perInstruction: 0n,
  callBase: 0n,
  callPerByte: 0n,
  ingressBase: 0n,
  ingressPerByte: 0n,
  storagePerGiBSecond: 0n,
  computePercentPerSecond: 0n,
};

const GIB = 1n << 30n;

/**
 * The balance below which a canister is frozen: what it would burn idle during its
 * `freezingThresholdSeconds`. Idle burn is memory (the larger of its memory allocation and its
 * code plus heap snapshot) times the storage fee, plus compute allocation times its fee.
 */
export function freezingThreshold(
  actor: CanisterState,
  settings: CanisterSettings,
  fees: CycleFees,
): bigint {
  const used = BigInt(actor.record.module.length + actor.heapBytes);
  const memory = settings.memoryAllocationBytes > used ? settings.memoryAllocationBytes : used;
  const perSecond =
    (memory * fees.storagePerGiBSecond) / GIB +
    settings.computeAllocationPercent * fees.computePercentPerSecond;
  return perSecond * settings.freezingThresholdSeconds;
}

/** Fee of one execution that spent `units`. */
export function executionFee(fees: CycleFees, units: number): bigint {
  return fees.executionBase + fees.perInstruction * BigInt(units);
}

/** Fee of sending a call (or receiving an ingress message) of `method` with `arg`. */
export function messageFee(base: bigint, perByte: bigint, method: string, arg: Uint8Array): bigint {
  return base + perByte * BigInt(method.length + arg.length);
}

/** What a batch writes at its end, per canister: changed balances and the newest committed heap. */
export class Balances {
  readonly #dirty = new Set<CanisterState>();
  /**
   * Heap rows committed during the batch, merged per canister (the newest version of each row).
   * They are written with the balance at the batch's end: a busy canister's rows are written
   * once per batch, not once per execution. A later execution that traps rolls the realm back
   * to what these rows hold, so the pending rows are always the canister's committed heap.
   */
  readonly #heaps = new Map<CanisterState, PendingHeap>();

  /** Records the heap rows an execution committed; written at the batch's end. */
  heapCommitted(actor: CanisterState, heap: HeapDelta): void {
    const pending = this.#heaps.get(actor);
    if (pending === undefined) this.#heaps.set(actor, new PendingHeap(heap));
    else pending.add(heap);
    this.#dirty.add(actor);
  }

  /** Adds `delta` (negative to take) to the canister's balance; never below zero. */
  change(actor: CanisterState, delta: bigint): void {
    if (delta === 0n) return;
    const cycles = actor.record.cycles + delta;
    // In place: this runs for nearly every execution, and a copy of the record costs more than
    // the rest of the bookkeeping. The record is the actor's own; readers see the live balance.
    (actor.record as { cycles: bigint }).cycles = cycles < 0n ? 0n : cycles;
    this.#dirty.add(actor);
  }

  /** Takes up to `fee` from the balance; returns what was taken. */
  charge(actor: CanisterState, fee: bigint): bigint {
    const taken = fee < actor.record.cycles ? fee : actor.record.cycles;
    this.change(actor, -taken);
    return taken;
  }

  /** Whether a balance changed since the last flush. */
  get pending(): boolean {
    return this.#dirty.size > 0;
  }

  /** Writes the changed balances and committed heaps into the open transaction. */
  flush(store: StateStore): void {
    if (this.#dirty.size === 0) return;
    for (const actor of this.#dirty) {
      const heap = this.#heaps.get(actor);
      if (heap !== undefined) heap.flush(store, actor.record.id, actor.record.cycles);
      else store.putCycles(actor.record.id, actor.record.cycles);
    }
    this.#dirty.clear();
    this.#heaps.clear();
  }
}
