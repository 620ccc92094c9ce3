/**
 * `tincan canister call`: reads the canister's Candid interface from its `candid:service`
 * metadata (certified, through read_state), parses the textual arguments against the method's
 * types, calls it through an unmodified agent actor and prints the reply as Candid text or JSON.
 */
import { Actor, CanisterStatus, type HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { candidValuesToJson, parseCandidArgs, parseDid, printCandidValues } from '@tincan/candid';
import { withRejects } from './agent-errors.js';
import { checkedAgent } from './checked-agent.js';
import { CliError } from './cli-error.js';

/** How a reply is printed. */
export type OutputFormat = 'candid' | 'json';

/** Options of {@link callCanister}. */
export interface CallOptions {
  readonly agent: HttpAgent;
  readonly canisterId: Principal;
  /** The canister's name for messages, or its id. */
  readonly label: string;
  readonly method: string;
  /** Textual Candid arguments, e.g. `(5 : nat)`; empty means `()`. */
  readonly argument: string;
  /** Force a query (`true`) or an update (`false`); by default the method's own kind. */
  readonly query?: boolean | undefined;
  readonly output: OutputFormat;
}

/** The canister's `candid:service` metadata; a clear error when it has none. */
export async function fetchCandid(agent: HttpAgent, canisterId: Principal, label: string): Promise<string> {
  const status = await withRejects(`reading the metadata of ${label}`, () => CanisterStatus.request({ agent, canisterId, paths: ['candid'] }));
  const candid = status.get('candid');
  if (typeof candid !== 'string' || candid === '') {
    throw new CliError('ERR_UNKNOWN_CANISTER', `canister ${label} publishes no candid:service metadata: it does not exist on this replica or has no code installed (deploy it with 'tincan deploy')`);
  }
  return candid;
}

/** Calls one method and returns the printed reply. */
export async function callCanister(options: CallOptions): Promise<string> {
  const { agent, canisterId, label, method } = options;
  const service = parseDid(await fetchCandid(agent, canisterId, label)).service;
  const func = service._fields.find(([name]) => name === method)?.[1];
  if (func === undefined) {
    const names = service._fields.map(([name]) => name).join(', ');
    throw new CliError('ERR_UNKNOWN_METHOD', `canister ${label} has no method '${method}'; its methods are: ${names}`);
  }
  const args = parseCandidArgs(options.argument, func.argTypes);
  const isQuery = options.query ?? (func.annotations.includes('query') || func.annotations.includes('composite_query'));
  const single = IDL.Service({ [method]: IDL.Func(func.argTypes, func.retTypes, isQuery ? ['query'] : []) });
  const checked = checkedAgent(agent, func.retTypes, `${label}.${method}`);
  const actor = Actor.createActor<Record<string, (...a: unknown[]) => Promise<unknown>>>(() => single, { agent: checked, canisterId });
  const callMethod = actor[method];
  if (callMethod === undefined) throw new CliError('ERR_UNKNOWN_METHOD', `canister ${label} has no method '${method}'`);
  const reply = await withRejects(`the call to ${label}.${method}`, () => callMethod(...args));
  // The actor unwraps replies: nothing for (), the value for one result, an array for more.
  const values = func.retTypes.length === 0 ? [] : func.retTypes.length === 1 ? [reply] : (reply as unknown[]);
  return options.output === 'json' ? JSON.stringify(candidValuesToJson(func.retTypes, values)) : printCandidValues(func.retTypes, values);
}
