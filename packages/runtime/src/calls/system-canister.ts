/**
 * The seam for the management canister (`aaaaa-aa`, the empty principal). The runtime knows no
 * Candid: every request addressed to the empty principal, from ingress or from a canister's
 * committed execution, is queued like any other message (so per-pair order, commit and trap
 * rules hold) and, when picked, handed to the {@link SystemCanister} the host passed in. The
 * host answers through `respond`, now or later (`stop_canister` answers once stopped).
 */
import { Rejects } from '@tincan/abi';
import type { Batch } from '../state/batch.js';
import type { Executor } from '../execution/executor.js';
import type { Outcome, RequestMessage } from './messages.js';
import { ensureError } from '@tincan/errors';

/** Principal bytes of the management canister: the empty principal, `aaaaa-aa`. */
export const MANAGEMENT_CANISTER_ID = new Uint8Array(0);

/** The runtime's map key (hex) of the management canister. */
export const MANAGEMENT_CANISTER_KEY = '';

/** A request to the management canister, as the runtime hands it over. */
export interface SystemRequest {
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly method: string;
  /** Candid-encoded argument. */
  readonly arg: Uint8Array;
  /** Cycles the calling canister attached (0 for ingress). */
  readonly cyclesAttached: bigint;
  /** Whether a canister made the call (false: an ingress message from a user). */
  readonly fromCanister: boolean;
  /**
   * Answers the request, keeping `accepted` of the attached cycles (0 by default; only a reply
   * can keep any) and refunding the rest with the response. The first call counts; later ones
   * are ignored. May be called later.
   */
  readonly respond: (outcome: Outcome, accepted?: bigint) => void;
}

/** A query to the management canister (ingress only, e.g. `fetch_canister_logs`). */
export type SystemQuery = Omit<SystemRequest, 'respond' | 'cyclesAttached' | 'fromCanister'>;

/** The management canister, implemented by the host (the replica). */
export interface SystemCanister {
  /**
   * Handles one request, inside a runtime step with no store transaction open: the handler may
   * call the runtime's management methods (createCanister, installCode, …). A throw becomes a
   * CANISTER_ERROR reject.
   */
  handleCall(request: SystemRequest): void;
  /** Runs a query on committed state and returns its outcome. */
  handleQuery(request: SystemQuery): Outcome;
}

/** What routing a system request needs from the runtime. */
export interface SystemRouteDeps {
  readonly system: SystemCanister | undefined;
  readonly batch: Batch;
  readonly executor: Executor;
  /** Whether a batch is running (answers are then released at its commit). */
  readonly inBatch: () => boolean;
}

/** Executes a request addressed to the management canister. */
export function executeSystemRequest(message: RequestMessage, deps: SystemRouteDeps): void {
  const { system, batch, executor } = deps;
  if (system === undefined) {
    executor.deliver(message.replyTo, { reject: Rejects.noManagementCanister() }, message.cycles);
    return;
  }
  // Management operations run their own store transactions (install is atomic on its own):
  // the executions before this one in the batch commit first.
  batch.commit();
  let answered = false;
  const respond = (outcome: Outcome, accepted = 0n): void => {
    if (answered) return;
    answered = true;
    const kept =
      'reply' in outcome && accepted > 0n
        ? accepted < message.cycles
          ? accepted
          : message.cycles
        : 0n;
    // Cycles are conserved: what the management canister does not keep goes back to the caller.
    executor.deliver(message.replyTo, outcome, message.cycles - kept);
    // A late answer (a stop that completes outside a step) has no batch commit to wait for.
    if (!deps.inBatch()) batch.commit();
  };
  try {
    system.handleCall({
      caller: message.caller,
      origin: message.origin,
      method: message.method,
      arg: message.arg,
      cyclesAttached: message.cycles,
      fromCanister: !message.source.startsWith('user:'),
      respond,
    });
  } catch (err) {
    respond({ reject: Rejects.managementCanisterFailed(message.method, ensureError(err).message) });
  }
}
