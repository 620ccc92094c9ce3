/**
 * The reject for a call to a canister that does not exist, as ICP words it: a canister's call
 * to an id outside the subnet's range has no route (reject 3, no error code); anything else is
 * a canister that is not there (reject 3, IC0301).
 */
import { Rejects } from '@tincan/abi';
import type { Outcome } from './messages.js';
import { inLocalRange } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';

/** The reject for a call to `id`, which names no canister; `fromCanister` for calls between canisters. */
export function missingCanister(id: Uint8Array, fromCanister: boolean): Outcome {
  const text = principalText(id);
  if (fromCanister && !inLocalRange(id)) return { reject: Rejects.noRoute(text) };
  return { reject: Rejects.canisterNotFound(text) };
}
