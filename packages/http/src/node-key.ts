/**
 * The replica's one node and its Ed25519 key, which signs query responses the way IC nodes do:
 * over `"\x0Bic-response"` followed by the representation-independent hash of the response
 * (status, reply or reject fields, timestamp and request id).
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { concatBytes, hashValue, utf8 } from '@tincan/certification';

/** A node signing key: the DER public key agents read from the state tree, and the node id. */
export interface NodeKey {
  /** SubjectPublicKeyInfo DER of the Ed25519 key (44 bytes). */
  readonly derPublicKey: Uint8Array;
  /** The node id: the self-authenticating principal of {@link derPublicKey}. */
  readonly nodeId: Principal;
  readonly privateKey: KeyObject;
}

/** A query response's content, before the node signs it. */
export type QueryResponse =
  | { readonly status: 'replied'; readonly reply: { readonly arg: Uint8Array } }
  | {
      readonly status: 'rejected';
      readonly reject_code: number;
      readonly reject_message: string;
      readonly error_code: string;
    };

/** A node signature as agents expect it in `signatures`. */
export interface NodeSignature {
  readonly timestamp: bigint;
  readonly signature: Uint8Array;
  readonly identity: Uint8Array;
}

const RESPONSE_SEPARATOR = concatBytes(Uint8Array.of(11), utf8('ic-response'));

/** A fresh random node key. */
export function generateNodeKey(): NodeKey {
  return nodeKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** The node key of an Ed25519 private key (e.g. one loaded from the key file). */
export function nodeKeyFrom(privateKey: KeyObject): NodeKey {
  const derPublicKey = new Uint8Array(
    createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  );
  return { derPublicKey, nodeId: Principal.selfAuthenticating(derPublicKey), privateKey };
}

/** Signs a query response for `requestId` at `timestampNs`. */
export function signQueryResponse(
  key: NodeKey,
  response: QueryResponse,
  requestId: Uint8Array,
  timestampNs: bigint,
): NodeSignature {
  const hash = hashValue({ ...response, timestamp: timestampNs, request_id: requestId });
  const signature = new Uint8Array(
    sign(null, concatBytes(RESPONSE_SEPARATOR, hash), key.privateKey),
  );
  return { timestamp: timestampNs, signature, identity: key.nodeId.toUint8Array() };
}
