/**
 * The identity the Candid UI calls as: anonymous, or one of the CLI's identities, listed by
 * `/_/api/identities` (names and principals). For a CLI identity the page fetches its secret
 * key (`/_/api/identities/<name>/key`, with the page token; the server explains in
 * identities.ts why the page signs) and signs with @dfinity/agent, so the call reaches the
 * replica through the IC HTTP interface as any agent's does. Keys stay in this page's memory.
 */
import { HttpAgent, type Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { api, el, pageToken } from './dom.js';

interface IdentityInfo {
  name: string;
  principal: string;
}

const ANONYMOUS = 'anonymous';
const agents = new Map<string, Promise<HttpAgent>>();
let chosen = ANONYMOUS;

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

async function identityFor(name: string): Promise<Identity | undefined> {
  if (name === ANONYMOUS) return undefined;
  const token = pageToken();
  if (token === undefined)
    throw new Error(
      'this page has no token for identity keys: open the dashboard in its own tab (not in a frame)',
    );
  const key = await api<{ curve: string; secretKey: string }>(
    `identities/${encodeURIComponent(name)}/key`,
    { 'x-tincan-token': token },
  );
  const secret = hexBytes(key.secretKey);
  return key.curve === 'secp256k1'
    ? Secp256k1KeyIdentity.fromSecretKey(secret)
    : Ed25519KeyIdentity.fromSecretKey(secret);
}

async function createAgent(name: string): Promise<HttpAgent> {
  const identity = await identityFor(name);
  return HttpAgent.create({
    host: location.origin,
    shouldFetchRootKey: true,
    ...(identity !== undefined && { identity }),
  });
}

/** The agent that signs as the chosen identity (one per identity, made on first use). */
export function chosenAgent(): Promise<HttpAgent> {
  const name = chosen;
  let agent = agents.get(name);
  if (agent === undefined) {
    agent = createAgent(name);
    agents.set(name, agent);
    agent.catch(() => agents.delete(name));
  }
  return agent;
}

/** Drops the agents (after a failed call): the next call starts with a fresh one. */
export function forgetAgents(): void {
  agents.clear();
}

/** A select of the identities to call as, with the chosen one's principal. */
export async function identityPicker(): Promise<HTMLElement> {
  const { identities, current } = await api<{ identities: IdentityInfo[]; current: string | null }>(
    'identities',
  ).catch(() => ({ identities: [] as IdentityInfo[], current: null }));
  const select = el(
    'select',
    { id: 'identity' },
    el('option', { value: ANONYMOUS }, 'anonymous'),
    ...identities.map((i) =>
      el('option', { value: i.name }, `${i.name}${i.name === current ? ' (CLI default)' : ''}`),
    ),
  );
  if (chosen !== ANONYMOUS && !identities.some((i) => i.name === chosen)) chosen = ANONYMOUS;
  select.value = chosen;
  const principal = el('span', { class: 'mono', id: 'caller-principal' });
  const show = (): void => {
    principal.textContent =
      chosen === ANONYMOUS
        ? '2vxsx-fae'
        : (identities.find((i) => i.name === chosen)?.principal ?? '');
  };
  select.addEventListener('change', () => {
    chosen = select.value;
    show();
  });
  show();
  const hint =
    identities.length === 0
      ? el('span', { class: 'note' }, ' (no CLI identities: tincan identity new <name>)')
      : '';
  return el(
    'div',
    { class: 'card', id: 'identity-picker' },
    el('label', {}, 'Call as ', select),
    ' principal ',
    principal,
    hint,
  );
}
