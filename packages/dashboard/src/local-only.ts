/**
 * Who may use the dashboard's controls and read identities: the local page only.
 *
 * The replica listens on loopback by default, but a browser on the same machine also runs
 * other sites' scripts, and canisters' own web pages (served by the HTTP gateway, some on this
 * very origin through `?canisterId=`). So, besides a loopback peer:
 * - the Host must be a loopback name (a DNS-rebinding site reaches 127.0.0.1 under its own name);
 * - a cross-site request is refused by its `Origin` and `Sec-Fetch-Site` headers, and a POST must
 *   be `application/json`, which a cross-origin page cannot send without a CORS preflight that
 *   the dashboard never grants;
 * - reading an identity's key also needs the page token (see `PageToken`), which only a
 *   top-level navigation to the dashboard receives: a script on this origin that fetches the
 *   page gets no token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Why `req` is not from the local dashboard page, or undefined when it is. */
export function refuseNonLocal(req: IncomingMessage): string | undefined {
  if (!isLoopbackAddress(req.socket.remoteAddress))
    return 'the dashboard controls answer only requests from this machine (a loopback address)';
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (!LOOPBACK_HOSTS.has(hostname))
    return `the dashboard controls answer only on 127.0.0.1, localhost or [::1], not on ${JSON.stringify(host)}`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return `cross-origin requests to the dashboard controls are refused (Origin ${origin})`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `cross-site requests to the dashboard controls are refused (Sec-Fetch-Site: ${String(site)})`;
  return undefined;
}

/**
 * A per-process secret handed only to top-level navigations to the dashboard page: browsers
 * mark those `Sec-Fetch-Dest: document` and `Sec-Fetch-Mode: navigate`, which scripts cannot
 * forge, and the page is served so it cannot be framed (`frame-ancestors 'none'`) or reached
 * from a window it did not open (`Cross-Origin-Opener-Policy: same-origin`).
 */
export class PageToken {
  readonly #token = randomBytes(32).toString('hex');

  /** The token for a request that navigates to the page, else undefined. */
  forNavigation(req: IncomingMessage): string | undefined {
    return req.headers['sec-fetch-dest'] === 'document' &&
      req.headers['sec-fetch-mode'] === 'navigate'
      ? this.#token
      : undefined;
  }

  /** Whether `req` carries the token in `x-tincan-token`. */
  carriedBy(req: IncomingMessage): boolean {
    const given = req.headers['x-tincan-token'];
    if (typeof given !== 'string' || given.length !== this.#token.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(this.#token));
  }
}
