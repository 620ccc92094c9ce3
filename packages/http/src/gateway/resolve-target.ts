/**
 * Which canister an HTTP request is for, the way dfx's and ICP's gateways tell: the first
 * label of `<canister-id>.localhost` (certified responses) or `<canister-id>.raw.localhost`
 * (responses passed on unverified), or `?canisterId=<id>` on any other host.
 */
import { Principal } from '@dfinity/principal';

/** The canister a request addresses, and whether its responses skip verification. */
export interface GatewayTarget {
  readonly canisterId: Principal;
  readonly raw: boolean;
}

const HOST = /^([a-z0-9-]+)(\.raw)?\.localhost$/i;
/** Paths of the IC's HTTPS interface (`/api/v2/status`, `/api/v3/canister/…/call`, …). */
const IC_API = /^\/api\/v\d+\//;

/**
 * The gateway target of a request, or undefined when it is not for the gateway (the IC's
 * `/api/…` endpoints on the replica's own host). Throws a `TypeError` for a malformed
 * canister id in a gateway host or `canisterId` parameter.
 */
export function resolveGatewayTarget(
  hostHeader: string | undefined,
  url: URL,
): GatewayTarget | undefined {
  const hostname = hostName(hostHeader ?? '');
  const match = HOST.exec(hostname);
  if (match !== null && match[1] !== undefined)
    return { canisterId: parseId(match[1]), raw: match[2] !== undefined };
  // The replica's own endpoints keep their paths; a canister may still serve other `/api/…` paths.
  if (IC_API.test(url.pathname)) return undefined;
  const param = url.searchParams.get('canisterId');
  return param === null ? undefined : { canisterId: parseId(param), raw: false };
}

/** The host name of a Host header, without port (and without the brackets of an IPv6 literal). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function parseId(text: string): Principal {
  try {
    return Principal.fromText(text.toLowerCase());
  } catch {
    throw new TypeError(`Invalid canister id: ${text}`);
  }
}
