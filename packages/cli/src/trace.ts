/**
 * `tincan trace`: call trees of a running replica's execution traces, read from the JSON the
 * dashboard serves under `/_/api/` (so the command loads no replica code), printed as text in
 * time order or as JSON for tools.
 */
import type { DecodedExecution } from '@tincan/dashboard';
import { CliError } from './cli-error.js';
import { nodeFetch } from './node-fetch.js';

/** What `tincan trace` was given: one call tree (a request id, or `e<id>` of a root), or a canister. */
export type TraceTarget =
  | { readonly kind: 'tree'; readonly tree: string }
  | { readonly kind: 'canister'; readonly id: string; readonly label: string };

/** Filters of a canister's call trees. */
export interface TreeFilters {
  readonly method?: string | undefined;
  readonly outcome?: string | undefined;
  readonly limit: number;
}

/** One traced execution with its nesting in its tree (0: the root). */
export type TreeExecution = DecodedExecution & { readonly depth: number };

/** A call tree: its id and its executions in time (execution) order. */
export interface CallTree {
  readonly tree: string;
  readonly executions: readonly TreeExecution[];
}

const REQUEST_ID = /^(?:0x)?([0-9a-f]{64})$/i;
const ROOT_ID = /^e\d+$/;

/** The tree id in `text` (a 64-hex-digit request id, or `e<id>`), if it is one. */
export function treeIdOf(text: string): string | undefined {
  const request = REQUEST_ID.exec(text);
  if (request?.[1] !== undefined) return request[1].toLowerCase();
  return ROOT_ID.test(text) ? text : undefined;
}

/** GETs `/_/api/<path>` of the replica at `host` and parses its JSON; a 404's error comes back as `undefined`. */
async function getApi(
  host: string,
  path: string,
): Promise<
  | { readonly found: true; readonly body: unknown }
  | { readonly found: false; readonly error: string }
> {
  const url = new URL(`/_/api/${path}`, host);
  let status: number;
  let text: string;
  try {
    const response = await nodeFetch(url, { signal: AbortSignal.timeout(30_000) });
    status = response.status;
    text = await response.text();
  } catch (err) {
    throw new CliError(
      'ERR_UNREACHABLE',
      `cannot reach a replica at ${host} (${(err as Error).message}); start one with 'tincan start' or pass --host`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(
      'ERR_BAD_REPLY',
      `${host} answered ${url.pathname} with ${status} and no JSON: it serves no tincan dashboard (traces come from a replica run by 'tincan start')`,
    );
  }
  const error =
    typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : undefined;
  if (status === 404 && error !== undefined) return { found: false, error };
  if (status !== 200)
    throw new CliError(
      'ERR_BAD_REPLY',
      `${host} answered ${url.pathname} with ${status}: ${error ?? text.slice(0, 200)}`,
    );
  return { found: true, body };
}

/** The executions of one tree, each with its depth. */
async function treeOf(host: string, tree: string): Promise<CallTree | string> {
  const answer = await getApi(host, `trees/${encodeURIComponent(tree)}`);
  if (!answer.found) return answer.error;
  return { tree, executions: withDepths(answer.body as DecodedExecution[]) };
}

/** Adds each execution's depth: its parent's plus one (a parent pruned from the ring counts as none). */
export function withDepths(executions: readonly DecodedExecution[]): TreeExecution[] {
  const depths = new Map<number, number>();
  return executions.map((e) => {
    const depth = e.parent === null ? 0 : (depths.get(e.parent) ?? -1) + 1;
    depths.set(e.id, depth);
    return { ...e, depth };
  });
}

/** Fetches the call trees `target` names from the replica at `host`, oldest first. */
export async function fetchCallTrees(
  host: string,
  target: TraceTarget,
  filters: TreeFilters,
): Promise<CallTree[]> {
  if (target.kind === 'tree') {
    const tree = await treeOf(host, target.tree);
    if (typeof tree === 'string') {
      const why = tree.startsWith('tracing is off')
        ? tree
        : 'the replica keeps the last executions only (tincan start --trace-limit); an older one is pruned';
      throw new CliError(
        'ERR_USAGE',
        `no call tree ${target.tree} on the replica at ${host} (${why})`,
      );
    }
    return [tree];
  }
  const params = new URLSearchParams({ limit: String(filters.limit) });
  if (filters.method !== undefined) params.set('method', filters.method);
  if (filters.outcome !== undefined) params.set('outcome', filters.outcome);
  const answer = await getApi(
    host,
    `canisters/${encodeURIComponent(target.id)}/trees?${params.toString()}`,
  );
  if (!answer.found) {
    if (answer.error.startsWith('tracing is off'))
      throw new CliError('ERR_USAGE', `${answer.error} at ${host}`);
    throw new CliError(
      'ERR_UNKNOWN_CANISTER',
      `no canister ${target.label} on the replica at ${host}; 'tincan canister status ${target.label}' checks, or deploy it`,
    );
  }
  const summaries = answer.body as ReadonlyArray<{ readonly tree: string }>;
  const trees: CallTree[] = [];
  // Newest first from the API; printed oldest first, so the latest ends up last on the terminal.
  for (const { tree } of [...summaries].reverse()) {
    const found = await treeOf(host, tree);
    if (typeof found !== 'string') trees.push(found);
  }
  return trees;
}

/** Names to print for principals: the project's canister names, else the principal text. */
export type NameOf = (principal: string) => string;

/** Groups digits in threes with `_`, as Candid text does. */
function grouped(n: string | number): string {
  const text = String(n);
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  return `${negative ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_')}`;
}

function timeText(timeNs: string): string {
  return new Date(Number(BigInt(timeNs) / 1_000_000n)).toISOString();
}

/** What started the tree, for its header line. */
function rootText(root: TreeExecution, name: NameOf): string {
  switch (root.cause.kind) {
    case 'ingress':
      return `ingress ${root.kind === 'query' || root.kind === 'compositeQuery' ? 'query' : 'message'} from ${name(root.caller)}`;
    case 'timer':
      return `timer ${root.cause.timerId}`;
    case 'call':
      return `call from ${name(root.cause.caller)} (its execution is no longer kept)`;
    default:
      return root.cause.kind;
  }
}

/** What the execution ran: a method, or the callback (or cleanup) of a call it made earlier. */
function whatText(
  e: TreeExecution,
  executions: ReadonlyMap<number, TreeExecution>,
  name: NameOf,
): string {
  const cause = e.cause;
  if (cause.kind === 'response' || cause.kind === 'cleanup') {
    const call =
      e.parent === null
        ? undefined
        : executions.get(e.parent)?.calls.find((c) => c.callId === cause.callId);
    const callee =
      call === undefined ? `call ${cause.callId}` : `${name(call.callee)}.${call.method}`;
    return `${name(e.canister)}.${e.method} ${cause.kind === 'response' ? 'callback' : 'cleanup'} of ${callee}`;
  }
  if (cause.kind === 'dispatch')
    return `${name(e.canister)}.${e.method} sub-message ${cause.msgId} from ${name(e.caller)}`;
  if (cause.kind === 'reply')
    return `${name(e.canister)}.${e.method} reply handler of sub-message ${cause.msgId}`;
  const from = cause.kind === 'call' ? ` from ${name(e.caller)}` : '';
  return `${name(e.canister)}.${e.method} ${e.kind}${from}`;
}

/** The outcome: a commit point, a trap and its rollback, or a read-only execution's discarded changes. */
function outcomeText(e: TreeExecution): string {
  if (e.outcome === 'trapped') return `TRAPPED, rolled back: ${e.trap ?? 'trap'}`;
  if (e.outcome === 'discarded')
    return e.cause.kind === 'dispatch' || e.cause.kind === 'reply'
      ? 'frame discarded, nothing committed'
      : 'read-only, nothing committed';
  return e.calls.some((c) => !c.oneway) ? 'committed (commit point: await)' : 'committed';
}

/** Candid text on one line (the printer breaks long values over several). */
function oneLine(text: string): string {
  return (
    text
      .replace(/\(\n\s*/g, '(')
      .replace(/,\n\s*\)/g, ')')
      .replace(/\n\s*/g, ' ') || '()'
  );
}

function plural(n: number, what: string): string {
  return `${grouped(n)} ${what}${n === 1 ? '' : 's'}`;
}

/** The detail lines of one execution. */
function detailLines(e: TreeExecution, name: NameOf): string[] {
  const lines: string[] = [];
  if (e.cause.kind === 'response')
    lines.push(
      e.rejected !== null
        ? `got reject ${e.rejected.code}: ${e.rejected.message}`
        : `got reply ${oneLine(e.argText)}`,
    );
  else if (e.cause.kind !== 'cleanup' && e.cause.kind !== 'timer')
    lines.push(`arg ${oneLine(e.argText)}`);
  for (const c of e.calls) {
    const cycles = c.cycles === '0' ? '' : `, ${grouped(c.cycles)} cycles attached`;
    const sent =
      e.outcome === 'committed'
        ? c.oneway
          ? 'sent one-way'
          : 'sent'
        : e.outcome === 'trapped'
          ? 'never sent'
          : 'run in the graph';
    lines.push(`call ${name(c.callee)}.${c.method} (call ${c.callId}${cycles}): ${sent}`);
  }
  if (e.answer !== null)
    lines.push(
      'reply' in e.answer
        ? `replied ${oneLine(e.replyText ?? '')}`
        : `rejected: reject code ${e.answer.reject.code}: ${e.answer.reject.message}`,
    );
  const cycles = [`fee ${grouped(e.cyclesCharged)}`];
  if (e.cyclesAccepted !== '0') cycles.push(`accepted ${grouped(e.cyclesAccepted)}`);
  if (e.cyclesRefunded !== '0') cycles.push(`refunded ${grouped(e.cyclesRefunded)}`);
  if (e.balanceDelta !== '0')
    cycles.push(`balance ${e.balanceDelta.startsWith('-') ? '' : '+'}${grouped(e.balanceDelta)}`);
  const effects = [plural(e.instructions, 'unit'), `cycles: ${cycles.join(', ')}`];
  if (e.stableWrites > 0) effects.push(`${plural(e.stableWrites, 'stable-map write')}`);
  if (e.heapBytes > 0) effects.push(`${plural(e.heapBytes, 'heap byte')} written`);
  if (e.timersSet > 0) effects.push(`${plural(e.timersSet, 'timer')} set`);
  lines.push(effects.join('; '));
  return lines;
}

/** A call tree as text: a header, then each execution in time order, indented by its depth. */
export function formatCallTree(tree: CallTree, name: NameOf): string {
  const root = tree.executions[0];
  if (root === undefined) return `Call tree ${tree.tree}: no executions kept\n`;
  const byId = new Map(tree.executions.map((e) => [e.id, e]));
  const canisters = new Set(tree.executions.map((e) => e.canister)).size;
  const trapped = tree.executions.filter((e) => e.outcome === 'trapped').length;
  const counts = `${tree.executions.length} execution${tree.executions.length === 1 ? '' : 's'} on ${canisters} canister${canisters === 1 ? '' : 's'}${trapped > 0 ? `, ${trapped} trapped` : ''}`;
  const out = [
    `Call tree ${tree.tree}: ${rootText(root, name)} at ${timeText(root.timeNs)}, ${counts}`,
  ];
  for (const e of tree.executions) {
    const indent = '  '.repeat(e.depth + 1);
    const later = BigInt(e.timeNs) - BigInt(root.timeNs);
    const when = later > 0n ? ` (+${(Number(later / 1_000n) / 1e6).toFixed(3)} s)` : '';
    out.push(`${indent}#${e.id} ${whatText(e, byId, name)}${when}: ${outcomeText(e)}`);
    for (const line of detailLines(e, name)) out.push(`${indent}    ${line}`);
  }
  return `${out.join('\n')}\n`;
}
