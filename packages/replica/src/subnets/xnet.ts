/**
 * The XNet layer between the subnets of one replica. A canister's request for a canister of
 * another subnet leaves its runtime (`SubnetRouting.routeOut`) once picked, and joins the
 * stream from its subnet to the other. Streams carry requests and the responses to requests
 * that came the other way, in order. After the sending subnet's batch has committed, a flush
 * certifies each stream's unacknowledged messages as a slice (`stream-slice.ts`); the receiver
 * verifies the slice against the sender's delegated key before it inducts a message, skips
 * what it inducted already, and acknowledges up to where it got. A refused slice is kept and
 * sent again at the next flush: nothing is lost, nothing runs twice.
 */
import { Principal } from '@dfinity/principal';
import { Rejects } from '@tincan/abi';
import { fromHex } from '@tincan/bytes';
import { ensureError } from '@tincan/errors';
import type { Delegation, RootKey } from '@tincan/certification';
import type { Outcome, ReplyTarget, RouteResult, SubnetRouting } from '@tincan/runtime';
import type { Replica } from '../replica.js';
import type { DelegatedKey } from './delegation.js';
import type { Bls } from './fast-bls.js';
import { certifySlice, verifySlice } from './stream-slice.js';
import { decodeStreamMessage, encodeStreamMessage, type StreamMessage } from './stream-message.js';
import { canisterIdOnSubnet, inRange, subnetOfId, type CanisterRange } from './topology.js';

/** ICP's limit on a request or response between subnets (same-subnet requests may be 10 MiB). */
export const MAX_XNET_PAYLOAD_BYTES = 2 * 1024 * 1024;
/** Messages per certified slice at most; the rest go in the next one. */
const MAX_SLICE_MESSAGES = 1_000;

/** One subnet as the XNet layer sees it. */
export interface XNetSubnet {
  readonly id: Uint8Array;
  readonly key: RootKey;
  /** The root's delegation to this subnet; undefined for the root subnet (0). */
  readonly delegation: Delegation | undefined;
  readonly ranges: readonly CanisterRange[];
}

interface OutStream {
  /** Stream index of `messages[0]`: everything before it was acknowledged. */
  begin: number;
  readonly messages: Uint8Array[];
}

interface PendingCall {
  readonly to: number;
  readonly replyTo: ReplyTarget;
}

/** A slice the receiver refused, with the reason. */
export interface RefusedSlice {
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/** Streams between the subnets of one replica. */
export class XNet {
  readonly #subnets: readonly XNetSubnet[];
  readonly #replicas: Replica[] = [];
  readonly #nowNs: () => bigint;
  readonly #bls: Bls;
  /** Streams by `from * count + to`. */
  readonly #out = new Map<number, OutStream>();
  /** The next index each receiver expects, by `from * count + to`. */
  readonly #expected = new Map<number, number>();
  /** Calls each subnet sent out and awaits a response to, by call id. */
  readonly #calls: Map<number, PendingCall>[];
  readonly #delegations = new Map<string, DelegatedKey>();
  #nextCallId = 0;
  #scheduled = false;
  #closed = false;
  /** Slices refused so far (newest last), for logs and tests. */
  readonly refused: RefusedSlice[] = [];
  /**
   * Sees every certified slice on its way to the receiver and may replace it: tests use it to
   * tamper with a certificate. Unset in normal operation.
   */
  intercept: ((from: number, to: number, slice: Uint8Array) => Uint8Array) | undefined;

  constructor(subnets: readonly XNetSubnet[], nowNs: () => bigint, bls: Bls) {
    this.#subnets = subnets;
    this.#nowNs = nowNs;
    this.#bls = bls;
    this.#calls = subnets.map(() => new Map());
  }

  /** Connects subnet `index`'s replica (created with {@link routing}). */
  attach(index: number, replica: Replica): void {
    this.#replicas[index] = replica;
  }

  /** The runtime option of subnet `index`: its id range and its route to the others. */
  routing(index: number): SubnetRouting {
    return {
      canisterId: (n) => canisterIdOnSubnet(index, n),
      routeOut: (request) => this.#routeOut(index, request),
    };
  }

  /** Whether a stream holds messages not yet acknowledged. */
  get pending(): boolean {
    for (const stream of this.#out.values()) if (stream.messages.length > 0) return true;
    return false;
  }

  /** Calls sent to another subnet and not answered yet. */
  get callsInFlight(): number {
    return this.#calls.reduce((n, calls) => n + calls.size, 0);
  }

  #routeOut(
    from: number,
    request: Parameters<SubnetRouting['routeOut']>[0],
  ): RouteResult | undefined {
    const callee = fromHex(request.target);
    const to = subnetOfId(callee, this.#subnets.length);
    if (to === undefined || to === from) return undefined;
    if (request.arg.length > MAX_XNET_PAYLOAD_BYTES) {
      return {
        kind: 'refused',
        outcome: {
          reject: Rejects.xnetPayloadTooLarge(
            toText(request.caller),
            toText(callee),
            request.arg.length,
            MAX_XNET_PAYLOAD_BYTES,
          ),
        },
      };
    }
    const callId = this.#nextCallId++;
    this.#calls[from]?.set(callId, { to, replyTo: request.replyTo });
    this.#push(from, to, {
      kind: 'request',
      callId,
      callee,
      caller: request.caller,
      origin: request.origin,
      method: request.method,
      arg: request.arg,
      cycles: request.cycles,
      deadlineNs: request.deadlineNs,
      depth: request.depth,
    });
    return { kind: 'sent' };
  }

  #push(from: number, to: number, message: StreamMessage): void {
    const key = from * this.#subnets.length + to;
    let stream = this.#out.get(key);
    if (stream === undefined) this.#out.set(key, (stream = { begin: 0, messages: [] }));
    stream.messages.push(encodeStreamMessage(message));
    this.#schedule();
  }

  /** Flushes after the current synchronous work: the batch that made the messages has committed by then. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#closed) return;
      try {
        this.flush();
      } catch (err) {
        // A store failure while inducting must not become an uncaught error of the process;
        // the messages stay in their stream and go again at the next flush.
        console.error('[tincan] XNet flush:', ensureError(err).message);
      }
    });
  }

  /** Stops flushing: the subnets are closing (messages still in streams are dropped with them). */
  close(): void {
    this.#closed = true;
  }

  /**
   * Certifies every stream's unacknowledged messages and hands each slice to its receiver.
   * Returns how many messages were newly inducted.
   */
  flush(): number {
    let inducted = 0;
    if (this.#closed) return 0;
    for (const [key, stream] of this.#out) {
      if (stream.messages.length === 0) continue;
      const count = this.#subnets.length;
      const from = Math.floor(key / count);
      const to = key % count;
      const sender = this.#subnets[from] as XNetSubnet;
      const receiver = this.#subnets[to] as XNetSubnet;
      const messages = stream.messages.slice(0, MAX_SLICE_MESSAGES);
      let slice = certifySlice(
        this.#bls,
        { subnetId: sender.id, key: sender.key, delegation: sender.delegation },
        receiver.id,
        stream.begin,
        messages,
        this.#nowNs(),
      );
      if (this.intercept !== undefined) slice = this.intercept(from, to, slice);
      const before = this.#expected.get(key) ?? 0;
      const acked = this.receive(from, to, slice);
      if (acked === undefined) continue;
      inducted += acked - before;
      // The receiver acknowledged up to `acked`: those messages leave the stream.
      stream.messages.splice(0, acked - stream.begin);
      stream.begin = acked;
      if (stream.messages.length > 0) this.#schedule();
    }
    return inducted;
  }

  /**
   * The receiving side: verifies a slice claimed to come from subnet `from` and inducts the
   * messages it has not inducted yet, in stream order. Returns the next index it expects
   * (its acknowledgement), or undefined when the slice was refused (recorded in {@link refused}).
   */
  receive(from: number, to: number, slice: Uint8Array): number | undefined {
    const root = this.#subnets[0] as XNetSubnet;
    const sender = this.#subnets[from] as XNetSubnet;
    const receiver = this.#subnets[to] as XNetSubnet;
    const verified = verifySlice(
      this.#bls,
      slice,
      {
        from: sender.id,
        to: receiver.id,
        derRootKey: root.key.derPublicKey,
        rootSubnetId: root.id,
        rootRanges: root.ranges,
      },
      this.#delegations,
    );
    const key = from * this.#subnets.length + to;
    const expected = this.#expected.get(key) ?? 0;
    if (typeof verified === 'string') return this.#refuse(from, to, verified);
    // A gap means messages were lost: refuse, so the sender sends them again from where we are.
    if (verified.begin > expected)
      return this.#refuse(
        from,
        to,
        `the slice starts at message ${verified.begin}, but message ${expected} is next`,
      );
    const fresh: StreamMessage[] = [];
    for (let i = expected - verified.begin; i < verified.messages.length; i++) {
      let message: StreamMessage;
      try {
        message = decodeStreamMessage(verified.messages[i] as Uint8Array);
      } catch (err) {
        return this.#refuse(
          from,
          to,
          `message ${verified.begin + i} is malformed: ${(err as Error).message}`,
        );
      }
      const problem = this.#check(message, from, to, verified.ranges);
      if (problem !== undefined)
        return this.#refuse(from, to, `message ${verified.begin + i}: ${problem}`);
      fresh.push(message);
    }
    for (const message of fresh) this.#induct(message, from, to);
    const next = Math.max(expected, verified.begin + verified.messages.length);
    this.#expected.set(key, next);
    if (fresh.length > 0) this.#replicas[to]?.wake();
    return next;
  }

  /** Why a message may not be inducted, if it may not: a request must come from the sender's ranges, a response answer a call we sent there. */
  #check(
    message: StreamMessage,
    from: number,
    to: number,
    ranges: readonly CanisterRange[],
  ): string | undefined {
    if (message.kind === 'request') {
      if (!ranges.some((range) => inRange(message.caller, range)))
        return `its caller ${toText(message.caller)} is not in the sending subnet's ranges`;
      if (!(this.#subnets[to] as XNetSubnet).ranges.some((range) => inRange(message.callee, range)))
        return `its callee ${toText(message.callee)} is not on this subnet`;
      if (message.arg.length > MAX_XNET_PAYLOAD_BYTES)
        return `its argument of ${message.arg.length} bytes is over the ${MAX_XNET_PAYLOAD_BYTES}-byte limit`;
      return undefined;
    }
    const call = this.#calls[to]?.get(message.callId);
    if (call === undefined || call.to !== from)
      return `it answers call ${message.callId}, which this subnet did not send there`;
    return undefined;
  }

  #induct(message: StreamMessage, from: number, to: number): void {
    const replica = this.#replicas[to];
    if (replica === undefined) return;
    if (message.kind === 'request') {
      const { callId } = message;
      replica.runtime.induct(message, (outcome: Outcome, refund: bigint) =>
        this.#push(to, from, { kind: 'response', callId, outcome, refund }),
      );
      return;
    }
    const calls = this.#calls[to] as Map<number, PendingCall>;
    const call = calls.get(message.callId) as PendingCall;
    calls.delete(message.callId);
    replica.runtime.deliverRemote(call.replyTo, message.outcome, message.refund);
  }

  #refuse(from: number, to: number, reason: string): undefined {
    this.refused.push({ from, to, reason });
    return undefined;
  }
}

function toText(id: Uint8Array): string {
  return Principal.fromUint8Array(id).toText();
}
