/**
 * The project's canister config, in dfx.json's shape, so existing Azle projects work: each
 * canister has a TS entry (`main`), an optional `.did` path (`candid`) and environment variables
 * to inline (`custom.env`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ReplicaError } from './replica-error.js';

/** One canister of the project. */
export interface ProjectCanister {
  readonly name: string;
  /** Absolute path of the TS entry. */
  readonly main: string;
  /** Absolute path of the `.did` file, if configured. */
  readonly candid: string | undefined;
  /** Names of environment variables inlined as `process.env.NAME`. */
  readonly env: readonly string[];
  /** Textual Candid init arguments (dfx.json's `init_arg`), e.g. `(1 : nat)`. */
  readonly initArg: string | undefined;
}

interface RawCanister {
  type?: unknown;
  main?: unknown;
  candid?: unknown;
  init_arg?: unknown;
  custom?: { env?: unknown };
}

/** Reads `dfx.json` from `root`. */
export function readProjectConfig(root: string): ProjectCanister[] {
  const file = path.join(root, 'dfx.json');
  let raw: { canisters?: Record<string, RawCanister> };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (err) {
    throw new ReplicaError(
      'ERR_INVALID_ARGUMENT',
      `cannot read ${file}: ${(err as Error).message}`,
    );
  }
  return Object.entries(raw.canisters ?? {}).map(([name, c]) => {
    if (typeof c.main !== 'string')
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `${file}: canister '${name}' needs a "main" TypeScript entry`,
      );
    const env = Array.isArray(c.custom?.env)
      ? c.custom.env.filter((e): e is string => typeof e === 'string')
      : [];
    return {
      name,
      main: path.resolve(root, c.main),
      candid: typeof c.candid === 'string' ? path.resolve(root, c.candid) : undefined,
      env,
      initArg: typeof c.init_arg === 'string' ? c.init_arg : undefined,
    };
  });
}

/** The values of a canister's listed environment variables, from `source` (default: process.env). */
export function envFor(
  canister: ProjectCanister,
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of canister.env) {
    const value = source[name];
    if (value !== undefined) values[name] = value;
  }
  return values;
}
