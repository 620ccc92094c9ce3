/**
 * Connecting to a running replica: an unmodified `HttpAgent` that fetches the replica's root
 * key and signs with the selected identity.
 */
import { HttpAgent, type SignIdentity } from '@dfinity/agent';
import { CliError } from './cli-error.js';


/** An agent for the replica at `host`; a clear error when nothing answers there. */
export async function connect(host: string, identity: SignIdentity): Promise<HttpAgent> {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new CliError('ERR_USAGE', `--host '${host}' is not a URL; use e.g. http://127.0.0.1:4943`);
  }
  // One plain request first: the agent retries a refused connection for seconds before failing.
  try {
    await fetch(new URL('/api/v2/status', url), { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new CliError('ERR_UNREACHABLE', `cannot reach a replica at ${host} (${rootMessage(err)}); start one with 'tincan start' or pass --host`);
  }
  try {
    return await HttpAgent.create({ host: url.toString(), identity, shouldFetchRootKey: true });
  } catch (err) {
    throw new CliError('ERR_UNREACHABLE', `cannot reach a replica at ${host} (${rootMessage(err)}); start one with 'tincan start' or pass --host`);
  }
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
