/**
 * Envelope authentication, following the IC's HTTPS interface: the sender must be the
 * anonymous principal (and the envelope unsigned) or the self-authenticating principal of
 * `sender_pubkey`; `sender_delegation` may delegate from that key through a chain of at most
 * 20 keys, each delegation signed by the previous key over
 * `"\x1Aic-request-auth-delegation" || hash_of_map(delegation)`, unexpired, and optionally
 * restricted to `targets`; `sender_sig` is the last key's signature over
 * `"\x0Aic-request" || request_id`.
 */
import { concatBytes, hashValue, utf8 } from '@tincan/certification';
import { Principal } from '@dfinity/principal';
import {
  KeyError,
  parsePublicKey,
  selfAuthenticatingPrincipal,
  verifySignature,
  type SenderKey,
} from './auth-keys.js';
import { HttpProblem } from './problem.js';
import { bytesEqual, toHex } from '@tincan/bytes';

const REQUEST_DOMAIN = concatBytes(Uint8Array.of(0x0a), utf8('ic-request'));
const DELEGATION_DOMAIN = concatBytes(Uint8Array.of(0x1a), utf8('ic-request-auth-delegation'));
/** Longest delegation chain the IC accepts. */
export const MAX_DELEGATION_CHAIN = 20;
/** Most targets one delegation may list. */
const MAX_TARGETS = 1000;

/**
 * The canisters an authenticated envelope may address: every `targets` list present in its
 * delegation chain (a canister must be in all of them). Empty means unrestricted.
 */
export type TargetRestrictions = readonly (readonly Uint8Array[])[];

/**
 * Checks an envelope's authentication for a request from `sender` with id `requestId`,
 * against the wall clock `nowNs` (for delegation expiry).
 * @returns the target restrictions of the delegation chain.
 * @throws HttpProblem 400 for a sender that does not match its key, an unsupported key, an
 *   invalid, expired or malformed delegation, or an invalid signature.
 */
export function authenticateEnvelope(
  envelope: Record<string, unknown>,
  sender: Uint8Array,
  requestId: Uint8Array,
  nowNs: bigint,
): TargetRestrictions {
  const { sender_pubkey: pubkey, sender_sig: signature, sender_delegation: delegations } = envelope;
  if (sender.length === 1 && sender[0] === 0x04) {
    if (pubkey !== undefined || signature !== undefined || delegations !== undefined) {
      throw new HttpProblem(
        400,
        'Anonymous requests must not carry sender_pubkey, sender_sig or sender_delegation',
      );
    }
    return [];
  }
  const senderText = principalText(sender);
  if (pubkey === undefined || signature === undefined) {
    throw new HttpProblem(
      400,
      `Missing signature: the request from ${senderText} must carry sender_pubkey and sender_sig (only the anonymous sender 2vxsx-fae may send unsigned requests)`,
    );
  }
  if (!(pubkey instanceof Uint8Array))
    throw new HttpProblem(400, 'Field "sender_pubkey" must be a byte string');
  if (!(signature instanceof Uint8Array))
    throw new HttpProblem(400, 'Field "sender_sig" must be a byte string');
  const expected = selfAuthenticatingPrincipal(pubkey);
  if (!bytesEqual(sender, expected)) {
    throw new HttpProblem(
      400,
      `Invalid sender: the sender ${senderText} does not match the public key in sender_pubkey (whose principal is ${principalText(expected)})`,
    );
  }
  let key = senderKey(pubkey, 'sender_pubkey');
  const restrictions: Uint8Array[][] = [];
  if (delegations !== undefined) {
    if (!Array.isArray(delegations))
      throw new HttpProblem(
        400,
        'Field "sender_delegation" must be an array of signed delegations',
      );
    if (delegations.length > MAX_DELEGATION_CHAIN) {
      throw new HttpProblem(
        400,
        `Invalid delegation: the chain has ${delegations.length} delegations, more than the allowed ${MAX_DELEGATION_CHAIN}`,
      );
    }
    const seen = [pubkey];
    delegations.forEach((signed: unknown, index) => {
      const next = checkDelegation(signed, index, key, nowNs, restrictions);
      if (seen.some((earlier) => bytesEqual(earlier, next.der))) {
        throw new HttpProblem(
          400,
          `Invalid delegation: the chain contains a cycle (the public key of delegation ${index} appears earlier in the chain)`,
        );
      }
      seen.push(next.der);
      key = next.key;
    });
  }
  if (!verifySignature(key, signature, concatBytes(REQUEST_DOMAIN, requestId))) {
    const signer = delegations === undefined ? 'sender_pubkey' : 'the last delegated key';
    throw new HttpProblem(
      400,
      `Invalid signature: the ${key.scheme} signature in sender_sig does not verify against ${signer} for request ${toHex(requestId)}`,
    );
  }
  return restrictions;
}

/**
 * Checks that `canisterId` is allowed by every target list.
 * @throws HttpProblem 400 naming the canister when a list does not contain it.
 */
export function checkTargets(restrictions: TargetRestrictions, canisterId: Uint8Array): void {
  for (const targets of restrictions) {
    if (!targets.some((target) => bytesEqual(target, canisterId))) {
      throw new HttpProblem(
        400,
        `Invalid delegation: the canister ${principalText(canisterId)} is not among the delegation's targets (${targets.map(principalText).join(', ')})`,
      );
    }
  }
}

function checkDelegation(
  signed: unknown,
  index: number,
  signer: SenderKey,
  nowNs: bigint,
  restrictions: Uint8Array[][],
): { key: SenderKey; der: Uint8Array } {
  const where = `delegation ${index} of sender_delegation`;
  if (
    !isRecord(signed) ||
    !isRecord(signed.delegation) ||
    !(signed.signature instanceof Uint8Array)
  ) {
    throw new HttpProblem(
      400,
      `Invalid delegation: ${where} must be a map { delegation: map, signature: bytes }`,
    );
  }
  const delegation = signed.delegation;
  const { pubkey, expiration, targets } = delegation;
  if (!(pubkey instanceof Uint8Array))
    throw new HttpProblem(400, `Invalid delegation: "pubkey" of ${where} must be a byte string`);
  const expiry =
    typeof expiration === 'number' && Number.isSafeInteger(expiration) && expiration >= 0
      ? BigInt(expiration)
      : expiration;
  if (typeof expiry !== 'bigint' || expiry < 0n)
    throw new HttpProblem(
      400,
      `Invalid delegation: "expiration" of ${where} must be a natural number`,
    );
  if (targets !== undefined) {
    if (!Array.isArray(targets) || !targets.every((target) => target instanceof Uint8Array)) {
      throw new HttpProblem(
        400,
        `Invalid delegation: "targets" of ${where} must be an array of canister ids`,
      );
    }
    if (targets.length > MAX_TARGETS)
      throw new HttpProblem(
        400,
        `Invalid delegation: ${where} lists ${targets.length} targets, more than ${MAX_TARGETS}`,
      );
  }
  let hash: Uint8Array;
  try {
    hash = hashValue(delegation);
  } catch (err) {
    throw new HttpProblem(
      400,
      `Invalid delegation: ${where} cannot be hashed: ${(err as Error).message}`,
    );
  }
  if (!verifySignature(signer, signed.signature, concatBytes(DELEGATION_DOMAIN, hash))) {
    throw new HttpProblem(
      400,
      `Invalid delegation: the signature on ${where} does not verify against the ${index === 0 ? 'sender_pubkey' : 'previous delegated key'}`,
    );
  }
  if (expiry < nowNs) {
    throw new HttpProblem(
      400,
      `Invalid delegation: ${where} has expired: its expiration ${expiry} ns (${isoTime(expiry)}) is before the current time ${nowNs} ns (${isoTime(nowNs)})`,
    );
  }
  if (targets !== undefined) restrictions.push(targets);
  return { key: senderKey(pubkey, `the pubkey of ${where}`), der: pubkey };
}

function senderKey(der: Uint8Array, what: string): SenderKey {
  try {
    return parsePublicKey(der);
  } catch (err) {
    if (err instanceof KeyError)
      throw new HttpProblem(400, `Unsupported or malformed public key in ${what}: ${err.message}`);
    throw err;
  }
}

function principalText(bytes: Uint8Array): string {
  try {
    return Principal.fromUint8Array(bytes).toText();
  } catch {
    return `0x${toHex(bytes)}`;
  }
}

function isoTime(ns: bigint): string {
  const ms = ns / 1_000_000n;
  return ms <= 8_640_000_000_000_000n ? new Date(Number(ms)).toISOString() : 'far future';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
