/**
 * Names or ids of canisters on the command line: a name is looked up in the project's
 * `.tincan/canister_ids.json` for the replica at `host`, anything else must be a principal.
 */
import { Principal } from '@dfinity/principal';
import { CanisterIds } from './canister-ids.js';
import { CliError } from './cli-error.js';

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
    throw new CliError(
      'ERR_UNKNOWN_CANISTER',
      `no canister '${nameOrId}' is deployed from ${dir} to ${host}; deploy it with 'tincan deploy ${nameOrId}', or pass a canister id`,
    );
  }
  return { id, name: ids.nameOf(host, id.toText()) };
}
