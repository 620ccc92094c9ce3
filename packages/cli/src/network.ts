/**
 * Which replica a command talks to, as dfx chooses it: `--host <url>` if given, else the
 * network named by `--network` (or `$DFX_NETWORK`, default `local`) in dfx.json's `networks`.
 * `local` is `http://127.0.0.1:4943` unless dfx.json binds it elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';
import type { CommandInput } from './command-line.js';

/** The replica of a command. */
export interface Network {
  /** The network's name (`local`, a dfx.json network, or the URL given with `--host`). */
  readonly name: string;
  readonly url: string;
}

/** The replica `tincan start` serves by default. */
export const DEFAULT_HOST = 'http://127.0.0.1:4943';

interface RawNetwork {
  bind?: unknown;
  providers?: unknown;
}

/** Resolves the network of a command run in `projectDir`. */
export function resolveNetwork(
  projectDir: string,
  flags: { network?: string | undefined; host?: string | undefined },
  env: Record<string, string | undefined> = process.env,
): Network {
  if (flags.host !== undefined) return { name: flags.host, url: checkUrl(flags.host, '--host') };
  const name = flags.network ?? env['DFX_NETWORK'] ?? 'local';
  const networks = readNetworks(projectDir);
  const entry = networks[name];
  if (entry === undefined) {
    if (name === 'local') return { name, url: DEFAULT_HOST };
    const known = ['local', ...Object.keys(networks).filter((n) => n !== 'local')].join(', ');
    throw new CliError(
      'ERR_USAGE',
      `no network '${name}' in dfx.json (known: ${known}); add it under "networks" or pass --host <url>`,
    );
  }
  if (typeof entry.bind === 'string')
    return { name, url: checkUrl(`http://${entry.bind}`, `networks.${name}.bind`) };
  const provider: unknown = Array.isArray(entry.providers) ? entry.providers[0] : undefined;
  if (typeof provider === 'string')
    return { name, url: checkUrl(provider, `networks.${name}.providers[0]`) };
  if (name === 'local') return { name, url: DEFAULT_HOST };
  throw new CliError(
    'ERR_PROJECT',
    `dfx.json network '${name}' has neither "bind" nor "providers"; give it e.g. "bind": "127.0.0.1:4943"`,
  );
}

/** The network a command's `--network` and `--host` flags name, for a command run in the current directory. */
export function networkOf(input: CommandInput): Network {
  return resolveNetwork(process.cwd(), {
    network: input.given('network') ? input.string('network') : undefined,
    host: input.string('host'),
  });
}

/** dfx.json's `networks`, read without full validation (commands that only call stay fast). */
function readNetworks(projectDir: string): Record<string, RawNetwork> {
  const file = path.join(projectDir, 'dfx.json');
  if (!existsSync(file)) return {};
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { networks?: unknown };
    return typeof raw.networks === 'object' && raw.networks !== null
      ? (raw.networks as Record<string, RawNetwork>)
      : {};
  } catch (err) {
    throw new CliError('ERR_PROJECT', `${file} is not valid JSON (${(err as Error).message})`);
  }
}

function checkUrl(text: string, source: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new CliError(
      'ERR_USAGE',
      `${source} '${text}' is not an http(s) URL; use e.g. ${DEFAULT_HOST}`,
    );
  }
  return text;
}
