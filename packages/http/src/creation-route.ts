/**
 * Where a canister creation goes on a replica of several subnets. ICP routes an ingress call by
 * its effective canister id; `provisional_create_canister_with_cycles` accepts any effective
 * id, and agents send `aaaaa-aa`, which no subnet hosts. For such a call with a `specified_id`,
 * the subnet is the one whose range holds that id (as PocketIC does), so the unmodified agent
 * creates a canister on subnet k by naming an id of subnet k's range.
 */
import { Principal } from '@dfinity/principal';
import { decodeCbor } from '@tincan/certification';
import { specifiedCanisterId, type Subnets } from '@tincan/replica';

/**
 * The subnet of a management creation's `specified_id` in a call envelope, if the body is one;
 * undefined for any other body (malformed ones included: the call handler reports those).
 */
export function creationSubnet(body: Uint8Array, subnets: Subnets): number | undefined {
  let envelope: unknown;
  try {
    envelope = decodeCbor(body);
  } catch {
    return undefined;
  }
  const content = (envelope as { content?: Record<string, unknown> } | null)?.content;
  if (typeof content !== 'object' || content === null || content.request_type !== 'call')
    return undefined;
  const { canister_id: target, method_name: method, arg } = content;
  if (!(target instanceof Uint8Array) || target.length !== 0) return undefined; // not aaaaa-aa
  if (typeof method !== 'string' || !(arg instanceof Uint8Array)) return undefined;
  const specified = specifiedCanisterId(method, arg);
  return specified === undefined ? undefined : subnets.subnetOf(Principal.from(specified));
}
