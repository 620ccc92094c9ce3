/**
 * The project the CLI works on: the directory with `dfx.json` (the current one) and its
 * canisters.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readProjectConfig, type ProjectCanister } from '@tincan/replica';
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
