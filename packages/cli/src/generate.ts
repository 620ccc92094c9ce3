/**
 * `tincan generate`: JS/TS bindings for the project's canisters with `@icp-sdk/bindgen`, from
 * the `.did` files dfx.json names (`tincan deploy` writes them), into `<out-dir>/<name>/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@icp-sdk/bindgen/core';
import { CliError } from './cli-error.js';
import { projectCanisters } from './project.js';

/** Generates bindings; returns the directories written. */
export async function generateBindings(projectDir: string, outDir: string, name: string | undefined): Promise<string[]> {
  const canisters = projectCanisters(projectDir).filter((c) => name === undefined || c.name === name);
  if (canisters.length === 0) throw new CliError('ERR_UNKNOWN_CANISTER', `dfx.json has no canister '${name ?? ''}'`);
  const written: string[] = [];
  for (const canister of canisters) {
    if (canister.candid === undefined) {
      if (name !== undefined) throw new CliError('ERR_PROJECT', `canister '${canister.name}' has no "candid" path in dfx.json; add one and run 'tincan deploy ${canister.name}' to write it`);
      continue;
    }
    if (!existsSync(canister.candid)) {
      throw new CliError('ERR_PROJECT', `${path.relative(projectDir, canister.candid)} does not exist yet; run 'tincan deploy ${canister.name}' first, which writes it`);
    }
    const dir = path.resolve(projectDir, outDir, canister.name);
    await generate({ didFile: canister.candid, outDir: dir, output: { force: true, declarations: { typescript: true } } });
    written.push(dir);
  }
  return written;
}
