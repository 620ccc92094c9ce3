/**
 * The connector's events and the hash chain that certifies them. Every event a connector emits
 * extends the chain, `head = sha256(head || index || sha256(event))`, and the head is the canister's
 * certified data, so a certificate of the certified data certifies every event up to it. A
 * proof of events `from … from + n - 1` is the certificate, the head before `from`, and the
 * events: the receiver rebuilds the head from them and compares.
 */
import { IDL } from 'azle';
import { sha256 } from '@noble/hashes/sha2.js';

/** A call for the peer's side to make. */
export const CallEvent = IDL.Record({
  nonce: IDL.Nat64,
  destination: IDL.Principal,
  method: IDL.Text,
  args: IDL.Vec(IDL.Nat8),
  cycles: IDL.Nat,
});

/** The outcome of a call the peer asked for, answering its `nonce`. */
export const ResultEvent = IDL.Record({
  nonce: IDL.Nat64,
  ok: IDL.Bool,
  data: IDL.Vec(IDL.Nat8),
  message: IDL.Text,
});

/** One event of a connector's chain. */
export const Event = IDL.Variant({ Call: CallEvent, Result: ResultEvent });

/** A decoded event. */
export type Event =
  | {
      Call: {
        nonce: bigint;
        destination: import('azle').Principal;
        method: string;
        args: Uint8Array;
        cycles: bigint;
      };
    }
  | { Result: { nonce: bigint; ok: boolean; data: Uint8Array; message: string } };

/** What the relayer carries: events `from …` of the source connector, with their proof. */
export const Proof = IDL.Record({
  certificate: IDL.Vec(IDL.Nat8),
  prevHead: IDL.Vec(IDL.Nat8),
  from: IDL.Nat64,
  events: IDL.Vec(IDL.Vec(IDL.Nat8)),
});

/** A decoded proof. */
export interface Proof {
  certificate: Uint8Array;
  prevHead: Uint8Array;
  from: bigint;
  events: Uint8Array[];
}

/** The head before any event. */
export const GENESIS_HEAD = new Uint8Array(32);

/** The chain's head after `event`, the chain's `index`-th (the index is hashed in, so a proof cannot renumber events). */
export function extend(head: Uint8Array, event: Uint8Array, index: bigint): Uint8Array {
  const all = new Uint8Array(72);
  all.set(head, 0);
  new DataView(all.buffer).setBigUint64(32, index);
  all.set(sha256(event), 40);
  return sha256(all);
}

/** Encodes an event as the chain hashes it. */
export function encodeEvent(event: Event): Uint8Array {
  return new Uint8Array(IDL.encode([Event], [event]));
}

/** Decodes an event. */
export function decodeEvent(bytes: Uint8Array): Event {
  return IDL.decode([Event], bytes)[0] as unknown as Event;
}
