/**
 * The reject for a call to a canister that does not exist, as ICP words it: a canister's call
 * to an id outside the subnet's range has no route (reject 3, no error code); anything else is
 * a canister that is not there (reject 3, IC0301).
 */
import { IcErrorCode, RejectCode, noRouteText } from '@tincan/abi';
import { reject } from './call-router.js';
import type { Outcome } from './messages.js';
import { inLocalRange } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';

/** The reject for a call to `id`, which names no canister; `fromCanister` for calls between canisters. */
export function missingCanister(id: Uint8Array, fromCanister: boolean): Outcome {
  const text = principalText(id);
  if (fromCanister && !inLocalRange(id)) return reject(RejectCode.DestinationInvalid, undefined, noRouteText(text));
  return reject(RejectCode.DestinationInvalid, IcErrorCode.CanisterNotFound, `Canister ${text} not found`);
}
