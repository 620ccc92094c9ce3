/**
 * The recovery step when a runtime opens a store: what was open at the last commit before the
 * replica stopped (or crashed) is answered, since its continuations (closures in the canister
 * realms) are gone.
 *
 * - Every call context that was open and unanswered is rejected with CANISTER_ERROR (IC0506,
 *   "did not reply"): the method already ran up to a commit point and its committed changes
 *   stand, so it is not safe to retry blindly, which SYS_TRANSIENT would suggest. An ingress
 *   caller reads the reject as its request's status; a canister caller's callback is gone too,
 *   so the caller gets the cycles back and its own context is rejected in turn (up to the
 *   ingress call that started the chain).
 * - Every outstanding call is settled on the caller's side: the cycles it attached that the
 *   callee did not accept (or the refund of a response that was queued) go back to the caller's
 *   balance, and the caller's log says which call was lost.
 * - An ingress call that was received but never executed is rejected with SYS_TRANSIENT: it
 *   did nothing, and can be sent again as a new request.
 * - Timers are dropped; each is listed in its canister's log and in the report.
 *
 * Everything is written in one transaction, before the runtime executes anything.
 */
import { Rejects } from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { Outcome } from '../calls/messages.js';
import * as lifecycle from './lifecycle.js';
import { parseSaved, type SavedOpenCalls } from '../state/open-calls.js';
import { fromHex, toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import type { StateStore } from '../state/state-store.js';

/** A timer a restart dropped. */
export interface DroppedTimer {
  readonly canisterId: Uint8Array;
  readonly timerId: number;
  /** When it was due next, in ns. */
  readonly atNs: bigint;
  /** Its interval in ns; 0 for a one-shot timer. */
  readonly intervalNs: bigint;
}

/** What the recovery step at open did. */
export interface RecoveryReport {
  /** Call contexts that were open and are now answered with a reject. */
  readonly rejectedContexts: number;
  /** Ingress calls received but never executed, now answered with SYS_TRANSIENT. */
  readonly unexecutedIngress: number;
  /** Outstanding calls whose callbacks were dropped, and the cycles refunded for them. */
  readonly lostCalls: number;
  readonly refundedCycles: bigint;
  readonly droppedTimers: readonly DroppedTimer[];
}

/** The report of a store that had nothing open. */
export const NOTHING_RECOVERED: RecoveryReport = {
  rejectedContexts: 0,
  unexecutedIngress: 0,
  lostCalls: 0,
  refundedCycles: 0n,
  droppedTimers: [],
};

/** What recovery needs from the runtime. */
export interface RecoveryDeps {
  readonly store: StateStore;
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly nowNs: bigint;
  /** Whether any canister is stopping (from the registry's keys, so no record is read for it). */
  readonly anyStopping: boolean;
  /** Appends a line to a canister's log. */
  readonly log: (actor: CanisterActor, message: string) => void;
}

/** Answers what was open at the last commit; see the module comment. */
export function recoverOpenCalls(deps: RecoveryDeps): RecoveryReport {
  const { store, actors, nowNs } = deps;
  const rows = store.listOpenCalls();
  store.pruneIngress(nowNs);
  const unanswered = store.listIngress().filter((record) => record.outcome === undefined);
  if (rows.length === 0 && unanswered.length === 0 && !deps.anyStopping) return NOTHING_RECOVERED;

  const saved = new Map<string, SavedOpenCalls>();
  for (const row of rows) saved.set(toHex(row.canisterId), parseOrEmpty(row.state));
  let rejectedContexts = 0;
  let lostCalls = 0;
  let refundedCycles = 0n;
  const droppedTimers: DroppedTimer[] = [];
  /** Cycles still held by unanswered contexts of canister calls, by `caller:callId`. */
  const held = new Map<string, bigint>();
  const answeredIngress = new Set<string>();

  store.begin();
  try {
    for (const [key, open] of saved) {
      const actor = actors.get(key);
      const text = principalText(fromHex(key));
      for (const ctx of open.contexts) {
        if (ctx.replied) continue;
        rejectedContexts++;
        const to = ctx.replyTo;
        const outcome: Outcome = { reject: Rejects.didNotReplyAfterRestart(text, ctx.method) };
        if (to.kind === 'canister') held.set(`${to.caller}:${to.callId}`, BigInt(ctx.cycles));
        if (
          to.kind === 'ingress' &&
          to.requestId !== undefined &&
          to.sender !== undefined &&
          to.expiryNs !== undefined
        ) {
          answeredIngress.add(to.requestId);
          const requestId = fromHex(to.requestId);
          // Never overwrite an answer that made it into the store.
          if (store.getIngress(requestId)?.outcome === undefined)
            store.putIngress({
              requestId,
              sender: fromHex(to.sender),
              expiryNs: BigInt(to.expiryNs),
              outcome,
            });
        }
        const from =
          to.kind === 'ingress'
            ? 'an ingress message'
            : to.kind === 'canister'
              ? `canister ${principalText(fromHex(to.caller))}`
              : 'a timer or heartbeat';
        if (actor !== undefined)
          deps.log(
            actor,
            `[restart] the call to '${ctx.method}' from ${from} was waiting when the replica stopped; it was answered with reject 5 (IC0506)`,
          );
      }
    }
    for (const [key, open] of saved) {
      const actor = actors.get(key);
      for (const call of open.calls) {
        lostCalls++;
        const refund =
          call.refund !== null
            ? BigInt(call.refund)
            : (held.get(`${key}:${call.callId}`) ?? BigInt(call.cycles));
        if (actor === undefined) continue;
        if (refund > 0n) {
          (actor.record as { cycles: bigint }).cycles += refund;
          store.putCycles(actor.record.id, actor.record.cycles);
          refundedCycles += refund;
        }
        const callee = call.callee === '' ? 'aaaaa-aa' : principalText(fromHex(call.callee));
        deps.log(
          actor,
          `[restart] the call to ${callee} '${call.method}' was in flight when the replica stopped; its callback cannot run, and ${refund} cycles were refunded`,
        );
      }
      for (const timer of open.timers) {
        const dropped = {
          canisterId: fromHex(key),
          timerId: timer.id,
          atNs: BigInt(timer.atNs),
          intervalNs: BigInt(timer.intervalNs),
        };
        droppedTimers.push(dropped);
        if (actor !== undefined)
          deps.log(
            actor,
            `[restart] ${describeTimer(dropped)} was dropped: timers do not survive a restart; set it again`,
          );
      }
      store.putOpenCalls(fromHex(key), undefined);
    }
    let unexecutedIngress = 0;
    for (const record of unanswered) {
      if (answeredIngress.has(toHex(record.requestId))) continue;
      unexecutedIngress++;
      const outcome: Outcome = { reject: Rejects.notExecutedBeforeRestart() };
      store.putIngress({ ...record, outcome });
    }
    // A stopping canister has no open context left: it is stopped.
    for (const actor of actors.values()) lifecycle.settleStopping(actor, store);
    store.commit();
    return { rejectedContexts, unexecutedIngress, lostCalls, refundedCycles, droppedTimers };
  } catch (err) {
    store.rollback();
    throw err;
  }
}

/** "timer 3 (every 5000 ms, next due at 2026-…)" */
export function describeTimer(timer: DroppedTimer): string {
  const ms = timer.atNs / 1_000_000n;
  const when =
    ms <= 8_640_000_000_000_000n ? new Date(Number(ms)).toISOString() : `${timer.atNs} ns`;
  const every =
    timer.intervalNs > 0n ? `every ${timer.intervalNs / 1_000_000n} ms, ` : 'one-shot, ';
  return `timer ${timer.timerId} (${every}next due at ${when})`;
}

function parseOrEmpty(state: string): SavedOpenCalls {
  try {
    return parseSaved(state);
  } catch {
    return { contexts: [], calls: [], timers: [] };
  }
}
