/**
 * `tincan deploy` and `tincan canister create|install`: for each canister of the project's
 * dfx.json (dependencies first), create it on the replica if needed, bundle its TypeScript with
 * the ids of its dependencies inlined as `CANISTER_ID_<NAME>`, write its `.did`, and install or
 * upgrade its code through the management canister over HTTP. Ids are recorded per network in
 * `.tincan/canister_ids.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { toHex } from '@tincan/bytes';
import { CandidError, parseCandidArgs, parseDid } from '@tincan/candid';
import type { Replica } from '@tincan/replica';
import { rejectOf, withRejects } from './agent-errors.js';
import { CanisterIds } from './canister-ids.js';
import { CliError } from './cli-error.js';
import { DeployedInterfaces } from './deployed-interfaces.js';
import { managementCanister, type InstallMode, type ManagementCanister } from './management.js';
import { hasPlacement, type Placement } from './placement-choice.js';
import type { ResolvedPlacement } from './placement.js';
import { canisterEnvName, deployOrder, projectCanisters, type ProjectCanister } from './project.js';

/** How code is installed: `auto` installs into an empty canister and upgrades one with code. */
export type DeployMode = 'auto' | 'install' | 'reinstall' | 'upgrade';

/** Options of {@link deployProject}. */
export interface DeployOptions {
  readonly projectDir: string;
  /** The replica's URL (ids are recorded under it). */
  readonly host: string;
  readonly agent: HttpAgent;
  /** Deploy this canister (and what it depends on); all of them by default. */
  readonly name?: string | undefined;
  /** Textual Candid init (or post-upgrade) arguments of the named canister; overrides dfx.json's. */
  readonly argument?: string | undefined;
  readonly mode?: DeployMode | undefined;
  /** Cycles of newly created canisters (the replica's default when absent). */
  readonly cycles?: bigint | undefined;
  /** Where new canisters go (`--subnet`, `--next-to`, `--specified-id`); else each one's dfx.json placement. */
  readonly placement?: Placement | undefined;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** What one canister's deploy did. */
export interface DeployedCanister {
  readonly name: string;
  readonly id: Principal;
  /** What was done; `unchanged` when the canister already ran this module. */
  readonly mode: 'install' | 'reinstall' | 'upgrade' | 'unchanged';
}

/** The canisters a deploy of `name` (or all) touches, in order; usage errors before any work. */
export function selectCanisters(
  projectDir: string,
  name: string | undefined,
  argument: string | undefined,
): ProjectCanister[] {
  const all = projectCanisters(projectDir);
  if (all.length === 0)
    throw new CliError('ERR_UNKNOWN_CANISTER', `dfx.json in ${projectDir} lists no canisters`);
  if (argument !== undefined && name === undefined && all.length > 1) {
    throw new CliError(
      'ERR_USAGE',
      '--argument applies to one canister; name it: tincan deploy <name> --argument ...',
    );
  }
  return deployOrder(all, name === undefined ? all.map((c) => c.name) : [name]);
}

/** Creates the canisters of `canisters` that the network does not have yet; returns all their ids. */
export async function createCanisters(
  canisters: readonly ProjectCanister[],
  options: DeployOptions,
): Promise<Map<string, Principal>> {
  const management = managementCanister(options.agent);
  const ids = new CanisterIds(options.projectDir);
  const result = new Map<string, Principal>();
  const missing: ProjectCanister[] = [];
  for (const canister of canisters) {
    const existing = await existingCanister(management, ids.get(options.host, canister.name));
    if (existing === undefined) missing.push(canister);
    else result.set(canister.name, existing.id);
  }
  if (options.placement?.specifiedId !== undefined && missing.length > 1)
    throw new CliError(
      'ERR_USAGE',
      `--specified-id gives one canister its id, but ${missing.map((c) => c.name).join(', ')} are to be created; create them one by one`,
    );
  for (const canister of canisters) {
    let id = result.get(canister.name);
    if (id === undefined) {
      id = await createOne(canister, options, ids);
      ids.set(options.host, canister.name, id.toText());
    }
    result.set(canister.name, id);
    // As dfx does, the CLI's own environment names every canister it knows.
    process.env[canisterEnvName('CANISTER_ID', canister.name)] = id.toText();
    process.env[canisterEnvName('CANISTER_CANDID_PATH', canister.name)] = canister.candid;
  }
  return result;
}

/** Creates one canister where its placement (the command's, else dfx.json's) says. */
async function createOne(
  canister: ProjectCanister,
  options: DeployOptions,
  ids: CanisterIds,
): Promise<Principal> {
  const placement = hasPlacement(options.placement) ? options.placement : canister.placement;
  let where: ResolvedPlacement | undefined;
  if (hasPlacement(placement)) {
    const [{ resolvePlacement }, { subnetRange }] = await Promise.all([
      import('./placement.js'),
      import('@tincan/replica'),
    ]);
    where = await resolvePlacement(
      options.agent,
      placement,
      (nameOrId) => canisterIdOf(nameOrId, ids.get(options.host, nameOrId)),
      (subnet) => Principal.fromUint8Array(subnetRange(subnet)[0]),
    );
  }
  const amount: [] | [bigint] = options.cycles === undefined ? [] : [options.cycles];
  const management = managementCanister(options.agent, where?.effectiveCanisterId);
  const created = await withRejects(`creating canister ${canister.name}`, () =>
    management.provisional_create_canister_with_cycles({
      amount,
      settings: [],
      specified_id: where?.specifiedId === undefined ? [] : [where.specifiedId],
      sender_canister_version: [],
    }),
  );
  const id = created.canister_id;
  options.log(
    `${canister.name}: created canister ${id.toText()}${where === undefined ? '' : ` on subnet ${where.subnetId.toText()}`}`,
  );
  return id;
}

/** A `--next-to` canister: a dfx.json name deployed on this network, or a principal. */
function canisterIdOf(nameOrId: string, recorded: string | undefined): Principal {
  if (recorded !== undefined) return Principal.fromText(recorded);
  try {
    return Principal.fromText(nameOrId);
  } catch {
    throw new CliError(
      'ERR_UNKNOWN_CANISTER',
      `--next-to ${nameOrId}: not a principal, and no canister '${nameOrId}' is deployed on this network`,
    );
  }
}

/** Deploys the project's canisters (or the one named, after its dependencies). */
export async function deployProject(options: DeployOptions): Promise<DeployedCanister[]> {
  const selected = selectCanisters(options.projectDir, options.name, options.argument);
  const ids = await createCanisters(selected, options);
  const { Replica } = await import('@tincan/replica');
  // An in-memory replica reads each bundle's Candid interface (its decorators) without
  // installing it; the init arguments are encoded with it before install_code.
  const inspector = await Replica.create();
  try {
    const deployed: DeployedCanister[] = [];
    for (const canister of selected) {
      const id = ids.get(canister.name) as Principal;
      const argument = canister.name === options.name ? options.argument : undefined;
      deployed.push(await installCanister(canister, id, { ...options, argument }, inspector));
    }
    return deployed;
  } finally {
    await inspector.close();
  }
}

/** The environment a canister is bundled with: its `custom.env` values and its dependencies' ids. */
export function canisterEnv(
  canister: ProjectCanister,
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  const names = [
    ...canister.env,
    ...canister.dependencies.flatMap((d) => [
      canisterEnvName('CANISTER_ID', d),
      canisterEnvName('CANISTER_CANDID_PATH', d),
    ]),
  ];
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** {@link installCanister} with an in-memory replica of its own to read the bundle's Candid. */
export async function installOneCanister(
  canister: ProjectCanister,
  id: Principal,
  options: DeployOptions,
): Promise<DeployedCanister> {
  const { Replica } = await import('@tincan/replica');
  const inspector = await Replica.create();
  try {
    return await installCanister(canister, id, options, inspector);
  } finally {
    await inspector.close();
  }
}

/** Bundles one canister, writes its `.did`, and installs its code into `id`. */
export async function installCanister(
  canister: ProjectCanister,
  id: Principal,
  options: DeployOptions,
  inspector: Replica,
): Promise<DeployedCanister> {
  const { name } = canister;
  const started = performance.now();
  options.log(`${name}: bundling ${shortPath(options.projectDir, canister.main)}`);
  const { buildCanisterModule } = await import('@tincan/replica');
  const env = canisterEnv(canister);
  const module = await buildCanisterModule(canister.main, { env });
  const candid = await inspector.candidOf(canister.main, { env });
  mkdirSync(path.dirname(canister.candid), { recursive: true });
  writeFileSync(canister.candid, candid);
  options.log(`${name}: wrote ${shortPath(options.projectDir, canister.candid)}`);
  const arg = encodeInitArg(name, candid, options.argument ?? canister.initArg);
  const management = managementCanister(options.agent);
  const status = await withRejects(`reading the status of ${name} (${id.toText()})`, () =>
    management.canister_status({ canister_id: id }),
  );
  const installed = status.module_hash[0];
  const hasCode = installed !== undefined;
  if (
    (options.mode ?? 'auto') === 'auto' &&
    installed !== undefined &&
    toHex(installed) === toHex(module.moduleHash) &&
    options.argument === undefined
  ) {
    // As dfx: the same module is not reinstalled (an upgrade would reset heap fields for nothing).
    new DeployedInterfaces(options.projectDir).record(
      options.host,
      name,
      toHex(module.moduleHash),
      canister.candid,
      candid,
    );
    options.log(`${name}: module unchanged, not reinstalled (${id.toText()})`);
    return { name, id, mode: 'unchanged' };
  }
  const mode = resolveMode(options.mode ?? 'auto', hasCode, name);
  options.log(
    `${name}: ${mode === 'upgrade' ? 'upgrading' : mode === 'reinstall' ? 'reinstalling' : 'installing'} ${id.toText()}`,
  );
  const installMode: InstallMode =
    mode === 'upgrade'
      ? { upgrade: [] }
      : mode === 'reinstall'
        ? { reinstall: null }
        : { install: null };
  await withRejects(`installing code in ${name} (${id.toText()})`, () =>
    management.install_code({
      mode: installMode,
      canister_id: id,
      wasm_module: module.wasmModule,
      arg,
      sender_canister_version: [],
    }),
  );
  new DeployedInterfaces(options.projectDir).record(
    options.host,
    name,
    toHex(module.moduleHash),
    canister.candid,
    candid,
  );
  const verb = mode === 'upgrade' ? 'upgraded' : mode === 'reinstall' ? 'reinstalled' : 'installed';
  options.log(`${name}: ${verb} ${id.toText()} (${(performance.now() - started).toFixed(0)} ms)`);
  return { name, id, mode };
}

function resolveMode(
  mode: DeployMode,
  hasCode: boolean,
  name: string,
): 'install' | 'reinstall' | 'upgrade' {
  if (mode === 'auto') return hasCode ? 'upgrade' : 'install';
  if (mode === 'install' && hasCode)
    throw new CliError(
      'ERR_USAGE',
      `canister ${name} already has code; use --mode upgrade (keeps stable state) or --mode reinstall (wipes it)`,
    );
  if (mode === 'upgrade' && !hasCode)
    throw new CliError('ERR_USAGE', `canister ${name} has no code to upgrade; use --mode install`);
  return mode;
}

/** The recorded canister, if the replica still has it (a `--clean` start forgets canisters). */
async function existingCanister(
  management: ManagementCanister,
  recorded: string | undefined,
): Promise<{ id: Principal } | undefined> {
  if (recorded === undefined) return undefined;
  const id = Principal.fromText(recorded);
  try {
    await management.canister_status({ canister_id: id });
    return { id };
  } catch (err) {
    // DESTINATION_INVALID: the replica does not know the canister; create a new one.
    if (rejectOf(err)?.rejectCode === 3) return undefined;
    return withRejects(`reading the status of canister ${recorded}`, async () => {
      throw err;
    });
  }
}

/** Encodes the init arguments, read against the canister's `service : (…) ->` types. */
export function encodeInitArg(name: string, candid: string, text: string | undefined): Uint8Array {
  const types = parseDid(candid).initArgs ?? [];
  try {
    return new Uint8Array(IDL.encode(types, parseCandidArgs(text ?? '', types)));
  } catch (err) {
    if (!(err instanceof CandidError)) throw err;
    const signature = `(${types.map((t) => t.display()).join(', ')})`;
    throw new CliError(
      'ERR_USAGE',
      `init arguments of ${name}: ${err.message}. Its init takes ${signature}: pass --argument '${signature === '()' ? '()' : '(…)'}' or set "init_arg" in dfx.json`,
    );
  }
}

/** `file` relative to the project when inside it, else absolute. */
function shortPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') ? file : relative;
}
