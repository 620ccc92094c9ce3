/**
 * Identities as PEM files, laid out like dfx's: `<home>/identity/<name>/identity.pem`, with the
 * selected name in `<home>/identity.json`. `<home>` is `$TINCAN_HOME`, else
 * `~/.config/tincan`. The `default` identity (Ed25519) is created on first use.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignIdentity } from '@dfinity/agent';
import { CliError } from './cli-error.js';
import { NodeEd25519Identity } from './node-ed25519-identity.js';

const DEFAULT = 'default';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The CLI's home directory: `$TINCAN_HOME` or `~/.config/tincan`. */
export function tincanHome(env: Record<string, string | undefined> = process.env): string {
  return env['TINCAN_HOME'] ?? path.join(os.homedir(), '.config', 'tincan');
}

/** The identities under one home directory. */
export class IdentityStore {
  readonly home: string;

  constructor(home: string = tincanHome()) {
    this.home = home;
  }

  /** Names of all identities, sorted; creates `default` when there is none. */
  list(): string[] {
    this.#ensureDefault();
    return readdirSync(this.#dir())
      .filter((name) => existsSync(this.#pem(name)))
      .sort();
  }

  /** The selected identity's name (`default` unless `use` chose another). */
  current(): string {
    this.#ensureDefault();
    const file = path.join(this.home, 'identity.json');
    if (!existsSync(file)) return DEFAULT;
    const selected = (JSON.parse(readFileSync(file, 'utf8')) as { default?: unknown }).default;
    return typeof selected === 'string' && existsSync(this.#pem(selected)) ? selected : DEFAULT;
  }

  /** Creates a new Ed25519 identity; refuses an existing name. */
  create(name: string): void {
    this.#checkNew(name);
    const { privateKey } = generateKeyPairSync('ed25519');
    this.#write(name, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }

  /** Imports a PEM file (Ed25519 PKCS#8, or secp256k1 as SEC1 or PKCS#8) under `name`. */
  async import(name: string, pem: string): Promise<void> {
    this.#checkNew(name);
    await identityFromPem(pem, `the PEM given for '${name}'`);
    this.#write(name, pem);
  }

  /** Selects the identity that signs from now on. */
  use(name: string): void {
    this.#require(name);
    writeFileSync(
      path.join(this.home, 'identity.json'),
      `${JSON.stringify({ default: name }, null, 2)}\n`,
    );
  }

  /** Loads an identity (the selected one by default) for signing. */
  load(name: string = this.current()): Promise<SignIdentity> {
    this.#require(name);
    return identityFromPem(readFileSync(this.#pem(name), 'utf8'), this.#pem(name));
  }

  /** The PEM text of an identity, for `identity export`. */
  exportPem(name: string): string {
    this.#require(name);
    return readFileSync(this.#pem(name), 'utf8');
  }

  /** Renames an identity; the selection follows it. */
  rename(from: string, to: string): void {
    this.#require(from);
    if (from === DEFAULT)
      throw new CliError(
        'ERR_IDENTITY',
        `the default identity cannot be renamed; create another with 'tincan identity new ${to}'`,
      );
    this.#checkNew(to);
    const selected = this.current() === from;
    renameSync(path.dirname(this.#pem(from)), path.dirname(this.#pem(to)));
    if (selected) this.use(to);
  }

  /** Deletes an identity: not `default`, and not the one in use. */
  remove(name: string): void {
    this.#require(name);
    if (name === DEFAULT)
      throw new CliError('ERR_IDENTITY', 'the default identity cannot be removed');
    if (this.current() === name)
      throw new CliError(
        'ERR_IDENTITY',
        `identity '${name}' is in use; select another first with 'tincan identity use default'`,
      );
    rmSync(path.dirname(this.#pem(name)), { recursive: true, force: true });
  }

  #ensureDefault(): void {
    if (existsSync(this.#pem(DEFAULT))) return;
    const { privateKey } = generateKeyPairSync('ed25519');
    this.#write(DEFAULT, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }

  #checkNew(name: string): void {
    if (!NAME.test(name))
      throw new CliError(
        'ERR_IDENTITY',
        `'${name}' is not a valid identity name: use letters, digits, '.', '_' and '-'`,
      );
    if (existsSync(this.#pem(name)))
      throw new CliError(
        'ERR_IDENTITY',
        `identity '${name}' already exists; pick another name or select it with 'tincan identity use ${name}'`,
      );
  }

  #require(name: string): void {
    if (name === DEFAULT) this.#ensureDefault();
    if (!NAME.test(name) || !existsSync(this.#pem(name))) {
      throw new CliError(
        'ERR_IDENTITY',
        `no identity named '${name}'; create it with 'tincan identity new ${name}' or see 'tincan identity list'`,
      );
    }
  }

  #write(name: string, pem: string): void {
    mkdirSync(path.dirname(this.#pem(name)), { recursive: true, mode: 0o700 });
    writeFileSync(this.#pem(name), pem, { mode: 0o600 });
  }

  #dir(): string {
    return path.join(this.home, 'identity');
  }

  #pem(name: string): string {
    return path.join(this.#dir(), name, 'identity.pem');
  }
}

/** Reads an Ed25519 or secp256k1 private key in PEM form as a signing identity. */
export async function identityFromPem(pem: string, source: string): Promise<SignIdentity> {
  let jwk: { crv?: string; d?: string };
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
    jwk = key.export({ format: 'jwk' });
  } catch (err) {
    throw new CliError(
      'ERR_IDENTITY',
      `${source} is not a PEM private key (${(err as Error).message})`,
    );
  }
  const secret = new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url'));
  if (jwk.crv === 'Ed25519') return new NodeEd25519Identity(key);
  // Loaded only when needed: it adds its own curve library to every command's start-up.
  if (jwk.crv === 'secp256k1')
    return (await import('@dfinity/identity-secp256k1')).Secp256k1KeyIdentity.fromSecretKey(secret);
  throw new CliError(
    'ERR_IDENTITY',
    `${source} holds a ${jwk.crv ?? 'non-EC'} key; tincan identities are Ed25519 or secp256k1`,
  );
}
