/**
 * The bridge relayer: carries each connector's events, with the certificate that proves them,
 * to its peer connector on the other subnet, and nothing else. It is not trusted: it talks to
 * the replica through the unmodified agent like any client, and the receiving connector
 * verifies every proof against the root key itself. Run once (`relayOnce`) or in a loop
 * (`start`); `tincan start --bridge` runs one in the replica's process.
 */
import { Actor, HttpAgent, type ActorSubclass } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** Events of one connector and their proof, as `bridge_outbox` answers and `bridge_deliver` takes. */
export interface BridgeProof {
  certificate: Uint8Array;
  prevHead: Uint8Array;
  from: bigint;
  events: Uint8Array[];
}

interface Outbox {
  certificate: [Uint8Array] | [];
  prevHead: Uint8Array;
  from: bigint;
  events: Uint8Array[];
  peer: [Principal] | [];
}

interface Connector {
  bridge_outbox(from: bigint): Promise<Outbox>;
  bridge_inbound(): Promise<bigint>;
  bridge_deliver(proof: BridgeProof): Promise<{ Ok: bigint } | { Err: string }>;
}

/** The connector interface the relayer uses (a subset of `canisters/connector`'s). */
export const connectorIdl: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Proof = I.Record({
    certificate: I.Vec(I.Nat8),
    prevHead: I.Vec(I.Nat8),
    from: I.Nat64,
    events: I.Vec(I.Vec(I.Nat8)),
  });
  const Outbox = I.Record({
    certificate: I.Opt(I.Vec(I.Nat8)),
    prevHead: I.Vec(I.Nat8),
    from: I.Nat64,
    events: I.Vec(I.Vec(I.Nat8)),
    peer: I.Opt(I.Principal),
  });
  return I.Service({
    bridge_outbox: I.Func([I.Nat64], [Outbox], ['query']),
    bridge_inbound: I.Func([], [I.Nat64], ['query']),
    bridge_deliver: I.Func([Proof], [I.Variant({ Ok: I.Nat64, Err: I.Text })], []),
  });
};

/** Options of {@link Relayer.create}. */
export interface RelayerOptions {
  /** The replica's URL. */
  readonly host: string;
  /** The connectors to relay from (each names its peer); read before every pass. */
  readonly connectors: () => readonly Principal[];
  /** Pause between passes of {@link Relayer.start}, in ms; default 200. */
  readonly intervalMs?: number;
  /** Receives a line for every delivery and refusal. */
  readonly onLog?: (line: string) => void;
}

/** What one pass did. */
export interface RelayReport {
  /** Events the peers ran. */
  readonly delivered: number;
  /** Proofs a peer refused, with its reason. */
  readonly refused: readonly string[];
}

/** Carries connector events between subnets. */
export class Relayer {
  readonly #options: RelayerOptions;
  readonly #agent: HttpAgent;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  /** A relayer with an anonymous agent that fetched the replica's root key. */
  static async create(options: RelayerOptions): Promise<Relayer> {
    return new Relayer(
      options,
      await HttpAgent.create({ host: options.host, shouldFetchRootKey: true }),
    );
  }

  private constructor(options: RelayerOptions, agent: HttpAgent) {
    this.#options = options;
    this.#agent = agent;
  }

  /** The connector's actor. */
  connector(id: Principal): ActorSubclass<Connector> {
    return Actor.createActor<Connector>(connectorIdl, { agent: this.#agent, canisterId: id });
  }

  /** `connector`'s events from index `from` on with their proof, and its peer; undefined when there are none (or no certificate yet). */
  async proofOf(
    connector: Principal,
    from: bigint,
  ): Promise<{ proof: BridgeProof; peer: Principal } | undefined> {
    const outbox = await this.connector(connector).bridge_outbox(from);
    const [certificate] = outbox.certificate;
    const [peer] = outbox.peer;
    if (certificate === undefined || peer === undefined || outbox.events.length === 0)
      return undefined;
    return {
      proof: { certificate, prevHead: outbox.prevHead, from: outbox.from, events: outbox.events },
      peer,
    };
  }

  /** One pass: for every connector, the events its peer has not run yet, delivered with their proof. */
  async relayOnce(): Promise<RelayReport> {
    let delivered = 0;
    const refused: string[] = [];
    for (const source of this.#options.connectors()) {
      const probe = await this.connector(source).bridge_outbox(BigInt(Number.MAX_SAFE_INTEGER));
      const [peer] = probe.peer;
      if (peer === undefined) continue;
      const next = await this.connector(peer).bridge_inbound();
      const found = await this.proofOf(source, next);
      if (found === undefined) continue;
      const result = await this.connector(peer).bridge_deliver(found.proof);
      if ('Ok' in result) {
        delivered += Number(result.Ok);
        this.#options.onLog?.(
          `bridge: ${source.toText()} → ${peer.toText()}: ${result.Ok} event(s) from ${found.proof.from} delivered`,
        );
      } else {
        refused.push(result.Err);
        this.#options.onLog?.(
          `bridge: ${source.toText()} → ${peer.toText()}: refused: ${result.Err}`,
        );
      }
    }
    return { delivered, refused };
  }

  /** Relays in a loop until {@link stop}; a pass that delivered something is followed at once by another. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#loop = (async () => {
      while (!this.#stopped) {
        let report: RelayReport = { delivered: 0, refused: [] };
        try {
          report = await this.relayOnce();
        } catch (err) {
          this.#options.onLog?.(`bridge: relay pass failed: ${(err as Error).message}`);
        }
        if (report.delivered > 0 || this.#stopped) continue;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          this.#timer = setTimeout(resolve, this.#options.intervalMs ?? 200);
        });
      }
    })();
  }

  /** Stops the loop after the pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
  }
}
