/**
 * How a runtime that hosts one subnet of several reaches the others: the ids it allocates
 * canisters under, and where a request for a canister it does not host goes. The XNet layer
 * (the replica's `subnets/`) implements it; a runtime without it is the one subnet there is.
 */
import type { Outcome, RequestMessage } from '../calls/messages.js';
import type { StateStore } from '../state/state-store.js';

/** Where a request for a canister of another subnet went. */
export type RouteResult =
  /** Taken by the XNet layer: it travels in a certified stream, and its response comes back through `Runtime.deliverRemote`. */
  | { readonly kind: 'sent' }
  /** Refused before it left (too large for a cross-subnet message, say): the caller gets this reject. */
  | { readonly kind: 'refused'; readonly outcome: Outcome };

/** The runtime's side of a multi-subnet topology. */
export interface SubnetRouting {
  /** The id of the `index`-th canister created on this subnet (1-based): inside the subnet's range. */
  readonly canisterId: (index: number) => Uint8Array;
  /**
   * Called for a canister's request to an id this runtime does not host, after the batch that
   * made it picked it (so per-pair order holds). Returns undefined when no subnet hosts the
   * id: the caller then gets the usual "no route" / not-found reject.
   */
  readonly routeOut: (request: RequestMessage) => RouteResult | undefined;
  /**
   * Told the runtime's store once it is open and recovered: the XNet layer keeps the subnet's
   * streams in it, written in the same commits as the executions that made them.
   */
  readonly opened?: (store: StateStore) => void;
}
