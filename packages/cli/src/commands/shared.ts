/**
 * What every command shares: the network flags, the signing identity, and how a failure is
 * printed (one `Error: …` line).
 */
import type { HttpAgent } from '@dfinity/agent';
import { ensureError, isTincanError } from '@tincan/errors';
import type { CommandInput, FlagSpec } from '../command-line.js';
import { resolveNetwork, type Network } from '../network.js';

/** `--network <name>`: a network of dfx.json (`local` by default, or `$DFX_NETWORK`). */
export const networkFlag: FlagSpec = { name: 'network', type: 'string', value: 'name', description: `network of dfx.json's "networks" ($DFX_NETWORK)`, default: 'local' };
/** `--host <url>`: the replica's URL, overriding `--network`. */
export const hostFlag: FlagSpec = { name: 'host', type: 'string', value: 'url', description: `URL of the replica, instead of --network (local: http://127.0.0.1:4943)` };
/** `--identity <name>`: sign with this identity instead of the selected one. */
export const identityFlag: FlagSpec = { name: 'identity', type: 'string', value: 'name', description: `sign with this identity instead of the one chosen by 'tincan identity use'` };
/** The flags of every command that talks to a replica. */
export const replicaFlags: readonly FlagSpec[] = [networkFlag, hostFlag, identityFlag];

/** The network a command's flags name. */
export function networkOf(input: CommandInput): Network {
  return resolveNetwork(process.cwd(), { network: input.given('network') ? input.string('network') : undefined, host: input.string('host') });
}

/** Prints a failure as one `Error: …` line on stderr. */
export function report(err: unknown): void {
  const error = ensureError(err);
  // tincan's own errors say what to do in their message; anything else also gets its name.
  process.stderr.write(`Error: ${error.message}${isTincanError(error) ? '' : ` (${error.name})`}\n`);
}

/** An agent for the command's network, signing with `--identity` or the selected identity. */
export async function agentFor(network: Network, identity: string | undefined): Promise<HttpAgent> {
  const [{ IdentityStore }, { connect }] = await Promise.all([import('../identity-store.js'), import('../connect.js')]);
  return connect(network.url, await new IdentityStore().load(identity));
}

/** The canister a command names, the agent to reach it, and a label for messages. */
export interface Target {
  readonly agent: HttpAgent;
  readonly network: Network;
  readonly id: import('@dfinity/principal').Principal;
  /** The project's name for it, when known. */
  readonly name: string | undefined;
  readonly label: string;
}

/** `<canister>` (or `canisterText`: a dfx.json name once deployed, or an id) on the command's network. */
export async function targetOf(input: CommandInput, canisterText: string = input.required('canister')): Promise<Target> {
  const { resolveCanister } = await import('../resolve-canister.js');
  const network = networkOf(input);
  const canister = resolveCanister(process.cwd(), network.url, canisterText);
  const agent = await agentFor(network, input.string('identity'));
  return { agent, network, id: canister.id, name: canister.name, label: canister.name ?? canister.id.toText() };
}

/** A canister argument's help line. */
export const canisterArg = { name: 'canister', description: 'canister name (from dfx.json, once deployed) or id' } as const;
