/**
 * ICP's ingress message inspection (`canister_inspect_message`). Before an ingress update call
 * is accepted, the canister's `@inspectMessage` method runs like a query: on committed state,
 * unable to call, within the query budget, and its writes are always discarded. The message is
 * accepted only if the method called `acceptMessage()` and did not trap. A canister without an
 * `@inspectMessage` method accepts every message.
 *
 * Only the host decides when to inspect: the HTTP interface does so for every call to a
 * canister. Queries, calls between canisters, calls to the management canister (which filters
 * its own ingress) and the in-process `submit` are not inspected, as on ICP.
 */
import { Rejects, type Reject } from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import { openExecution } from '../execution/execution.js';
import * as Traps from '../execution/trap.js';
import type { Executor } from '../execution/executor.js';
import type { Batch } from '../state/batch.js';
import { toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';

/** What inspecting an ingress message decided; a refusal carries the reject the client gets. */
export type InspectResult =
  { readonly accepted: true } | { readonly accepted: false; readonly reason: Reject };

/** The message to inspect: an ingress update call. */
export interface InspectedCall {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly caller: Uint8Array;
}

/** What inspection needs from the runtime. */
export interface InspectDeps {
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly executor: Executor;
  readonly batch: Batch;
  /** Loads a canister's code if needed; returns a load error. */
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly now: () => bigint;
}

const ACCEPTED: InspectResult = { accepted: true };

/**
 * Runs the canister's `@inspectMessage` for `call` and says whether the message is accepted.
 * A missing, empty, unloadable or non-running canister is not inspected here: the message is
 * let through and its execution rejects it, as it always has.
 */
export function inspectMessage(call: InspectedCall, deps: InspectDeps): InspectResult {
  if (call.canisterId.length === 0) return ACCEPTED;
  const actor = deps.actors.get(toHex(call.canisterId));
  if (actor === undefined || actor.record.status !== 'running' || actor.record.module.length === 0)
    return ACCEPTED;
  if (deps.ensureLoaded(actor) !== undefined || actor.sandbox === undefined) return ACCEPTED;
  const entry = inspectEntry(actor);
  if (entry === undefined) return ACCEPTED;
  const exec = openExecution({
    mode: 'inspect',
    context: undefined,
    method: call.method,
    argData: call.arg,
    caller: call.caller,
    origin: call.caller,
    timeNs: deps.now(),
  });
  deps.executor.run(actor, exec, 'invoke', entry);
  // Like a query, the execution kept nothing, but its store transaction must still end.
  deps.batch.commit();
  const canister = principalText(actor.record.id);
  if (exec.trap !== undefined) {
    return {
      accepted: false,
      reason: Traps.reject(canister, exec.trap),
    };
  }
  if (exec.messageAccepted !== true) {
    return { accepted: false, reason: Rejects.messageNotAccepted(canister) };
  }
  return ACCEPTED;
}

/** The name of the canister's `@inspectMessage` method, if it has one. */
function inspectEntry(actor: CanisterActor): string | undefined {
  for (const [name, method] of actor.methods) if (method.mode === 'inspectMessage') return name;
  return undefined;
}
