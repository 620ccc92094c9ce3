/**
 * What a canister has open, persisted with every batch COMMIT: its call contexts (whom each
 * must answer: an ingress request id, or a caller canister's call id; the cycles it still
 * holds), its outstanding calls (callee, attached cycles, the refund of a queued response) and
 * its timers. The continuations behind them are closures in the canister's realm and cannot be
 * saved; this is what a restart needs to answer every one of them instead of leaving its caller
 * waiting (see restart-recovery.ts). Only canisters whose open calls changed in a batch are
 * written; a canister with nothing open has no row.
 */
import type { CanisterActor } from '../canisters/canister-actor.js';
import { toHex } from '../canisters/principal-ids.js';
import type { StateStore } from './state-store.js';

/** Whom an open call context answers. */
export type SavedReplyTo =
  | {
      readonly kind: 'ingress';
      readonly requestId?: string;
      readonly sender?: string;
      readonly expiryNs?: string;
    }
  | { readonly kind: 'canister'; readonly caller: string; readonly callId: number }
  | { readonly kind: 'none' };

/** An open call context, as saved. Bigints are decimal strings, bytes hex. */
export interface SavedContext {
  readonly id: number;
  readonly method: string;
  readonly replied: boolean;
  readonly replyTo: SavedReplyTo;
  /** Attached cycles not accepted yet. */
  readonly cycles: string;
}

/** An outstanding call (its response has not run), as saved. */
export interface SavedCall {
  readonly callId: number;
  readonly callee: string;
  readonly method: string;
  /** Cycles attached to the call. */
  readonly cycles: string;
  /** The refund of the queued response, when one is queued. */
  readonly refund: string | null;
}

/** A timer, as saved. */
export interface SavedTimer {
  readonly id: number;
  readonly atNs: string;
  readonly intervalNs: string;
}

/** One canister's open calls. */
export interface SavedOpenCalls {
  readonly contexts: SavedContext[];
  readonly calls: SavedCall[];
  readonly timers: SavedTimer[];
}

/** Tracks which canisters' open calls changed in the batch, and writes them before its COMMIT. */
export class OpenCalls {
  readonly #dirty = new Set<CanisterActor>();
  /** Canisters that have a row in the store. */
  readonly #saved = new Set<string>();
  readonly #actors: ReadonlyMap<string, CanisterActor>;

  constructor(actors: ReadonlyMap<string, CanisterActor>) {
    this.#actors = actors;
  }

  /** The open calls of `actor` may have changed. */
  touch(actor: CanisterActor): void {
    this.#dirty.add(actor);
  }

  /** The open calls of the canister with this hex id may have changed. */
  touchKey(key: string): void {
    const actor = this.#actors.get(key);
    if (actor !== undefined) this.#dirty.add(actor);
  }

  /** Whether a write is due: a touched canister has something open, or had a row. */
  get pending(): boolean {
    for (const actor of this.#dirty) if (hasOpen(actor) || this.#saved.has(actor.key)) return true;
    this.#dirty.clear();
    return false;
  }

  /** Writes the touched canisters' open calls into the open transaction. */
  flush(store: StateStore): void {
    for (const actor of this.#dirty) {
      if (hasOpen(actor)) {
        store.putOpenCalls(actor.record.id, JSON.stringify(save(actor)));
        this.#saved.add(actor.key);
      } else if (this.#saved.delete(actor.key)) {
        store.putOpenCalls(actor.record.id, undefined);
      }
    }
    this.#dirty.clear();
  }
}

function hasOpen(actor: CanisterActor): boolean {
  return actor.contexts.size > 0 || actor.callbacks.size > 0 || actor.timers.size > 0;
}

/** The open calls of `actor` as saved. */
export function save(actor: CanisterActor): SavedOpenCalls {
  const contexts: SavedContext[] = [];
  for (const ctx of actor.contexts.values()) {
    const to = ctx.replyTo;
    let replyTo: SavedReplyTo;
    if (to.kind === 'canister')
      replyTo = { kind: 'canister', caller: to.canister, callId: to.callback.callId };
    else if (to.kind === 'ingress') {
      replyTo =
        to.id === undefined
          ? { kind: 'ingress' }
          : {
              kind: 'ingress',
              requestId: toHex(to.id.requestId),
              sender: toHex(to.id.sender),
              expiryNs: to.id.expiryNs.toString(),
            };
    } else replyTo = { kind: 'none' };
    contexts.push({
      id: ctx.id,
      method: ctx.method,
      replied: ctx.replied,
      replyTo,
      cycles: ctx.cyclesAvailable.toString(),
    });
  }
  const calls: SavedCall[] = [];
  for (const cb of actor.callbacks.values()) {
    calls.push({
      callId: cb.callId,
      callee: cb.callee,
      method: cb.method,
      cycles: cb.cycles.toString(),
      refund: cb.responded ? (cb.refund ?? 0n).toString() : null,
    });
  }
  const timers: SavedTimer[] = [];
  for (const [id, timer] of actor.timers)
    timers.push({ id, atNs: timer.atNs.toString(), intervalNs: timer.intervalNs.toString() });
  return { contexts, calls, timers };
}

/** Parses a saved row; a row that does not parse is treated as empty (and reported by the caller). */
export function parseSaved(state: string): SavedOpenCalls {
  const value = JSON.parse(state) as Partial<SavedOpenCalls>;
  return { contexts: value.contexts ?? [], calls: value.calls ?? [], timers: value.timers ?? [] };
}
