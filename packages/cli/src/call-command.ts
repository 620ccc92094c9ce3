/**
 * What `tincan canister call` runs once its command line is parsed. Everything a call needs is
 * imported statically, so the bundled CLI loads the call as one file (scripts/bundle.mjs)
 * instead of a dozen chunks shared with other commands: in a fresh process each ES module
 * costs its own resolution, read and compile.
 */
import { readFileSync } from 'node:fs';
import { callCanister } from './canister-call.js';
import { CliError } from './cli-error.js';
import type { CommandInput } from './command-line.js';
import { DeployedInterfaces } from './deployed-interfaces.js';
import { networkOf } from './network.js';
import type { OutputFormat } from './output-format.js';
import { resolveTarget } from './target.js';

/** Runs `tincan canister call` with its parsed arguments and flags; prints the reply. */
export async function runCall(input: CommandInput): Promise<void> {
  if (input.bool('query') && input.bool('update'))
    throw new CliError('ERR_USAGE', 'pass --query or --update, not both');
  const file = input.string('argument-file');
  if (file !== undefined && input.arg('argument') !== undefined)
    throw new CliError('ERR_USAGE', 'pass the argument or --argument-file, not both');
  const argument =
    file !== undefined ? readText(file, '--argument-file') : (input.arg('argument') ?? '');
  const canister = input.required('canister');
  const target = await resolveTarget(networkOf(input), canister, input.string('identity'));
  const candidFile = input.string('candid');
  let candid = candidFile !== undefined ? readText(candidFile, '--candid') : undefined;
  if (candid === undefined && target.name !== undefined)
    candid = new DeployedInterfaces(process.cwd()).candidOf(target.network.url, target.name);
  const reply = await callCanister({
    agent: target.agent,
    canisterId: target.id,
    label: target.label,
    method: input.required('method'),
    argument,
    argType: input.string('type') === 'raw' ? 'raw' : 'idl',
    query: input.bool('query') ? true : input.bool('update') ? false : undefined,
    output: input.string('output') as OutputFormat,
    candid,
  });
  process.stdout.write(`${reply}\n`);
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError('ERR_USAGE', `${flag} ${path}: ${(err as Error).message}`);
  }
}
