/**
 * Why a sub-message fails before it runs, and how a failure travels up: each is a `Reject`
 * with ICP's code and text, as a call would get.
 */
import { Rejects, type Reject } from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import { principalText } from '../canisters/principal-text.js';
import { missingCanister } from '../calls/missing-canister.js';
import type { CycleFees } from '../cycles/cycles.js';
import type { Execution } from '../execution/execution.js';
import * as Traps from '../execution/trap.js';
import * as lifecycle from '../lifecycle/lifecycle.js';
import type { SubMessage } from './sub-message.js';

/**
 * Why a sub-message cannot run on `target` at all, if it cannot: the reject ICP's dispatcher
 * gives a call to it, in the same order (missing, stopped or stopping, empty, no such update
 * method, frozen).
 */
export function subMessageRefusal(
  target: CanisterActor | undefined,
  sub: SubMessage,
  fees: CycleFees,
  ensureLoaded: (actor: CanisterActor) => string | undefined,
): Reject | undefined {
  if (target === undefined) {
    const missing = missingCanister(sub.target, true);
    return 'reject' in missing
      ? missing.reject
      : Rejects.canisterNotFound(principalText(sub.target));
  }
  const stopped = lifecycle.refusal(target);
  if (stopped !== undefined && 'reject' in stopped) return stopped.reject;
  const text = principalText(target.record.id);
  if (target.record.module.length === 0) return Rejects.canisterEmpty(text);
  const loadError = ensureLoaded(target);
  if (loadError !== undefined) return Rejects.loadFailed(loadError);
  if (target.methods.get(sub.method)?.mode !== 'update')
    return Rejects.methodNotFound(text, 'update', sub.method);
  const threshold = target.freezingThreshold(fees);
  if (target.record.cycles < threshold)
    return Rejects.outOfCycles(text, target.record.cycles, threshold);
  return undefined;
}

/**
 * Why `sender` cannot attach the sub-message's cycles, if it cannot: as `call_perform`, it may
 * spend only what is above its freezing threshold (its balance already holds every change of
 * the frames still open).
 */
export function attachRefusal(
  sender: CanisterActor,
  sub: SubMessage,
  fees: CycleFees,
): Reject | undefined {
  if (sub.cycles === 0n) return undefined;
  const liquid = sender.record.cycles - sender.freezingThreshold(fees);
  if (sub.cycles <= liquid) return undefined;
  return Rejects.insufficientCyclesToAttach(principalText(sender.record.id), sub.cycles, liquid);
}

/** Why an execution of the transaction failed (a trap, a reject, no reply), if it did. */
export function failureOf(actor: CanisterActor, exec: Execution): Reject | undefined {
  if (exec.trap !== undefined) return Traps.nestedReject(principalText(actor.record.id), exec.trap);
  if (exec.answer === undefined) return Rejects.didNotReply(principalText(actor.record.id));
  if ('reject' in exec.answer) return exec.answer.reject;
  return undefined;
}

/** A failure passed up a level: its code stays, its text says where it came from. */
export function prefixed(where: string, reject: Reject): Reject {
  return { ...reject, message: where + reject.message };
}
