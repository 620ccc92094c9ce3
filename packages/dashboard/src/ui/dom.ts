/** DOM and JSON helpers shared by the dashboard's views. */

/** Creates an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** The page token the server put in the page (see local-only.ts on the server), if any. */
export function pageToken(): string | undefined {
  return document.querySelector('meta[name="tincan-token"]')?.getAttribute('content') ?? undefined;
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

/** GETs `/_/api/<path>` as JSON; throws the API's error message on a failure status. */
export async function api<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
  return answer<T>(await fetch(`/_/api/${path}`, { headers }));
}

/** POSTs a replica control to `/_/api/<path>` with a JSON body. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(`/_/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** A principal shortened for tables. */
export const short = (principal: string): string =>
  principal.length > 17 ? `${principal.slice(0, 11)}…${principal.slice(-5)}` : principal;

/** Replica time (ns since the epoch, as text) as a readable UTC time. */
export const time = (ns: string): string =>
  new Date(Number(BigInt(ns) / 1_000_000n)).toISOString().replace('T', ' ').replace('Z', '');

/** A byte count with a unit. */
export function bytes(n: string | number): string {
  const v = Number(n);
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${(v / 1024 / 1024).toFixed(1)} MiB`;
}

/** A table with a header row. */
export function table(head: string[], rows: HTMLTableRowElement[], id: string): HTMLTableElement {
  return el(
    'table',
    { id },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows),
  );
}
