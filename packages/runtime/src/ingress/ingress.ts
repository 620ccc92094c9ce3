/**
 * Ingress as the runtime receives it: update calls queued through the call router (so the
 * per-pair queue limit holds for users too), queries run at once on committed state, and the
 * ingress payload limit both share. The `Runtime`'s `submit` and `query` delegate here.
 */
import { Rejects } from '@tincan/abi';
import type { Batch } from '../state/batch.js';
import type { CallRouter } from '../calls/call-router.js';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { Dispatcher } from '../scheduling/dispatch.js';
import type { IngressLedger } from './ingress-ledger.js';
import type { Executor } from '../execution/executor.js';
import { runCompositeQuery } from '../calls/composite-query.js';
import type { CallLimits } from '../calls/limits.js';
import type { Outcome } from '../calls/messages.js';
import { toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import { RuntimeError } from '../runtime-error.js';
import type { SystemCanister } from '../calls/system-canister.js';

/** An ingress call, as the runtime receives it. */
export interface IngressCall {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly caller: Uint8Array;
  /**
   * The request id and expiry of a call sent over HTTP. With them, the call and its answer are
   * recorded in the store until the expiry (replay protection that survives a restart).
   */
  readonly requestId?: Uint8Array;
  readonly expiryNs?: bigint;
}

/** What ingress needs from the runtime. */
export interface IngressDeps {
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly batch: Batch;
  readonly router: CallRouter;
  readonly dispatch: Dispatcher;
  readonly limits: CallLimits;
  /** The management canister, which answers ingress queries to the empty principal. */
  readonly system: SystemCanister | undefined;
  /** Loads a canister's code if needed; returns a load error. */
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly ingressLedger: IngressLedger;
  readonly executor: Executor;
  /** The instruction limit of one query execution. */
  readonly queryInstructions: number;
  readonly now: () => bigint;
}

/** Throws `ERR_PAYLOAD_TOO_LARGE` for an argument over the ingress limit. */
function checkIngressSize(limits: CallLimits, call: IngressCall): void {
  const max = limits.maxIngressPayloadBytes;
  if (call.arg.length > max)
    throw new RuntimeError(
      'ERR_PAYLOAD_TOO_LARGE',
      `ingress argument of ${call.arg.length} bytes exceeds the limit of ${max} bytes`,
    );
}

/** Queues an ingress update call; `onAnswer` gets the outcome, at once if the router refuses it. */
export function submitIngress(
  deps: IngressDeps,
  call: IngressCall,
  onAnswer: (outcome: Outcome) => void,
): void {
  checkIngressSize(deps.limits, call);
  const id =
    call.requestId === undefined
      ? undefined
      : { requestId: call.requestId, sender: call.caller, expiryNs: call.expiryNs ?? 0n };
  const refused = deps.router.queue({
    kind: 'request',
    target: toHex(call.canisterId),
    source: `user:${toHex(call.caller)}`,
    caller: call.caller,
    origin: call.caller,
    method: call.method,
    arg: call.arg,
    replyTo: { kind: 'ingress', onAnswer, id },
    deadlineNs: 0n,
    cycles: 0n,
    depth: 0,
  });
  if (refused !== undefined) onAnswer(refused);
  else if (id !== undefined) deps.ingressLedger.received(id);
}

/** Runs a query call now, on committed state, and returns its outcome. */
export function runQuery(deps: IngressDeps, call: IngressCall): Outcome {
  checkIngressSize(deps.limits, call);
  if (call.canisterId.length === 0 && deps.system !== undefined) {
    return deps.system.handleQuery({
      caller: call.caller,
      origin: call.caller,
      method: call.method,
      arg: call.arg,
    });
  }
  const actor = deps.actors.get(toHex(call.canisterId));
  if (actor !== undefined) deps.ensureLoaded(actor);
  const mode = actor?.methods.get(call.method)?.mode;
  if (actor?.sandbox !== undefined && mode !== 'query' && mode !== 'compositeQuery') {
    return { reject: Rejects.methodNotFound(principalText(call.canisterId), 'query', call.method) };
  }
  if (mode === 'compositeQuery') {
    const answer = runCompositeQuery(deps, call);
    // The graph kept no writes, but the transaction its executions opened must still end.
    deps.batch.commit();
    return answer;
  }
  let outcome: Outcome | undefined;
  deps.dispatch.executeRequest({
    kind: 'request',
    seq: -1,
    target: toHex(call.canisterId),
    source: `user:${toHex(call.caller)}`,
    caller: call.caller,
    origin: call.caller,
    method: call.method,
    arg: call.arg,
    replyTo: {
      kind: 'ingress',
      onAnswer: (o) => {
        outcome = o;
      },
    },
    deadlineNs: 0n,
    cycles: 0n,
    depth: 0,
    nonReplicated: true,
  });
  // A query keeps no writes, but its transaction must still end.
  deps.batch.commit();
  if (outcome === undefined) throw new RuntimeError('ERR_KERNEL', 'query produced no outcome');
  return outcome;
}
