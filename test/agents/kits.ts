/**
 * The two official agents the compatibility suite runs, each used as published: `@dfinity/agent`
 * 3.x (with `@dfinity/identity` and `@dfinity/identity-secp256k1`) and `@icp-sdk/core` 6.x.
 * Their types are distinct but their shapes match; a kit holds one agent's classes under the
 * names the suite uses.
 */
import * as dfinityAgent from '@dfinity/agent';
import * as dfinityIdentity from '@dfinity/identity';
import * as dfinitySecp256k1 from '@dfinity/identity-secp256k1';
import * as icpAgent from '@icp-sdk/core/agent';
import * as icpIdentity from '@icp-sdk/core/identity';
import * as icpSecp256k1 from '@icp-sdk/core/identity/secp256k1';

/** What the suite needs from an identity: a principal it can print. */
export interface KitIdentity {
  getPrincipal(): { toText(): string };
}

/** The reject an agent puts in `error.cause.code` for a replica's answer. */
export interface RejectCode {
  readonly rejectCode: number;
  readonly rejectMessage: string;
  readonly rejectErrorCode: string | undefined;
}

/** A raw query's answer as the agent returns it after verifying its signatures. */
export interface RawQueryResponse {
  readonly status: string;
  readonly signatures?: readonly unknown[];
}

/** One agent's entry points, used unmodified. */
export interface AgentKit {
  readonly name: string;
  newEd25519(): KitIdentity;
  newSecp256k1(): KitIdentity;
  /** `HttpAgent.create({ host, shouldFetchRootKey: true, identity })` + `Actor.createActor`. */
  actor<T>(
    host: string,
    idlFactory: unknown,
    canisterId: string,
    identity?: KitIdentity,
  ): Promise<T>;
  /** `agent.query` without the actor, to see the signatures the agent verified. */
  rawQuery(
    host: string,
    canisterId: string,
    methodName: string,
    arg: Uint8Array,
  ): Promise<RawQueryResponse>;
  /** The agent's class for a certified reject of an update call. */
  readonly CertifiedReject: abstract new (...args: never[]) => RejectCode;
  /** The agent's class for a (signature-verified) reject of a query. */
  readonly UncertifiedReject: abstract new (...args: never[]) => RejectCode;
}

// Each kit casts only at the boundary where one agent's types would meet the other's.
type AnyFactory = Parameters<typeof dfinityAgent.Actor.createActor>[0];
type IcpFactory = Parameters<typeof icpAgent.Actor.createActor>[0];

/** `@dfinity/agent` 3.x. */
export const dfinityKit: AgentKit = {
  name: '@dfinity/agent 3.x',
  newEd25519: () => dfinityIdentity.Ed25519KeyIdentity.generate(),
  newSecp256k1: () => dfinitySecp256k1.Secp256k1KeyIdentity.generate(),
  async actor<T>(
    host: string,
    idlFactory: unknown,
    canisterId: string,
    identity?: KitIdentity,
  ): Promise<T> {
    const agent = await dfinityAgent.HttpAgent.create({
      host,
      shouldFetchRootKey: true,
      ...(identity !== undefined && { identity: identity as dfinityAgent.Identity }),
    });
    return dfinityAgent.Actor.createActor(idlFactory as AnyFactory, { agent, canisterId });
  },
  async rawQuery(host, canisterId, methodName, arg) {
    const agent = await dfinityAgent.HttpAgent.create({ host, shouldFetchRootKey: true });
    return agent.query(canisterId, { methodName, arg });
  },
  CertifiedReject: dfinityAgent.CertifiedRejectErrorCode,
  UncertifiedReject: dfinityAgent.UncertifiedRejectErrorCode,
};

/** `@icp-sdk/core` 6.x. */
export const icpSdkKit: AgentKit = {
  name: '@icp-sdk/core 6.x',
  newEd25519: () => icpIdentity.Ed25519KeyIdentity.generate(),
  newSecp256k1: () => icpSecp256k1.Secp256k1KeyIdentity.generate(),
  async actor<T>(
    host: string,
    idlFactory: unknown,
    canisterId: string,
    identity?: KitIdentity,
  ): Promise<T> {
    const agent = await icpAgent.HttpAgent.create({
      host,
      shouldFetchRootKey: true,
      ...(identity !== undefined && { identity: identity as icpAgent.Identity }),
    });
    return icpAgent.Actor.createActor(idlFactory as IcpFactory, { agent, canisterId });
  },
  async rawQuery(host, canisterId, methodName, arg) {
    const agent = await icpAgent.HttpAgent.create({ host, shouldFetchRootKey: true });
    return agent.query(canisterId, { methodName, arg });
  },
  CertifiedReject: icpAgent.CertifiedRejectErrorCode,
  UncertifiedReject: icpAgent.UncertifiedRejectErrorCode,
};
