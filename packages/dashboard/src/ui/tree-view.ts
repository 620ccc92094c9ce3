/** `#/tree/<id>`: one call tree's executions in order, with each one's argument and answer. */
import { api, el, short, table, time } from './dom.js';

/** A traced execution, as `/_/api/trees/<id>` gives it. */
export interface Execution {
  id: number;
  tree: string;
  parent: number | null;
  canister: string;
  kind: string;
  method: string;
  caller: string;
  outcome: string;
  trap: string | null;
  instructions: number;
  cyclesCharged: string;
  cyclesAccepted: string;
  cyclesRefunded: string;
  balanceDelta: string;
  timeNs: string;
  calls: Array<{ callee: string; method: string; cycles: string }>;
  timersSet: number;
  stableWrites: number;
  heapBytes: number;
  argText?: string;
  replyText?: string | null;
}

/** Shows one call tree's executions in order (on the subnet whose traces hold it). */
export async function treeView(
  app: HTMLElement,
  tree: string,
  subnet: string | null,
): Promise<void> {
  const executions = await api<Execution[]>(
    `trees/${encodeURIComponent(tree)}${subnet === null ? '' : `?subnet=${encodeURIComponent(subnet)}`}`,
  );
  const depth = new Map<number, number>();
  const detail = el(
    'div',
    { id: 'execution-detail', class: 'card' },
    'Click an execution to see its argument and answer.',
  );
  const rows = executions.map((e) => {
    const d = e.parent === null ? 0 : (depth.get(e.parent) ?? 0) + 1;
    depth.set(e.id, d);
    const what = e.outcome === 'trapped' ? `trapped: ${e.trap ?? ''} (rolled back)` : e.outcome;
    const row = el(
      'tr',
      { class: `exec ${e.outcome}`, 'data-id': String(e.id), 'data-outcome': e.outcome },
      el('td', {}, String(e.id)),
      el(
        'td',
        { style: `padding-left:${0.5 + d * 1.5}rem` },
        `${e.kind} `,
        el('span', { class: 'mono' }, short(e.canister)),
        `.${e.method}`,
      ),
      el('td', { class: e.outcome }, what),
      el('td', {}, e.instructions.toLocaleString('en-US')),
      el('td', {}, BigInt(e.cyclesCharged).toLocaleString('en-US')),
      el('td', {}, e.calls.map((c) => `${short(c.callee)}.${c.method}`).join(', ')),
      el('td', {}, String(e.stableWrites)),
      el('td', {}, String(e.heapBytes)),
      el('td', {}, String(e.timersSet)),
    );
    row.addEventListener('click', () => {
      for (const r of app.querySelectorAll('tr.exec.selected')) r.classList.remove('selected');
      row.classList.add('selected');
      detail.replaceChildren(
        el('h4', {}, `#${e.id} ${e.kind} ${e.canister}.${e.method} — ${what}`),
        el(
          'div',
          {},
          `caller ${e.caller} · time ${time(e.timeNs)} · accepted ${e.cyclesAccepted} · refunded ${e.cyclesRefunded} · balance change ${e.balanceDelta}`,
        ),
        el('div', {}, 'argument'),
        el('pre', { id: 'detail-arg' }, e.argText ?? ''),
        el('div', {}, 'answer'),
        el('pre', { id: 'detail-reply' }, e.replyText ?? '(none from this execution)'),
      );
    });
    return row;
  });
  app.replaceChildren(
    el('h2', {}, 'Call tree ', el('span', { class: 'mono' }, tree)),
    table(
      [
        '#',
        'execution',
        'outcome',
        'instructions',
        'fee',
        'calls made',
        'stable writes',
        'heap bytes',
        'timers set',
      ],
      rows,
      'tree',
    ),
    detail,
  );
}
