/**
 * What `tincan deploy` installed, per network and canister, in `<project>/.tincan/interfaces.json`:
 * the module hash and the `.did` file written for it with that file's SHA-256. `canister call`
 * reads the interface from that file while it is unchanged, instead of fetching (and verifying)
 * the canister's `candid:service` metadata on every call.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { networkKey } from './canister-ids.js';

interface Entry {
  readonly module_hash: string;
  readonly candid_path: string;
  readonly candid_sha256: string;
}

type InterfacesFile = Record<string, Record<string, Entry>>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The deployed interfaces of the project at `projectDir`. */
export class DeployedInterfaces {
  readonly file: string;

  constructor(projectDir: string) {
    this.file = path.join(projectDir, '.tincan', 'interfaces.json');
  }

  /** Records that `name` on `network` runs `moduleHash` with the interface in `candidPath` (holding `candid`). */
  record(
    network: string,
    name: string,
    moduleHash: string,
    candidPath: string,
    candid: string,
  ): void {
    const all = this.#read();
    const key = networkKey(network);
    all[key] = {
      ...all[key],
      [name]: {
        module_hash: moduleHash,
        candid_path: path.resolve(candidPath),
        candid_sha256: sha256(candid),
      },
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  /** The `.did` text deployed for `name` on `network`, if its file is unchanged since. */
  candidOf(network: string, name: string): string | undefined {
    const entry = this.#read()[networkKey(network)]?.[name];
    if (entry === undefined || !existsSync(entry.candid_path)) return undefined;
    const candid = readFileSync(entry.candid_path, 'utf8');
    return sha256(candid) === entry.candid_sha256 ? candid : undefined;
  }

  /** Forgets `name` on `network`. */
  forget(network: string, name: string): void {
    const all = this.#read();
    const entries = all[networkKey(network)];
    if (entries?.[name] === undefined) return;
    delete entries[name];
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  #read(): InterfacesFile {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as InterfacesFile;
    } catch {
      return {}; // a cache: a broken file only costs a metadata read
    }
  }
}
