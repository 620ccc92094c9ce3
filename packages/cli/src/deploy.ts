/**
 * `tincan deploy`: for each canister of the project's dfx.json, bundle its TypeScript, write
 * its `.did`, then create it on the replica (first deploy) and install or upgrade its code
 * through the management canister over HTTP. Ids are recorded per replica URL in
 * `.tincan/canister_ids.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CandidError, parseCandidArgs, parseDid } from '@tincan/candid';
import { buildCanisterModule, envFor, Replica, type ProjectCanister } from '@tincan/replica';
import { rejectOf, withRejects } from './agent-errors.js';
import { CanisterIds } from './canister-ids.js';
import { CliError } from './cli-error.js';
import { managementCanister, type InstallMode, type ManagementCanister } from './management.js';
import { projectCanisters } from './project.js';

/** Options of {@link deployProject}. */
export interface DeployOptions {
  readonly projectDir: string;
  readonly host: string;
  readonly agent: HttpAgent;
  /** Deploy only this canister; all of them by default. */
  readonly name?: string | undefined;
  /** Textual Candid init (or post-upgrade) arguments; overrides dfx.json's `init_arg`. */
  readonly argument?: string | undefined;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** What one canister's deploy did. */
export interface DeployedCanister {
  readonly name: string;
  readonly id: Principal;
  readonly mode: 'install' | 'upgrade';
}

/** Deploys the project's canisters (or the one named) to the replica at `host`. */
export async function deployProject(options: DeployOptions): Promise<DeployedCanister[]> {
  const all = projectCanisters(options.projectDir);
  const selected = options.name === undefined ? all : all.filter((c) => c.name === options.name);
  if (selected.length === 0) {
    const names = all.map((c) => c.name).join(', ') || 'none';
    throw new CliError('ERR_UNKNOWN_CANISTER', options.name === undefined ? `dfx.json in ${options.projectDir} lists no canisters` : `dfx.json has no canister '${options.name}' (it has: ${names})`);
  }
  if (options.argument !== undefined && selected.length > 1) {
    throw new CliError('ERR_USAGE', '--argument applies to one canister; name it: tincan deploy <name> --argument ...');
  }
  const management = managementCanister(options.agent);
  // An in-memory replica reads each bundle's Candid interface (its decorators) without
  // installing it; the init arguments are encoded with it before install_code.
  const inspector = await Replica.create();
  try {
    const deployed: DeployedCanister[] = [];
    for (const canister of selected) deployed.push(await deployOne(canister, { ...options, management, inspector }));
    return deployed;
  } finally {
    await inspector.close();
  }
}

interface DeployContext extends DeployOptions {
  readonly management: ManagementCanister;
  readonly inspector: Replica;
}

async function deployOne(canister: ProjectCanister, ctx: DeployContext): Promise<DeployedCanister> {
  const { name } = canister;
  const started = performance.now();
  ctx.log(`${name}: bundling ${shortPath(ctx.projectDir, canister.main)}`);
  const env = envFor(canister);
  const module = await buildCanisterModule(canister.main, { env });
  const candid = await ctx.inspector.candidOf(canister.main, { env });
  if (canister.candid !== undefined) {
    mkdirSync(path.dirname(canister.candid), { recursive: true });
    writeFileSync(canister.candid, candid);
    ctx.log(`${name}: wrote ${shortPath(ctx.projectDir, canister.candid)}`);
  }
  const arg = encodeInitArg(name, candid, ctx.argument ?? canister.initArg);

  const ids = new CanisterIds(ctx.projectDir);
  const existing = await existingCanister(ctx.management, ids.get(ctx.host, name));
  let canisterId: Principal;
  if (existing === undefined) {
    const created = await withRejects(`creating canister ${name}`, () =>
      ctx.management.provisional_create_canister_with_cycles({ amount: [], settings: [], specified_id: [], sender_canister_version: [] }));
    canisterId = created.canister_id;
    ids.set(ctx.host, name, canisterId.toText());
    ctx.log(`${name}: created canister ${canisterId.toText()}`);
  } else {
    canisterId = existing.id;
  }
  const hasCode = existing?.hasCode === true;
  const mode: InstallMode = hasCode ? { upgrade: [] } : { install: null };
  await withRejects(`installing code in ${name} (${canisterId.toText()})`, () =>
    ctx.management.install_code({ mode, canister_id: canisterId, wasm_module: module.wasmModule, arg, sender_canister_version: [] }));
  const verb = hasCode ? 'upgraded' : 'installed';
  ctx.log(`${name}: ${verb} ${canisterId.toText()} (${(performance.now() - started).toFixed(0)} ms)`);
  return { name, id: canisterId, mode: hasCode ? 'upgrade' : 'install' };
}

/** The recorded canister, if the replica still has it (a `--clean` start forgets canisters). */
async function existingCanister(management: ManagementCanister, recorded: string | undefined): Promise<{ id: Principal; hasCode: boolean } | undefined> {
  if (recorded === undefined) return undefined;
  const id = Principal.fromText(recorded);
  try {
    const status = await management.canister_status({ canister_id: id });
    return { id, hasCode: status.module_hash.length > 0 };
  } catch (err) {
    // DESTINATION_INVALID: the replica does not know the canister; create a new one.
    if (rejectOf(err)?.rejectCode === 3) return undefined;
    return withRejects(`reading the status of canister ${recorded}`, () => Promise.reject(err));
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
    throw new CliError('ERR_USAGE', `init arguments of ${name}: ${err.message}. Its init takes ${signature}: pass --argument '${signature === '()' ? '()' : '(…)'}' or set "init_arg" in dfx.json`);
  }
}

/** `file` relative to the project when inside it, else absolute. */
function shortPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') ? file : relative;
}
