/**
 * Canister ids of a project, per network, in `<project>/.tincan/canister_ids.json`:
 * `{ "<network>": { "<canister name>": "<principal>" } }`. The network is the replica's URL, so
 * the same project can deploy to several replicas, as dfx's `.dfx/<network>/canister_ids.json`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';

type IdsFile = Record<string, Record<string, string>>;

/** The canister ids file of the project at `projectDir`. */
export class CanisterIds {
  readonly file: string;

  constructor(projectDir: string) {
    this.file = path.join(projectDir, '.tincan', 'canister_ids.json');
  }

  /** The id recorded for `name` on `network`, if any. */
  get(network: string, name: string): string | undefined {
    return this.#read()[networkKey(network)]?.[name];
  }

  /** Records `name` → `id` on `network`. */
  set(network: string, name: string, id: string): void {
    const all = this.#read();
    const key = networkKey(network);
    all[key] = { ...all[key], [name]: id };
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  /** Forgets `name` on `network` (after `canister delete`). */
  delete(network: string, name: string): void {
    const all = this.#read();
    const entries = all[networkKey(network)];
    if (entries?.[name] === undefined) return;
    delete entries[name];
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  /** The name recorded for `id` on `network`, if any. */
  nameOf(network: string, id: string): string | undefined {
    return Object.entries(this.#read()[networkKey(network)] ?? {}).find(([, v]) => v === id)?.[0];
  }

  #read(): IdsFile {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as IdsFile;
    } catch (err) {
      throw new CliError(
        'ERR_PROJECT',
        `${this.file} is not valid JSON (${(err as Error).message}); fix or delete it`,
      );
    }
  }
}

/** `http://localhost:4943/` and `http://127.0.0.1:4943` are one network. */
export function networkKey(host: string): string {
  const url = new URL(host);
  const hostname = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  return `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ''}`;
}
