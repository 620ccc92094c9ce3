/**
 * The project the CLI works on: the directory with `dfx.json` (the current one), its canisters
 * and their ids on the replica at `host`.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Principal } from '@dfinity/principal';
import { readProjectConfig, type ProjectCanister } from '@tincan/replica';
import { CanisterIds } from './canister-ids.js';
import { CliError } from './cli-error.js';

/** The canisters of the project at `dir`; a clear error without a dfx.json. */
export function projectCanisters(dir: string): ProjectCanister[] {
  if (!existsSync(path.join(dir, 'dfx.json'))) {
    throw new CliError('ERR_PROJECT', `no dfx.json in ${dir}; run tincan from your project's directory (the one with dfx.json)`);
  }
  try {
    return readProjectConfig(dir);
  } catch (err) {
    throw new CliError('ERR_PROJECT', (err as Error).message);
  }
}

/** A canister given by name (looked up in the project's ids) or by principal text. */
export interface ResolvedCanister {
  readonly id: Principal;
  /** The project's name for it, when known. */
  readonly name: string | undefined;
}

/** Resolves `nameOrId` on the replica at `host`. */
export function resolveCanister(dir: string, host: string, nameOrId: string): ResolvedCanister {
  const ids = new CanisterIds(dir);
  const recorded = ids.get(host, nameOrId);
  if (recorded !== undefined) return { id: Principal.fromText(recorded), name: nameOrId };
  let id: Principal;
  try {
    id = Principal.fromText(nameOrId);
  } catch {
    throw new CliError('ERR_UNKNOWN_CANISTER', `no canister '${nameOrId}' is deployed from ${dir} to ${host}; deploy it with 'tincan deploy ${nameOrId}', or pass a canister id`);
  }
  return { id, name: ids.nameOf(host, id.toText()) };
}
