/**
 * Certified data: up to 32 bytes a canister sets in replicated executions (ICP's
 * `ic0.certified_data_set`), which the replica certifies under `/canister/<id>/certified_data`
 * of its state tree. A value set by an execution applies only if that execution commits, and
 * is stored in the same transaction (replica metadata, one key per canister), so it survives a
 * restart. Certification itself (the tree, the signature) is the HTTP interface's: the runtime
 * keeps the value, counts changes so the certifier knows when to re-sign, and hands
 * non-replicated queries the certificate the certifier provides (`ic0.data_certificate_copy`).
 */
import { icModeName, type Execution, type ExecutionMode } from './execution.js';
import type { StateStore } from '../state/state-store.js';
import * as Traps from './trap.js';

/** ICP's limit on certified data. */
export const MAX_CERTIFIED_DATA_BYTES = 32;

/** Provides the certificate a non-replicated query of canister `canisterId` reads, if any. */
export type DataCertificateSource = (canisterId: Uint8Array) => Uint8Array | undefined;

const EMPTY = new Uint8Array(0);

/**
 * The part of a canister actor certified data needs: its store key, its id and the cached value.
 * A structural type, so this file does not import the actor (which imports it).
 */
export interface CertifiedDataHolder {
  readonly key: string;
  readonly record: { readonly id: Uint8Array };
  certifiedData: Uint8Array | undefined;
}

/** Whether `ic0.certified_data_set` is allowed in this mode (ICP: not in queries nor inspection). */
export function mayCertify(mode: ExecutionMode): boolean {
  return (
    mode !== 'query' &&
    mode !== 'inspect' &&
    mode !== 'load' &&
    mode !== 'compositeQuery' &&
    mode !== 'compositeCallback'
  );
}

/** Every canister's committed certified data, cached in its actor and kept in the store. */
export class CertifiedDataRegistry {
  readonly #store: StateStore;
  /** Bumped by every change, so a certifier can tell whether its signed tree is current. */
  version = 0;
  source: DataCertificateSource | undefined;

  constructor(store: StateStore) {
    this.#store = store;
  }

  /** The canister's committed certified data (empty when never set). */
  get(actor: CertifiedDataHolder): Uint8Array {
    if (actor.certifiedData === undefined) {
      const stored = this.#store.getMeta(metaKey(actor));
      actor.certifiedData = stored === undefined ? EMPTY : new Uint8Array(stored);
    }
    return actor.certifiedData;
  }

  /** Sets the canister's certified data inside the open store transaction. */
  set(actor: CertifiedDataHolder, data: Uint8Array): void {
    this.#store.putMeta(metaKey(actor), data);
    actor.certifiedData = data;
    this.version++;
  }

  /** The certificate a non-replicated query of `actor` gets, from the certifier, if there is one. */
  certificate(actor: CertifiedDataHolder): Uint8Array | undefined {
    return this.source?.(actor.record.id);
  }
}

function metaKey(actor: CertifiedDataHolder): string {
  return `certified_data/${actor.key}`;
}

/** The certified-data system calls of one canister's host bridge. */
export function certifiedDataCalls(
  actor: CertifiedDataHolder,
  live: () => Execution,
  registry: CertifiedDataRegistry,
): { certifiedDataSet: (data: Uint8Array) => void; dataCertificate: () => Uint8Array | undefined } {
  return {
    certifiedDataSet: (data) => {
      const exec = live();
      if (!mayCertify(exec.mode)) {
        exec.trap ??= Traps.apiMisuse(
          `"ic0_certified_data_set" cannot be executed in ${exec.mode === 'inspect' ? 'inspect message' : exec.mode === 'query' ? 'non replicated query' : icModeName(exec)} mode`,
        );
        throw new Error(exec.trap.message);
      }
      if (data.length > MAX_CERTIFIED_DATA_BYTES) {
        exec.trap ??= Traps.apiMisuse(
          `ic0_certified_data_set failed because the passed data must be no larger than ${MAX_CERTIFIED_DATA_BYTES} bytes. Found ${data.length} bytes.`,
        );
        throw new Error(exec.trap.message);
      }
      exec.certifiedData = new Uint8Array(data);
    },
    dataCertificate: () =>
      live().nonReplicated === true ? registry.certificate(actor) : undefined,
  };
}
