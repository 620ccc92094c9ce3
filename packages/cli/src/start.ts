/**
 * `tincan start`: a replica on the wall clock with its state in `<state-dir>/replica`, served
 * over the IC's HTTP interface. The BLS root key is kept beside the state, so a restart
 * on the same state directory serves the same root key, canisters and state.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { derEncodeBlsPublicKey, generateRootKey, type RootKey } from '@tincan/certification';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { Replica } from '@tincan/replica';
import { CliError } from './cli-error.js';

/** Options of {@link startReplica}. */
export interface StartOptions {
  readonly port: number;
  readonly host: string;
  /** The state directory; the replica's files go in its `replica/` folder. */
  readonly stateDir: string;
  /** Start from empty state (and a new root key). */
  readonly clean: boolean;
  /** Receives each canister log line. */
  readonly onLog?: (line: string) => void;
}

/** A running replica with its HTTP interface. */
export interface RunningReplica {
  readonly url: string;
  readonly replicaDir: string;
  readonly replica: Replica;
  readonly server: HttpServer;
  /** Closes the server, then the replica (committed state stays on disk). */
  close(): Promise<void>;
}

/** Starts a replica and its HTTP server. */
export async function startReplica(options: StartOptions): Promise<RunningReplica> {
  const replicaDir = path.resolve(options.stateDir, 'replica');
  if (options.clean) rmSync(replicaDir, { recursive: true, force: true });
  mkdirSync(replicaDir, { recursive: true });
  const rootKey = loadRootKey(replicaDir);
  const replica = await Replica.create({
    stateDir: replicaDir,
    ...(options.onLog !== undefined && { onLog: (id, line) => options.onLog?.(`[${id.toText()}] ${line.message}`) }),
  });
  let server: HttpServer;
  try {
    server = await startHttpServer({ replica, port: options.port, host: options.host, rootKey });
  } catch (err) {
    await replica.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new CliError('ERR_USAGE', `port ${options.port} on ${options.host} is in use (is another 'tincan start' running?); pass --port with a free port, or --port 0 for any`);
    throw err;
  }
  return {
    url: server.url,
    replicaDir,
    replica,
    server,
    close: async () => {
      await server.close();
      await replica.close();
    },
  };
}

/**
 * The replica's BLS root key, kept in `root-key.json` beside its state. The key pair is stored,
 * not just a seed: deriving the public key costs ~0.3 s of start-up.
 */
function loadRootKey(replicaDir: string): RootKey {
  const file = path.join(replicaDir, 'root-key.json');
  if (existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { secretKey: string; publicKey: string };
      const secretKey = new Uint8Array(Buffer.from(saved.secretKey, 'hex'));
      const publicKey = new Uint8Array(Buffer.from(saved.publicKey, 'hex'));
      if (secretKey.length === 32 && publicKey.length === 96) return { secretKey, publicKey, derPublicKey: derEncodeBlsPublicKey(publicKey) };
    } catch {
      // reported below
    }
    throw new CliError('ERR_STATE_DIR', `${file} is damaged; delete it (agents will fetch a new root key) or start with --clean`);
  }
  const key = generateRootKey(new Uint8Array(randomBytes(32)));
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  writeFileSync(file, `${JSON.stringify({ secretKey: hex(key.secretKey), publicKey: hex(key.publicKey) })}\n`, { mode: 0o600 });
  return key;
}
