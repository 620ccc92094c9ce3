/**
 * The subnets' BLS keys: subnet 0's is the root key (what `/api/v2/status` serves), every
 * other subnet signs with its own key, which the root key vouches for in a delegation. Kept
 * in `subnet-keys.json` in the state directory, so a restart keeps every subnet's key and
 * agents that fetched the root key keep verifying.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromHex, toHex } from '@tincan/bytes';
import { derEncodeBlsPublicKey, generateRootKey, type RootKey } from '@tincan/certification';
import { ReplicaError } from '../replica-error.js';

/** Name of the key file in a multi-subnet replica's state directory. */
export const SUBNET_KEY_FILE = 'subnet-keys.json';

/** Whether the file's `keys` is a list (`Array.isArray` alone would widen it to `any[]`). */
function isKeyList(keys: KeyFile['keys'] | undefined): keys is KeyFile['keys'] {
  return Array.isArray(keys);
}

interface KeyFile {
  readonly version: 1;
  /** Per subnet: the BLS secret key and public key (compressed G2), hex. */
  readonly keys: ReadonlyArray<{ readonly secretKey: string; readonly publicKey: string }>;
}

/**
 * The keys of `count` subnets: read from `stateDir`, completed with fresh ones for subnets
 * added since, and written back. `rootKey`, when given, is subnet 0's key (the HTTP layer's
 * root key). Without a state directory every key is fresh.
 */
export function loadOrCreateSubnetKeys(
  stateDir: string | undefined,
  count: number,
  rootKey?: RootKey,
): RootKey[] {
  const file = stateDir === undefined ? undefined : path.join(stateDir, SUBNET_KEY_FILE);
  const stored = file !== undefined && existsSync(file) ? readKeys(file) : [];
  const keys: RootKey[] = [];
  for (let i = 0; i < count; i++)
    keys.push(
      (i === 0 ? rootKey : undefined) ??
        stored[i] ??
        generateRootKey(new Uint8Array(randomBytes(32))),
    );
  if (
    file !== undefined &&
    (stored.length < count ||
      (rootKey !== undefined &&
        stored[0]?.publicKey.every((b, i) => b === rootKey.publicKey[i]) !== true))
  ) {
    const all = [...keys, ...stored.slice(count)];
    const content: KeyFile = {
      version: 1,
      keys: all.map((k) => ({ secretKey: toHex(k.secretKey), publicKey: toHex(k.publicKey) })),
    };
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }
  return keys;
}

function readKeys(file: string): RootKey[] {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
    if (content.version !== 1 || !isKeyList(content.keys))
      throw new Error('expected { version: 1, keys: [...] }');
    return content.keys.map((k) => {
      const publicKey = fromHex(k.publicKey);
      return {
        secretKey: fromHex(k.secretKey),
        publicKey,
        derPublicKey: derEncodeBlsPublicKey(publicKey),
      };
    });
  } catch (err) {
    throw new ReplicaError(
      'ERR_INVALID_ARGUMENT',
      `Cannot read the subnets' keys from ${file}: ${(err as Error).message}. Move the file away to start with new keys.`,
    );
  }
}
