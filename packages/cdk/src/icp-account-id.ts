/**
 * ICP ledger account identifiers, as `azle/canisters/nns_icp_ledger/idl` exports helpers for
 * them: `CRC32(h) ‖ h` with `h = SHA-224("\x0Aaccount-id" ‖ principal ‖ subaccount)`, where
 * Azle's subaccount is a number written big-endian into the last 4 of the 32 subaccount bytes.
 */
import { sha224 } from '@noble/hashes/sha2';
import { getCrc32, type Principal } from '@dfinity/principal';

const DOMAIN = new Uint8Array(
  [0x0a, ...'account-id'].map((c) => (typeof c === 'string' ? c.charCodeAt(0) : c)),
);

function accountIdentifier(principal: Principal, subaccount: number): Uint8Array {
  const sub = new Uint8Array(32);
  new DataView(sub.buffer).setUint32(28, subaccount > 0 ? subaccount : 0);
  const p = principal.toUint8Array();
  const input = new Uint8Array(DOMAIN.length + p.length + sub.length);
  input.set(DOMAIN, 0);
  input.set(p, DOMAIN.length);
  input.set(sub, DOMAIN.length + p.length);
  const hash = sha224(input);
  const out = new Uint8Array(4 + hash.length);
  new DataView(out.buffer).setUint32(0, getCrc32(hash));
  out.set(hash, 4);
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The account identifier of `principal`'s subaccount number `subaccount`, as 64 hex digits. */
export function hexAddressFromPrincipal(principal: Principal, subaccount: number): string {
  return hex(accountIdentifier(principal, subaccount));
}

/** The account identifier of `principal`'s subaccount number `subaccount`, as 32 bytes. */
export function binaryAddressFromPrincipal(principal: Principal, subaccount: number): Uint8Array {
  return accountIdentifier(principal, subaccount);
}

/** The bytes of a hex account identifier. */
export function binaryAddressFromAddress(address: string): Uint8Array {
  return Uint8Array.from(address.match(/.{1,2}/g)?.map((x) => parseInt(x, 16)) ?? []);
}
