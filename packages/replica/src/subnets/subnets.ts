/**
 * A replica of several subnets in one process: one `Replica` per subnet (its own store, canister
 * id range, BLS key, state tree and rounds), joined by the {@link XNet} layer's certified
 * streams. Subnet 0 is the root subnet: its key is the root key and its state lives in the
 * state directory itself, so a one-subnet state directory opens as subnet 0; subnet k lives in
 * `<stateDir>/subnet-<k>`. Every other subnet's key is vouched for by a delegation the root
 * key signs when the replica opens.
 */
import path from 'node:path';
import { Principal } from '@dfinity/principal';
import type { Delegation, RootKey } from '@tincan/certification';
import type { ActorOf, IdentityLike } from '../actor.js';
import { Replica } from '../replica.js';
import { ReplicaError } from '../replica-error.js';
import type { CanisterHandle, DeployOptions, ReplicaOptions } from '../replica-options.js';
import { signDelegation } from './delegation.js';
import { loadBls } from './fast-bls.js';
import { loadOrCreateSubnetKeys } from './subnet-keys.js';
import { inRange, subnetOfId, subnetRange, type CanisterRange } from './topology.js';
import { XNet, type XNetSubnet } from './xnet.js';

/** Most subnets one replica hosts. */
export const MAX_SUBNETS = 16;

/** Options of {@link Subnets.create}: a replica's options, for every subnet, plus the topology. */
export interface SubnetsOptions extends Omit<
  ReplicaOptions,
  'subnet' | 'subnetHosting' | 'fromCheckpoint'
> {
  /** How many subnets (2 or more; 1 is a plain `Replica`). */
  readonly count: number;
  /** Subnet 0's key, the root key (the HTTP layer's); by default the one kept in the state directory, else a fresh one. */
  readonly rootKey?: RootKey;
}

/** One subnet of a {@link Subnets} replica. */
export interface SubnetInfo {
  readonly index: number;
  /** The subnet's principal: the self-authenticating id of its DER public key. */
  readonly id: Principal;
  readonly key: RootKey;
  readonly ranges: readonly CanisterRange[];
  /** The root's delegation to this subnet; undefined for the root subnet. */
  readonly delegation: Delegation | undefined;
  readonly replica: Replica;
}

/** Several subnets and the certified streams between them. */
export class Subnets {
  readonly subnets: readonly SubnetInfo[];
  readonly xnet: XNet;
  #closed = false;

  /** Opens `count` subnets; on an existing state directory each comes back as committed. */
  static async create(options: SubnetsOptions): Promise<Subnets> {
    const { count, rootKey, ...replicaOptions } = options;
    if (!Number.isInteger(count) || count < 2 || count > MAX_SUBNETS)
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `a replica hosts 2 to ${MAX_SUBNETS} subnets, got ${count}`,
      );
    const keys = loadOrCreateSubnetKeys(options.stateDir, count, rootKey);
    const root = keys[0] as RootKey;
    const nowNs = (): bigint =>
      (options.clock ?? { nowNs: () => BigInt(Date.now()) * 1_000_000n }).nowNs();
    const described: XNetSubnet[] = keys.map((key, index) => {
      const id = Principal.selfAuthenticating(key.derPublicKey).toUint8Array();
      const ranges = [subnetRange(index)];
      return {
        id,
        key,
        ranges,
        delegation: index === 0 ? undefined : signDelegation(root, id, key, ranges, nowNs()),
      };
    });
    const xnet = new XNet(described, nowNs, await loadBls());
    const infos: SubnetInfo[] = [];
    for (const [index, subnet] of described.entries()) {
      const stateDir =
        options.stateDir === undefined
          ? undefined
          : index === 0
            ? options.stateDir
            : path.join(options.stateDir, `subnet-${index}`);
      const replica = await Replica.create({
        ...replicaOptions,
        ...(stateDir !== undefined && { stateDir }),
        subnet: xnet.routing(index),
        subnetHosting: {
          id: Principal.fromUint8Array(subnet.id),
          hosts: (id) => subnet.ranges.some((range) => inRange(id, range)),
        },
      });
      xnet.attach(index, replica);
      infos.push({
        index,
        id: Principal.fromUint8Array(subnet.id),
        key: subnet.key,
        ranges: subnet.ranges,
        delegation: subnet.delegation,
        replica,
      });
    }
    return new Subnets(infos, xnet);
  }

  private constructor(subnets: SubnetInfo[], xnet: XNet) {
    this.subnets = subnets;
    this.xnet = xnet;
  }

  /** The root subnet's replica (subnet 0). */
  get root(): Replica {
    return this.replica(0);
  }

  /** Subnet `index`'s replica. */
  replica(index: number): Replica {
    const subnet = this.subnets[index];
    if (subnet === undefined)
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `there is no subnet ${index}; this replica has ${this.subnets.length}`,
      );
    return subnet.replica;
  }

  /** Which subnet hosts canister `id`, if any. */
  subnetOf(id: Principal | Uint8Array): number | undefined {
    return subnetOfId(id instanceof Uint8Array ? id : id.toUint8Array(), this.subnets.length);
  }

  /** The replica of the subnet that hosts canister `id`. */
  replicaOf(id: Principal | Uint8Array | CanisterHandle): Replica {
    const bytes =
      'candid' in id ? id.id.toUint8Array() : id instanceof Uint8Array ? id : id.toUint8Array();
    const index = this.subnetOf(bytes);
    if (index === undefined)
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `no subnet hosts canister ${Principal.fromUint8Array(bytes).toText()}`,
      );
    return this.replica(index);
  }

  /** Deploys the canister at `entry` on subnet `subnet`. */
  deploy(subnet: number, entry: string, options: DeployOptions = {}): Promise<CanisterHandle> {
    return this.replica(subnet).deploy(entry, options);
  }

  /** A typed actor for a canister on whichever subnet hosts it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- no class type: an untyped actor
  actor<T = any>(
    canister: CanisterHandle | Principal,
    options: { identity?: IdentityLike } = {},
  ): ActorOf<T> {
    return this.replicaOf(canister).actor<T>(canister, options);
  }

  /** Runs every subnet and stream until nothing is pending anywhere. */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      await Promise.all(this.subnets.map((s) => s.replica.idle()));
      if (this.xnet.flush() === 0 && !this.subnets.some((s) => s.replica.runtime.hasWork())) return;
    }
  }

  /** Closes every subnet. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.xnet.close();
    await Promise.all(this.subnets.map((s) => s.replica.close()));
  }
}
