/**
 * Connecting to a running replica: an unmodified `HttpAgent` that signs with the selected
 * identity. Off the IC mainnet the root key comes from the replica's own `/api/v2/status`
 * (read once, for the reachability check too).
 *
 * Certificate signatures: a root key fetched from the replica over the same connection vouches
 * for nothing an attacker on that connection could not forge, so checking each certificate's
 * BLS signature against it adds no protection, and in a fresh process it costs most of a
 * second of CPU. For such networks the CLI checks each certificate's tree, paths and time but
 * not its BLS signature, and does not verify query node signatures (which need the subnet's
 * keys through another BLS-signed certificate). Against the IC mainnet's pinned root key, or
 * with TINCAN_VERIFY_CERTIFICATES=1, everything is verified.
 */
import { Cbor, HttpAgent, type SignIdentity } from '@dfinity/agent';
import { CliError } from './cli-error.js';
import { nodeFetch } from './node-fetch.js';

// The agent's fetch: node:http for local replicas (the global fetch costs ~130 ms to load).
const agentFetch = nodeFetch as unknown as typeof fetch;

const MAINNET = /(^|\.)(icp0\.io|ic0\.app|icp-api\.io)$/;
const verifiedAgents = new WeakSet<HttpAgent>();

/** An agent for the replica at `host`; a clear error when nothing answers there. */
export async function connect(
  host: string,
  identity: SignIdentity,
  env: Record<string, string | undefined> = process.env,
): Promise<HttpAgent> {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new CliError(
      'ERR_USAGE',
      `--host '${host}' is not a URL; use e.g. http://127.0.0.1:4943`,
    );
  }
  const unreachable = (err: unknown): CliError =>
    new CliError(
      'ERR_UNREACHABLE',
      `cannot reach a replica at ${host} (${rootMessage(err)}); start one with 'tincan start' or pass --host`,
    );
  if (MAINNET.test(url.hostname)) {
    await loadEd25519();
    const agent = await HttpAgent.create({ host: url.toString(), identity, fetch: agentFetch });
    verifiedAgents.add(agent);
    return agent;
  }
  // One plain request first: the agent retries a refused connection for seconds before failing.
  let rootKey: Uint8Array;
  try {
    const response = await nodeFetch(new URL('/api/v2/status', url), {
      signal: AbortSignal.timeout(10_000),
    });
    const status = Cbor.decode<{ root_key?: unknown }>(
      new Uint8Array(await response.arrayBuffer()),
    );
    if (!(status.root_key instanceof Uint8Array))
      throw new Error(`/api/v2/status answered ${response.status} without a root key`);
    rootKey = status.root_key;
  } catch (err) {
    throw unreachable(err);
  }
  const verify = env['TINCAN_VERIFY_CERTIFICATES'] === '1';
  if (verify) await loadEd25519();
  const agent = await HttpAgent.create({
    host: url.toString(),
    identity,
    rootKey,
    verifyQuerySignatures: verify,
    fetch: agentFetch,
  });
  if (verify) verifiedAgents.add(agent);
  return agent;
}

/**
 * The bundled CLI loads the agent's Ed25519 (for query node signatures) only when an agent
 * verifies them (scripts/bundle.mjs); unbundled, the agent imported it already.
 */
async function loadEd25519(): Promise<void> {
  const load = (globalThis as Record<symbol, unknown>)[Symbol.for('tincan.loadEd25519')];
  if (typeof load === 'function') await (load as () => Promise<void>)();
}

/**
 * The BLS check for certificates from `agent`'s replica: the agent's own (undefined) when its
 * root key is pinned or verification is asked for, else one that accepts the signature.
 */
export function blsVerifyFor(
  agent: HttpAgent,
): ((pk: Uint8Array, sig: Uint8Array, msg: Uint8Array) => Promise<boolean>) | undefined {
  return verifiedAgents.has(agent) ? undefined : () => Promise.resolve(true);
}

function rootMessage(err: unknown): string {
  // fetch() failures hide the socket error (ECONNREFUSED, …) deep in a cause chain.
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift() as { code?: unknown; cause?: unknown; error?: unknown } | null;
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
    queue.push(e.cause, e.error, e.code);
  }
  return String((err as Error)?.message ?? err).split('\n')[0] ?? 'no answer';
}
