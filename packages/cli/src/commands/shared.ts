/**
 * What every command shares: the network flags, the signing identity, and how a failure is
 * printed (one `Error: …` line).
 */
import type { HttpAgent } from '@dfinity/agent';
import { ensureError, isTincanError } from '@tincan/errors';
import type { CommandInput, FlagSpec } from '../command-line.js';
import { networkOf, type Network } from '../network.js';
import type { Target } from '../target.js';

export type { Target } from '../target.js';
export { networkOf } from '../network.js';

/** `--network <name>`: a network of dfx.json (`local` by default, or `$DFX_NETWORK`). */
export const networkFlag: FlagSpec = {
  name: 'network',
  type: 'string',
  value: 'name',
  description: `network of dfx.json's "networks" ($DFX_NETWORK)`,
  default: 'local',
};
/** `--host <url>`: the replica's URL, overriding `--network`. */
export const hostFlag: FlagSpec = {
  name: 'host',
  type: 'string',
  value: 'url',
  description: `URL of the replica, instead of --network (local: http://127.0.0.1:4943)`,
};
/** `--identity <name>`: sign with this identity instead of the selected one. */
export const identityFlag: FlagSpec = {
  name: 'identity',
  type: 'string',
  value: 'name',
  description: `sign with this identity instead of the one chosen by 'tincan identity use'`,
};
/** The flags of every command that talks to a replica. */
export const replicaFlags: readonly FlagSpec[] = [networkFlag, hostFlag, identityFlag];

/** Prints a failure as one `Error: …` line on stderr. */
export function report(err: unknown): void {
  const error = ensureError(err);
  // tincan's own errors say what to do in their message; anything else also gets its name.
  process.stderr.write(
    `Error: ${error.message}${isTincanError(error) ? '' : ` (${error.name})`}\n`,
  );
}

/** An agent for the command's network, signing with `--identity` or the selected identity. */
export async function agentFor(network: Network, identity: string | undefined): Promise<HttpAgent> {
  return (await import('../target.js')).agentFor(network, identity);
}

/** `<canister>` (or `canisterText`: a dfx.json name once deployed, or an id) on the command's network. */
export async function targetOf(
  input: CommandInput,
  canisterText: string = input.required('canister'),
): Promise<Target> {
  return (await import('../target.js')).resolveTarget(
    networkOf(input),
    canisterText,
    input.string('identity'),
  );
}

/** A canister argument's help line. */
export const canisterArg = {
  name: 'canister',
  description: 'canister name (from dfx.json, once deployed) or id',
} as const;
