/**
 * The canister a command names and an agent to reach it. Imports its parts statically: the
 * command tree loads this module only when a command runs (`commands/shared.ts`), and
 * `canister call` bundles it into its one file (scripts/bundle.mjs).
 */
import type { HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { connect } from './connect.js';
import { IdentityStore } from './identity-store.js';
import type { Network } from './network.js';
import { resolveCanister } from './resolve-canister.js';

/** The canister a command names, the agent to reach it, and a label for messages. */
export interface Target {
  readonly agent: HttpAgent;
  readonly network: Network;
  readonly id: Principal;
  /** The project's name for it, when known. */
  readonly name: string | undefined;
  readonly label: string;
}

/** An agent for `network`, signing with `identity` or the selected identity. */
export async function agentFor(network: Network, identity: string | undefined): Promise<HttpAgent> {
  return connect(network.url, await new IdentityStore().load(identity));
}

/** `canisterText` (a dfx.json name once deployed, or an id) on `network`, signing with `identity`. */
export async function resolveTarget(
  network: Network,
  canisterText: string,
  identity: string | undefined,
): Promise<Target> {
  const canister = resolveCanister(process.cwd(), network.url, canisterText);
  const agent = await agentFor(network, identity);
  return {
    agent,
    network,
    id: canister.id,
    name: canister.name,
    label: canister.name ?? canister.id.toText(),
  };
}
