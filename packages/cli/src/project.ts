/**
 * The project the CLI works on: `dfx.json` in the current directory, validated with effect
 * Schema as dfx reads it: canisters (`type`, `main`, `candid`, `init_arg`, `init_arg_file`,
 * `dependencies`, `declarations`, `custom.env`, `specified_id`) and `networks`, plus tincan's
 * own per-canister section `tincan` (`subnet`, `next_to`: where the canister is created).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as Schema from 'effect/Schema';
import { CliError } from './cli-error.js';
import { checkPlacement, type Placement } from './placement-choice.js';

const Canister = Schema.Struct({
  type: Schema.optionalKey(Schema.String),
  main: Schema.optionalKey(Schema.String),
  candid: Schema.optionalKey(Schema.String),
  init_arg: Schema.optionalKey(Schema.String),
  init_arg_file: Schema.optionalKey(Schema.String),
  dependencies: Schema.optionalKey(Schema.Array(Schema.String)),
  declarations: Schema.optionalKey(
    Schema.Struct({
      output: Schema.optionalKey(Schema.String),
      bindings: Schema.optionalKey(Schema.Array(Schema.String)),
      node_compatibility: Schema.optionalKey(Schema.Boolean),
      env_override: Schema.optionalKey(Schema.NullOr(Schema.String)),
    }),
  ),
  custom: Schema.optionalKey(
    Schema.Struct({ env: Schema.optionalKey(Schema.Array(Schema.String)) }),
  ),
  /** dfx's: the id a local network gives the canister when it creates it. */
  specified_id: Schema.optionalKey(Schema.String),
  /** tincan's own keys, which dfx ignores: where the canister is created. */
  tincan: Schema.optionalKey(
    Schema.Struct({
      subnet: Schema.optionalKey(Schema.Union([Schema.Number, Schema.String])),
      next_to: Schema.optionalKey(Schema.String),
    }),
  ),
});

const Network = Schema.Struct({
  bind: Schema.optionalKey(Schema.String),
  providers: Schema.optionalKey(Schema.Array(Schema.String)),
  type: Schema.optionalKey(Schema.String),
});

const DfxJson = Schema.Struct({
  canisters: Schema.optionalKey(Schema.Record(Schema.String, Canister)),
  networks: Schema.optionalKey(Schema.Record(Schema.String, Network)),
});

/** One canister of the project, with paths made absolute. */
export interface ProjectCanister {
  readonly name: string;
  /** Absolute path of the TS entry. */
  readonly main: string;
  /** Absolute path of the `.did` file: dfx.json's `candid`, else Azle's `.azle/<name>/<name>.did`. */
  readonly candid: string;
  /** Whether dfx.json names the `.did` path. */
  readonly candidConfigured: boolean;
  /** Names of environment variables inlined as `process.env.NAME`. */
  readonly env: readonly string[];
  /** Textual Candid init arguments: `init_arg`, or the contents of `init_arg_file`. */
  readonly initArg: string | undefined;
  /** Canisters deployed first, whose ids this one gets as `CANISTER_ID_<NAME>`. */
  readonly dependencies: readonly string[];
  /** `declarations`: where `tincan generate` writes bindings. */
  readonly declarationsDir: string;
  readonly nodeCompatibility: boolean;
  /** Where a new canister goes: dfx.json's `specified_id`, or `tincan.subnet` / `tincan.next_to`. */
  readonly placement: Placement;
}

function placementOf(name: string, c: typeof Canister.Type): Placement {
  const placement = {
    specifiedId: c.specified_id,
    subnet: c.tincan?.subnet === undefined ? undefined : String(c.tincan.subnet),
    nextTo: c.tincan?.next_to,
  };
  checkPlacement(placement, `dfx.json: canister '${name}' has more than one placement`);
  return placement;
}

/** The canisters of the project at `dir`, in dfx.json's order; a clear error for a bad dfx.json. */
export function projectCanisters(dir: string): ProjectCanister[] {
  const file = path.join(dir, 'dfx.json');
  if (!existsSync(file))
    throw new CliError(
      'ERR_PROJECT',
      `no dfx.json in ${dir}; run tincan from your project's directory (the one with dfx.json)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError('ERR_PROJECT', `dfx.json is not valid JSON: ${(err as Error).message}`);
  }
  let config: typeof DfxJson.Type;
  try {
    config = Schema.decodeUnknownSync(DfxJson)(json);
  } catch (err) {
    throw new CliError('ERR_PROJECT', `dfx.json: ${schemaMessage((err as Error).message)}`);
  }
  const canisters = Object.entries(config.canisters ?? {}).map(([name, c]): ProjectCanister => {
    if (c.type !== undefined && c.type !== 'azle') {
      throw new CliError(
        'ERR_PROJECT',
        `dfx.json: canister '${name}' has "type": "${c.type}"; tincan runs TypeScript canisters: use "type": "azle" with "main": "<entry>.ts"`,
      );
    }
    if (c.main === undefined)
      throw new CliError(
        'ERR_PROJECT',
        `dfx.json: canister '${name}' needs a "main" TypeScript entry, e.g. "main": "src/${name}/index.ts"`,
      );
    if (c.init_arg !== undefined && c.init_arg_file !== undefined)
      throw new CliError(
        'ERR_PROJECT',
        `dfx.json: canister '${name}' has both "init_arg" and "init_arg_file"; keep one`,
      );
    let initArg = c.init_arg;
    if (c.init_arg_file !== undefined) {
      const argFile = path.resolve(dir, c.init_arg_file);
      if (!existsSync(argFile))
        throw new CliError(
          'ERR_PROJECT',
          `dfx.json: canister '${name}' has "init_arg_file": "${c.init_arg_file}", which does not exist`,
        );
      initArg = readFileSync(argFile, 'utf8');
    }
    return {
      name,
      main: path.resolve(dir, c.main),
      candid: path.resolve(dir, c.candid ?? path.join('.azle', name, `${name}.did`)),
      candidConfigured: c.candid !== undefined,
      env: c.custom?.env ?? [],
      initArg,
      dependencies: c.dependencies ?? [],
      declarationsDir: path.resolve(
        dir,
        c.declarations?.output ?? path.join('src', 'declarations', name),
      ),
      nodeCompatibility: c.declarations?.node_compatibility ?? false,
      placement: placementOf(name, c),
    };
  });
  const names = new Set(canisters.map((c) => c.name));
  for (const c of canisters) {
    for (const dep of c.dependencies) {
      if (!names.has(dep))
        throw new CliError(
          'ERR_PROJECT',
          `dfx.json: canister '${c.name}' depends on '${dep}', which is not a canister of dfx.json (it has: ${[...names].join(', ')})`,
        );
    }
  }
  return canisters;
}

/** `names` and everything they depend on, dependencies first; a clear error for a cycle. */
export function deployOrder(
  canisters: readonly ProjectCanister[],
  names: readonly string[],
): ProjectCanister[] {
  const byName = new Map(canisters.map((c) => [c.name, c]));
  const order: ProjectCanister[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: readonly string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting')
      throw new CliError(
        'ERR_PROJECT',
        `dfx.json: dependency cycle ${[...chain, name].join(' -> ')}`,
      );
    state.set(name, 'visiting');
    const canister = byName.get(name);
    if (canister === undefined)
      throw new CliError(
        'ERR_UNKNOWN_CANISTER',
        `dfx.json has no canister '${name}' (it has: ${[...byName.keys()].join(', ') || 'none'})`,
      );
    for (const dep of canister.dependencies) visit(dep, [...chain, name]);
    state.set(name, 'done');
    order.push(canister);
  };
  for (const name of names) visit(name, []);
  return order;
}

/** `CANISTER_ID_<NAME>`: dfx's variable name for a canister's id (upper case, `-` as `_`). */
export function canisterEnvName(
  prefix: 'CANISTER_ID' | 'CANISTER_CANDID_PATH',
  name: string,
): string {
  return `${prefix}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** effect Schema's error (`Expected …\n  at ["a"]["b"]`) as one line: `canisters.a.b: expected …`. */
function schemaMessage(message: string): string {
  const [first = message, at] = message.split('\n');
  const where = at
    ?.trim()
    .replace(/^at /, '')
    .replace(/\["([^"]*)"\]/g, '.$1')
    .replace(/\[(\d+)\]/g, '[$1]')
    .replace(/^\./, '');
  const what = first.replace(/^Expected/, 'expected');
  return where === undefined || where === '' ? what : `${where}: ${what}`;
}
