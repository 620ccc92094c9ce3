import {
  IDL,
  Principal,
  call,
  certifiedDataSet,
  dataCertificate,
  init,
  msgCaller,
  query,
  update,
} from 'azle';
import { GENESIS_HEAD, Proof, decodeEvent, encodeEvent, extend, type Event } from './events.js';
import { lookup, verifyCertificate } from './proof.js';

/** What `bridge_outbox` answers: the events from an index on, the certificate of the chain's head, and the peer to carry them to. */
const Outbox = IDL.Record({
  certificate: IDL.Opt(IDL.Vec(IDL.Nat8)),
  prevHead: IDL.Vec(IDL.Nat8),
  from: IDL.Nat64,
  events: IDL.Vec(IDL.Vec(IDL.Nat8)),
  peer: IDL.Opt(IDL.Principal),
});
const DeliverResult = IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text });
type DeliverResult = { Ok: bigint } | { Err: string };

/** The argument types of a callback: `(nonce, ok, reply or reject bytes, reject message)`. */
const CALLBACK_ARGS = [IDL.Nat64, IDL.Bool, IDL.Vec(IDL.Nat8), IDL.Text];

/**
 * A bridge connector, the Calimero pattern: one on each side of a bridge, each told its peer
 * and the root key it trusts by its owner. `crossCall` emits an event into the connector's
 * certified hash chain; a relayer (anyone: it is not trusted) carries the events with a
 * certificate of the chain's head to the peer's `bridge_deliver`, which verifies the
 * certificate against the root key before it makes the calls; their outcomes come back the
 * same way, to the callback each caller named. A forged, changed or replayed proof is refused.
 */
export default class {
  owner = '';
  peer = '';
  /** The DER root key certificates must verify against. */
  rootKey: Uint8Array = new Uint8Array();
  /** This connector's events, by index, and the chain head after each. */
  events: Uint8Array[] = [];
  heads: Uint8Array[] = [];
  /** Index of the peer's next event to run: everything before it ran once. */
  inboundNext = 0n;
  /** Calls this side sent, by nonce: who asked, and the method to answer. */
  pending: Record<string, { caller: string; callback: string }> = {};
  /** Delegations verified once (by hash), so each proof costs one signature check. */
  trusted: string[] = [];
  /** Results delivered to callbacks, and callbacks that failed (for the owner to see). */
  delivered = 0n;
  callbackFailures: string[] = [];

  @init([])
  init(): void {
    this.owner = msgCaller().toText();
  }

  /** Owner only: the connector on the other side, and the root key its certificates verify against. */
  @update([IDL.Principal, IDL.Vec(IDL.Nat8)], IDL.Bool)
  setPeer(peer: Principal, rootKey: Uint8Array): boolean {
    if (msgCaller().toText() !== this.owner) throw new Error('only the owner may set the peer');
    this.peer = peer.toText();
    this.rootKey = rootKey;
    return true;
  }

  /**
   * Asks the peer's side to call `method` of `destination` with `args` (Candid) and `cycles`
   * (from the peer connector's balance); the outcome comes back to the caller's
   * `callbackMethod(nonce, ok, data, message)`. Returns the call's nonce.
   */
  @update([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat, IDL.Text], IDL.Nat64)
  crossCall(
    destination: Principal,
    method: string,
    args: Uint8Array,
    cycles: bigint,
    callbackMethod: string,
  ): bigint {
    if (this.peer === '') throw new Error('the connector has no peer yet');
    const nonce = BigInt(this.events.length);
    this.pending[nonce.toString()] = { caller: msgCaller().toText(), callback: callbackMethod };
    this.#emit({ Call: { nonce, destination, method, args, cycles } });
    return nonce;
  }

  /** Events from index `from` on, with what proves them (the certificate is there in a query over HTTP). */
  @query([IDL.Nat64], Outbox)
  bridge_outbox(from: bigint): {
    certificate: [Uint8Array] | [];
    prevHead: Uint8Array;
    from: bigint;
    events: Uint8Array[];
    peer: [Principal] | [];
  } {
    const start = Number(from);
    const certificate = dataCertificate();
    return {
      certificate: certificate === undefined ? [] : [certificate],
      prevHead: start === 0 ? GENESIS_HEAD : (this.heads[start - 1] ?? GENESIS_HEAD),
      from,
      events: this.events.slice(start),
      peer: this.peer === '' ? [] : [Principal.fromText(this.peer)],
    };
  }

  /** The index of the peer's next event this connector will run. */
  @query([], IDL.Nat64)
  bridge_inbound(): bigint {
    return this.inboundNext;
  }

  /**
   * Runs the peer's events carried by a relayer, once their proof verifies: the certificate
   * against the root key (through the peer subnet's delegation), the peer's certified data in
   * it, and the events against that chain head. Events that ran before are not run again; a
   * proof with nothing new is refused as a replay.
   */
  @update([Proof], DeliverResult)
  async bridge_deliver(proof: Proof): Promise<DeliverResult> {
    if (this.peer === '') return { Err: 'the connector has no peer yet' };
    const end = proof.from + BigInt(proof.events.length);
    if (proof.from > this.inboundNext)
      return {
        Err: `the proof starts at event ${proof.from}, but event ${this.inboundNext} is next`,
      };
    if (end <= this.inboundNext)
      return { Err: `replayed proof: events before ${this.inboundNext} already ran` };
    const peer = Principal.fromText(this.peer).toUint8Array();
    let tree;
    try {
      const trusted = new Set(this.trusted);
      tree = verifyCertificate(proof.certificate, peer, this.rootKey, trusted);
      this.trusted = [...trusted];
    } catch (err) {
      return { Err: `forged proof: ${(err as Error).message}` };
    }
    const certified = lookup(tree, ['canister', peer, 'certified_data']);
    if (certified === undefined)
      return { Err: 'forged proof: the certificate holds no certified data of the peer' };
    let head = proof.prevHead;
    proof.events.forEach((event, i) => (head = extend(head, event, proof.from + BigInt(i))));
    if (!equal(head, certified))
      return { Err: 'forged proof: the events do not hash to the certified chain head' };
    const fresh = proof.events.slice(Number(this.inboundNext - proof.from)).map(decodeEvent);
    // Committed at the first await below: a second delivery of these events is a replay.
    this.inboundNext = end;
    await Promise.all(fresh.map((event) => this.#run(event)));
    return { Ok: BigInt(fresh.length) };
  }

  @query(
    [],
    IDL.Record({
      delivered: IDL.Nat64,
      callbackFailures: IDL.Vec(IDL.Text),
      events: IDL.Nat64,
      inboundNext: IDL.Nat64,
    }),
  )
  stats(): { delivered: bigint; callbackFailures: string[]; events: bigint; inboundNext: bigint } {
    return {
      delivered: this.delivered,
      callbackFailures: this.callbackFailures,
      events: BigInt(this.events.length),
      inboundNext: this.inboundNext,
    };
  }

  async #run(event: Event): Promise<void> {
    if ('Call' in event) {
      const { nonce, destination, method, args, cycles } = event.Call;
      try {
        const reply = await call<Uint8Array, Uint8Array>(destination, method, {
          raw: true,
          args,
          cycles,
        });
        this.#emit({ Result: { nonce, ok: true, data: reply, message: '' } });
      } catch (err) {
        const e = err as { rejectMessage?: string; message?: string };
        this.#emit({
          Result: {
            nonce,
            ok: false,
            data: new Uint8Array(),
            message: e.rejectMessage ?? e.message ?? String(err),
          },
        });
      }
      return;
    }
    const { nonce, ok, data, message } = event.Result;
    const asked = this.pending[nonce.toString()];
    if (asked === undefined) return;
    delete this.pending[nonce.toString()];
    try {
      await call<Uint8Array, Uint8Array>(Principal.fromText(asked.caller), asked.callback, {
        raw: true,
        args: new Uint8Array(IDL.encode(CALLBACK_ARGS, [nonce, ok, data, message])),
      });
      this.delivered += 1n;
    } catch (err) {
      this.callbackFailures.push(
        `${nonce}: ${(err as { rejectMessage?: string }).rejectMessage ?? String(err)}`,
      );
    }
  }

  /** Appends an event to the chain and certifies the new head. */
  #emit(event: Event): void {
    const bytes = encodeEvent(event);
    const index = BigInt(this.events.length);
    const head = extend(this.heads[this.heads.length - 1] ?? GENESIS_HEAD, bytes, index);
    this.events.push(bytes);
    this.heads.push(head);
    certifiedDataSet(head);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
