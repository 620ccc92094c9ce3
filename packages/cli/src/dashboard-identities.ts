/**
 * The CLI's identities as the dashboard's `IdentitySource`: `tincan start` hands this to the
 * dashboard so its Candid UI can call as any identity `tincan identity` manages. Principals are
 * computed once per PEM file content; keys are read from the PEM when the page asks for one.
 */
import { createPrivateKey } from 'node:crypto';
import type { IdentityInfo, IdentityKey, IdentitySource } from '@tincan/dashboard';
import { CliError } from './cli-error.js';
import { IdentityStore } from './identity-store.js';

/** The identities of `store` (by default the one under `$TINCAN_HOME`). */
export function cliIdentitySource(store: IdentityStore = new IdentityStore()): IdentitySource {
  const principals = new Map<string, string>();
  return {
    async list(): Promise<IdentityInfo[]> {
      const out: IdentityInfo[] = [];
      for (const name of store.list()) {
        const pem = store.exportPem(name);
        let principal = principals.get(pem);
        if (principal === undefined) {
          try {
            principal = (await store.load(name)).getPrincipal().toText();
          } catch {
            continue; // A file that is not a usable key is not offered.
          }
          principals.set(pem, principal);
        }
        out.push({ name, principal });
      }
      return out;
    },
    current: () => store.current(),
    key(name: string): Promise<IdentityKey> {
      const jwk = createPrivateKey(store.exportPem(name)).export({ format: 'jwk' }) as {
        crv?: string;
        d?: string;
      };
      const secretKey = new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url'));
      if (jwk.crv === 'Ed25519') return Promise.resolve({ curve: 'ed25519', secretKey });
      if (jwk.crv === 'secp256k1') return Promise.resolve({ curve: 'secp256k1', secretKey });
      return Promise.reject(
        new CliError(
          'ERR_IDENTITY',
          `identity '${name}' holds a ${jwk.crv ?? 'non-EC'} key; tincan identities are Ed25519 or secp256k1`,
        ),
      );
    },
  };
}
