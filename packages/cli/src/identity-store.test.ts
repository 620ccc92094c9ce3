import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityStore, identityFromPem, tincanHome } from './identity-store.js';

let home: string | undefined;
afterEach(() => home !== undefined && rmSync(home, { recursive: true, force: true }));
const store = (): IdentityStore =>
  new IdentityStore((home = mkdtempSync(path.join(os.tmpdir(), 'tincan-home-'))));

describe('IdentityStore', () => {
  it('creates default on first use and keeps each identity stable across loads', async () => {
    const s = store();
    expect(s.current()).toBe('default');
    expect(s.list()).toEqual(['default']);
    const a = (await s.load()).getPrincipal().toText();
    expect((await new IdentityStore(s.home).load('default')).getPrincipal().toText()).toBe(a);
    expect(statSync(path.join(s.home, 'identity/default/identity.pem')).mode & 0o777).toBe(0o600);
  });

  it('new + use switch the signing identity; names are checked', async () => {
    const s = store();
    s.create('alice');
    expect(s.current()).toBe('default');
    s.use('alice');
    expect(s.current()).toBe('alice');
    expect(s.list()).toEqual(['alice', 'default']);
    expect((await s.load()).getPrincipal().toText()).not.toBe(
      (await s.load('default')).getPrincipal().toText(),
    );
    expect(() => s.create('alice')).toThrow(/already exists/);
    expect(() => s.create('../evil')).toThrow(/not a valid identity name/);
    expect(() => s.use('bob')).toThrow(
      /no identity named 'bob'; create it with 'tincan identity new bob'/,
    );
  });

  it('imports Ed25519 and secp256k1 PEMs and refuses other keys', async () => {
    const s = store();
    const secp = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
      .privateKey.export({ format: 'pem', type: 'sec1' })
      .toString();
    await s.import('k1', secp);
    expect((await s.load('k1')).getPublicKey().toDer()).toBeInstanceOf(Uint8Array);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(s.import('p', p256)).rejects.toThrow(
      /P-256 key; tincan identities are Ed25519 or secp256k1/,
    );
    await expect(identityFromPem('not a pem', 'x.pem')).rejects.toThrow(
      /x\.pem is not a PEM private key/,
    );
  });
});

describe('IdentityStore export, rename, remove', () => {
  it('exports the PEM, renames with the selection following, and removes all but default and the one in use', async () => {
    const s = store();
    s.create('bob');
    const principal = (await s.load('bob')).getPrincipal().toText();
    expect(s.exportPem('bob')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    s.use('bob');
    s.rename('bob', 'robert');
    expect(s.current()).toBe('robert');
    expect((await s.load('robert')).getPrincipal().toText()).toBe(principal);
    expect(() => s.load('bob')).toThrow(/no identity named 'bob'/);
    expect(() => s.remove('robert')).toThrow(/is in use/);
    expect(() => s.remove('default')).toThrow(/cannot be removed/);
    expect(() => s.rename('default', 'x')).toThrow(/cannot be renamed/);
    s.use('default');
    s.remove('robert');
    expect(s.list()).toEqual(['default']);
  });
});

describe('tincanHome', () => {
  it('is $TINCAN_HOME, else ~/.config/tincan', () => {
    expect(tincanHome({ TINCAN_HOME: '/tmp/h' })).toBe('/tmp/h');
    expect(tincanHome({})).toBe(path.join(os.homedir(), '.config', 'tincan'));
  });
});
