/**
 * The identities the Candid UI may call as: the CLI's (`tincan identity …`), handed in by
 * `tincan start` as an {@link IdentitySource}, so the dashboard does not know where or how the
 * CLI keeps them.
 *
 * Why the page gets the secret key: the call must go through the IC's HTTP interface signed as
 * that identity, exactly as any agent's call, so the page signs it itself with @dfinity/agent.
 * Signing on the server instead would make an endpoint that signs whatever a script on this
 * origin asks, which is as good as the key while the replica runs. The key is therefore sent
 * to the local dashboard page only: loopback peer and Host, same-origin request, and the page
 * token that only a top-level navigation to the page receives (local-only.ts). The page keeps
 * it in memory, for the one identity chosen, and never stores it.
 */

/** One identity as listed: its name and principal, never its key. */
export interface IdentityInfo {
  readonly name: string;
  readonly principal: string;
}

/** An identity's secret key, for the page to sign with. */
export interface IdentityKey {
  readonly curve: 'ed25519' | 'secp256k1';
  /** The 32-byte secret (Ed25519 seed or secp256k1 scalar). */
  readonly secretKey: Uint8Array;
}

/** Where the dashboard finds identities (the CLI's store, in `tincan start`). */
export interface IdentitySource {
  /** Every identity, sorted by name. */
  list(): Promise<IdentityInfo[]>;
  /** The name of the identity the CLI uses by default. */
  current(): string;
  /** The secret key of `name`; throws when there is no such identity. */
  key(name: string): Promise<IdentityKey>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether `name` can be an identity name (checked before any file is touched). */
export function isIdentityName(name: string): boolean {
  return NAME.test(name);
}
