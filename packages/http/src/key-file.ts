/**
 * The replica's HTTP keys on disk: the BLS root key (certificates) and the Ed25519 node key
 * (query signatures). A replica restarted on the same state directory keeps both, so agents
 * that fetched the root key once keep verifying. The file is JSON with hex fields, written
 * owner-only and atomically (temporary file, then rename).
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  blsPublicKey,
  derEncodeBlsPublicKey,
  generateRootKey,
  type RootKey,
} from '@tincan/certification';
import { generateNodeKey, nodeKeyFrom, type NodeKey } from './node-key.js';
import { HttpProblem } from './problem.js';
import { toHex } from '@tincan/bytes';

/** Name of the key file inside a state directory. */
export const KEY_FILE_NAME = 'http-keys.json';

/** The keys the HTTP interface signs with. */
export interface ServerKeys {
  readonly rootKey: RootKey;
  readonly nodeKey: NodeKey;
}

interface KeyFileContent {
  readonly version: 1;
  /** BLS secret key, 32 bytes big-endian, hex. */
  readonly rootSecretKey: string;
  /** Ed25519 node private key, PKCS#8 DER, hex. */
  readonly nodePrivateKey: string;
  /**
   * BLS public key (compressed G2), hex. Kept although it follows from the secret key, because
   * deriving it costs about 0.3 s of every start.
   */
  readonly rootPublicKey?: string;
}

/**
 * Reads the keys from `file`, or creates fresh ones and writes them there.
 * @throws HttpProblem `ERR_INTERNAL` naming the file when it exists but cannot be read as keys.
 */
export function loadOrCreateKeys(file: string): ServerKeys {
  if (existsSync(file)) return readKeys(file);
  const keys = {
    rootKey: generateRootKey(new Uint8Array(randomBytes(32))),
    nodeKey: generateNodeKey(),
  };
  const content: KeyFileContent = {
    version: 1,
    rootSecretKey: toHex(keys.rootKey.secretKey),
    rootPublicKey: toHex(keys.rootKey.publicKey),
    nodePrivateKey: toHex(keys.nodeKey.privateKey.export({ type: 'pkcs8', format: 'der' })),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return keys;
}

function readKeys(file: string): ServerKeys {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFileContent>;
    if (
      content.version !== 1 ||
      typeof content.rootSecretKey !== 'string' ||
      typeof content.nodePrivateKey !== 'string'
    ) {
      throw new Error('expected { version: 1, rootSecretKey, nodePrivateKey }');
    }
    const secretKey = new Uint8Array(Buffer.from(content.rootSecretKey, 'hex'));
    const stored =
      typeof content.rootPublicKey === 'string'
        ? new Uint8Array(Buffer.from(content.rootPublicKey, 'hex'))
        : undefined;
    const publicKey = stored?.length === 96 ? stored : blsPublicKey(secretKey);
    const rootKey: RootKey = {
      secretKey,
      publicKey,
      derPublicKey: derEncodeBlsPublicKey(publicKey),
    };
    const nodeKey = nodeKeyFrom(
      createPrivateKey({
        key: Buffer.from(content.nodePrivateKey, 'hex'),
        format: 'der',
        type: 'pkcs8',
      }),
    );
    return { rootKey, nodeKey };
  } catch (err) {
    throw new HttpProblem(
      500,
      `Cannot read the replica's keys from ${file}: ${(err as Error).message}. Move the file away to start with new keys (agents must then fetch the new root key).`,
    );
  }
}
