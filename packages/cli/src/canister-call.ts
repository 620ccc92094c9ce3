/**
 * `tincan canister call`: finds the method's types (a `--candid` file, the project's own `.did`
 * when it is the one deployed, else the canister's certified `candid:service` metadata), encodes
 * the textual (or raw hex) argument, calls it through the agent and prints the reply as Candid
 * text, JSON or raw hex.
 */
import { CanisterStatus, type HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { fromHex, toHex } from '@tincan/bytes';
import {
  candidValuesToJson,
  decodeCandid,
  parseCandidArgs,
  parseDid,
  printCandidValues,
} from '@tincan/candid';
import { ensureError } from '@tincan/errors';
import { withRejects } from './agent-errors.js';
import { CliError } from './cli-error.js';
import type { OutputFormat } from './output-format.js';
import { rawCall } from './raw-call.js';

export { OUTPUT_FORMATS, type OutputFormat } from './output-format.js';

/** Options of {@link callCanister}. */
export interface CallOptions {
  readonly agent: HttpAgent;
  readonly canisterId: Principal;
  /** The canister's name for messages, or its id. */
  readonly label: string;
  readonly method: string;
  /** Textual Candid arguments, e.g. `(5 : nat)` (empty means `()`), or hex bytes with `argType: 'raw'`. */
  readonly argument: string;
  readonly argType?: 'idl' | 'raw';
  /** Force a query (`true`) or an update (`false`); by default the method's own kind. */
  readonly query?: boolean | undefined;
  readonly output: OutputFormat;
  /** The canister's interface as `.did` text; fetched from `candid:service` when absent. */
  readonly candid?: string | undefined;
}

/** The canister's `candid:service` metadata; a clear error when it has none. */
export async function fetchCandid(
  agent: HttpAgent,
  canisterId: Principal,
  label: string,
): Promise<string> {
  const status = await withRejects(`reading the metadata of ${label}`, () =>
    CanisterStatus.request({ agent, canisterId, paths: ['candid'] }),
  );
  const candid = status.get('candid');
  if (typeof candid !== 'string' || candid === '') {
    throw new CliError(
      'ERR_UNKNOWN_CANISTER',
      `canister ${label} publishes no candid:service metadata: it does not exist on this replica or has no code installed (deploy it with 'tincan deploy')`,
    );
  }
  return candid;
}

/** Calls one method and returns the printed reply. */
export async function callCanister(options: CallOptions): Promise<string> {
  const { agent, canisterId, label, method } = options;
  const service = parseDid(options.candid ?? (await fetchCandid(agent, canisterId, label))).service;
  const func = service._fields.find(([name]) => name === method)?.[1];
  const raw = options.argType === 'raw';
  if (func === undefined && !raw) {
    const names = service._fields.map(([name]) => name).join(', ');
    throw new CliError(
      'ERR_UNKNOWN_METHOD',
      `canister ${label} has no method '${method}' in its interface (its methods are: ${names}); pass --candid <file> with its types, or --type raw with a hex argument`,
    );
  }
  const arg = raw
    ? hexArgument(options.argument)
    : new Uint8Array(
        IDL.encode(func?.argTypes ?? [], parseCandidArgs(options.argument, func?.argTypes ?? [])),
      );
  const declaredQuery =
    func !== undefined &&
    (func.annotations.includes('query') || func.annotations.includes('composite_query'));
  const reply = await withRejects(`the call to ${label}.${method}`, () =>
    rawCall(agent, canisterId, method, arg, options.query ?? declaredQuery),
  );
  if (options.output === 'raw') return toHex(reply);
  if (func === undefined)
    throw new CliError(
      'ERR_UNKNOWN_METHOD',
      `the reply of ${label}.${method} cannot be decoded without its types (${toHex(reply)}); pass --candid <file> or --output raw`,
    );
  const values = decodeReply(func.retTypes, reply, `${label}.${method}`);
  if (options.output !== 'json') return printCandidValues(func.retTypes, values);
  // dfx prints a single value bare and several as an array.
  const json = candidValuesToJson(func.retTypes, values);
  return JSON.stringify(func.retTypes.length === 1 ? json[0] : json);
}

function hexArgument(text: string): Uint8Array {
  const hex = text.replace(/^0x/, '').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex))
    throw new CliError(
      'ERR_USAGE',
      `--type raw needs the argument as hex bytes, e.g. 4449444c0000; got '${text}'`,
    );
  return fromHex(hex);
}

/**
 * The reply's values. The reply is checked first (`decodeCandid`): @dfinity/candid's cost grows
 * faster than the reply on hostile input, so a canister answering with a self-referencing type
 * table or 100k type entries gets a clear error instead of a hang.
 */
function decodeReply(retTypes: IDL.Type[], reply: Uint8Array, what: string): unknown[] {
  try {
    return decodeCandid(retTypes, reply);
  } catch (err) {
    throw new CliError(
      'ERR_BAD_REPLY',
      `the reply of ${what} is not valid Candid for its result type: ${ensureError(err).message}`,
    );
  }
}
