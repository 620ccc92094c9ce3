/**
 * The canister a call to the management canister is about, for the HTTP interface's effective
 * canister id check: the `canister_id` field of the argument, or none for methods that create
 * canisters (`provisional_create_canister_with_cycles` accepts any effective id).
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeCandid } from '@tincan/candid';
import { MANAGEMENT_METHODS, type ManagementMethodName } from './ic-idl.js';

/** What a management call targets: a canister id, nothing in particular, or unknown (bad input). */
export type ManagementTarget =
  | { readonly kind: 'canister'; readonly id: Principal }
  | { readonly kind: 'any' }
  | { readonly kind: 'undecodable' };

const ID_RECORD = IDL.Record({ canister_id: IDL.Principal });
const SPECIFIED_RECORD = IDL.Record({ specified_id: IDL.Opt(IDL.Principal) });

/** The canister id a management call names in its argument. */
export function managementTarget(method: string, arg: Uint8Array): ManagementTarget {
  if (!Object.hasOwn(MANAGEMENT_METHODS, method)) return { kind: 'undecodable' };
  const spec = MANAGEMENT_METHODS[method as ManagementMethodName];
  if (
    spec.arg === undefined ||
    method === 'create_canister' ||
    method === 'provisional_create_canister_with_cycles'
  )
    return { kind: 'any' };
  try {
    // Candid subtyping: decoding as `record { canister_id }` skips every other field.
    // The HTTP layer asks this of every management call: checked first, as any untrusted Candid.
    const [value] = decodeCandid([ID_RECORD], arg) as unknown as [{ canister_id: Principal }];
    return { kind: 'canister', id: value.canister_id };
  } catch {
    return { kind: 'undecodable' };
  }
}

/**
 * The `specified_id` of a `provisional_create_canister_with_cycles` call, if it names one: on a
 * replica of several subnets, a creation whose effective id no subnet hosts (`aaaaa-aa`, as
 * agents send it) goes to the subnet of this id. Undefined for anything else or bad Candid
 * (the management canister rejects that itself).
 */
export function specifiedCanisterId(method: string, arg: Uint8Array): Principal | undefined {
  if (method !== 'provisional_create_canister_with_cycles') return undefined;
  try {
    const [value] = decodeCandid([SPECIFIED_RECORD], arg) as unknown as [
      { specified_id: [] | [Principal] },
    ];
    return value.specified_id[0];
  } catch {
    return undefined;
  }
}
