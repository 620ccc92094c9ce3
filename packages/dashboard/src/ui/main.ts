/**
 * The dashboard page: plain DOM, routed by the URL hash. `#/canisters` lists canisters,
 * `#/canister/<id>` shows one (status, controllers, cycles, module hash, logs refreshed live)
 * with its memory, heap fields and stable maps (paged) and a Candid UI form per method, called
 * as the identity chosen, `#/trees` lists call trees (filterable), `#/tree/<id>` shows one
 * tree's executions in order, and `#/replica` has the replica controls. Canister calls go
 * through @dfinity/agent to the replica's IC HTTP interface, as any agent's do; the rest reads
 * `/_/api/…`.
 */
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { parseDid, printCandidValues } from '@tincan/candid';
import { controlFor } from './candid-form.js';
import { api, el, short, table, time } from './dom.js';
import { chosenAgent, forgetAgents, identityPicker } from './identity.js';
import { replicaView } from './replica-view.js';
import { stateSection } from './state-browser.js';
import { subnetsSection } from './subnets-view.js';
import { treeView, type Execution } from './tree-view.js';

/** A tree's page, on the subnet whose traces hold it. */
function treeHref(tree: string, subnet: number | undefined): string {
  return `#/tree/${tree}${subnet === undefined ? '' : `?subnet=${subnet}`}`;
}

interface CanisterInfo {
  id: string;
  status: string;
  controllers: string[];
  cycles: string;
  moduleHash: string | null;
  candid: string;
  /** On a replica of several subnets: the one hosting the canister. */
  subnet?: number;
}
interface TreeSummary {
  tree: string;
  root: Execution;
  executions: number;
  trapped: number;
  canisters: number;
  /** On a replica of several subnets: the one whose traces hold the tree. */
  subnet?: number;
}

const app = document.getElementById('app') as HTMLElement;
let refresh: number | undefined;

async function canistersView(): Promise<void> {
  const [canisters, subnets] = await Promise.all([
    api<CanisterInfo[]>('canisters'),
    subnetsSection(),
  ]);
  const several = canisters.some((c) => c.subnet !== undefined);
  app.replaceChildren(
    ...subnets,
    el('h2', {}, 'Canisters'),
    canisters.length === 0
      ? el('p', {}, 'No canisters yet: deploy with tincan deploy.')
      : table(
          [
            'canister',
            ...(several ? ['subnet'] : []),
            'status',
            'controllers',
            'cycles',
            'module hash',
          ],
          canisters.map((c) =>
            el(
              'tr',
              { class: 'canister', 'data-id': c.id },
              el('td', {}, el('a', { href: `#/canister/${c.id}`, class: 'mono' }, c.id)),
              ...(several ? [el('td', { class: 'subnet' }, String(c.subnet ?? ''))] : []),
              el('td', {}, c.status),
              el('td', { class: 'mono' }, c.controllers.map(short).join(', ')),
              el('td', {}, BigInt(c.cycles).toLocaleString('en-US')),
              el(
                'td',
                { class: 'mono' },
                c.moduleHash === null ? '—' : `${c.moduleHash.slice(0, 16)}…`,
              ),
            ),
          ),
          'canisters',
        ),
  );
}

async function canisterView(id: string): Promise<void> {
  const canister = (await api<CanisterInfo[]>('canisters')).find((c) => c.id === id);
  if (canister === undefined) throw new Error(`no canister ${id}`);
  const logs = el('pre', { id: 'logs' });
  const loadLogs = async (): Promise<void> => {
    const lines = await api<Array<{ timeNs: string; message: string }>>(`canisters/${id}/logs`);
    logs.textContent =
      lines.length === 0
        ? '(no log lines)'
        : lines
            .slice(-200)
            .map((l) => `${time(l.timeNs)}  ${l.message}`)
            .join('\n');
  };
  const forms = el('div', { id: 'candid-ui' });
  const state = await stateSection(id);
  app.replaceChildren(
    el('h2', {}, 'Canister ', el('span', { class: 'mono', id: 'canister-id' }, id)),
    el(
      'div',
      { class: 'card' },
      el('div', {}, `status: ${canister.status}`),
      el('div', {}, `cycles: ${BigInt(canister.cycles).toLocaleString('en-US')}`),
      el('div', { class: 'mono' }, `controllers: ${canister.controllers.join(', ')}`),
      el('div', { class: 'mono' }, `module hash: ${canister.moduleHash ?? '—'}`),
      el('div', {}, el('a', { href: `#/trees?canister=${id}` }, 'call trees of this canister')),
    ),
    el('h3', {}, 'State'),
    state.element,
    el('h3', {}, 'Candid UI'),
    await identityPicker(),
    forms,
    el('h3', {}, 'Logs'),
    logs,
    el('h3', {}, 'Interface'),
    el('pre', {}, canister.candid),
  );
  await loadLogs();
  refresh = window.setInterval(() => void loadLogs().catch(() => undefined), 2000);
  if (canister.candid === '') return void forms.append('No code installed.');
  const service = parseDid(canister.candid).service;
  // The actor is made per call, with the agent of the identity chosen at that moment.
  const actorNow = async (): Promise<Record<string, (...args: unknown[]) => Promise<unknown>>> =>
    Actor.createActor(() => service, { agent: await chosenAgent(), canisterId: id }) as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >;
  for (const [method, func] of service._fields) {
    if (!(func instanceof IDL.FuncClass)) continue;
    const query =
      func.annotations.includes('query') || func.annotations.includes('composite_query');
    const controls = func.argTypes.map((t, i) => controlFor(t, `${method}.${i}`));
    const result = el('pre', { class: 'result' });
    const button = el('button', { type: 'submit' }, query ? 'Query' : 'Call');
    const form = el(
      'form',
      { class: 'method', 'data-method': method },
      el('strong', { class: 'mono' }, method),
      ` (${func.argTypes.map((t) => t.display()).join(', ')}) → (${func.retTypes.map((t) => t.display()).join(', ')})${query ? ' query' : ''}`,
      el('div', {}, ...controls.map((c) => c.element)),
      button,
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void (async () => {
        result.className = 'result';
        let args: unknown[];
        try {
          args = controls.map((c) => c.value());
        } catch (err) {
          result.textContent = `✗ ${(err as Error).message}`;
          return;
        }
        button.disabled = true;
        result.textContent = '…';
        try {
          const fn = (await actorNow())[method];
          if (fn === undefined) throw new Error(`no method ${method}`);
          const value = await fn(...args);
          const values =
            func.retTypes.length === 0
              ? []
              : func.retTypes.length === 1
                ? [value]
                : (value as unknown[]);
          result.textContent = `✓ ${printCandidValues(func.retTypes, values)}`;
          result.classList.add('ok');
        } catch (err) {
          // A fresh agent for the next call, in case this one's state was the trouble.
          forgetAgents();
          // The agent appends the whole HTTP exchange; the reject itself comes first.
          result.textContent = `✗ ${(err as Error).message.split('\n\nCall context')[0] ?? ''}`;
          result.classList.add('error');
        } finally {
          button.disabled = false;
        }
        if (!query) {
          // The call may have changed the canister's state: show it as now committed.
          await state.reload().catch(() => undefined);
          const [tree] = await api<TreeSummary[]>(
            `trees?canister=${encodeURIComponent(id)}&method=${encodeURIComponent(method)}&limit=1`,
          ).catch(() => []);
          if (tree !== undefined)
            result.append(
              '\n',
              el(
                'a',
                { href: treeHref(tree.tree, tree.subnet), class: 'tree-link' },
                'see its call tree',
              ),
            );
        }
      })();
    });
    forms.append(form);
  }
}

const FILTERS = ['canister', 'method', 'caller', 'outcome'] as const;

async function treesView(params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams();
  for (const f of FILTERS) if ((params.get(f) ?? '') !== '') query.set(f, params.get(f) ?? '');
  const trees = await api<TreeSummary[]>(`trees?${query.toString()}`);
  const several = trees.some((t) => t.subnet !== undefined);
  const inputs = FILTERS.map((f) =>
    f === 'outcome'
      ? el(
          'select',
          { name: f },
          ...['', 'committed', 'trapped', 'discarded'].map((o) => {
            const option = el('option', { value: o }, o === '' ? 'any outcome' : o);
            if (o === (params.get(f) ?? '')) option.setAttribute('selected', '');
            return option;
          }),
        )
      : el('input', { name: f, placeholder: f, value: params.get(f) ?? '' }),
  );
  const form = el(
    'form',
    { class: 'filters', id: 'tree-filters' },
    ...inputs,
    el('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const i of inputs) if (i.value !== '') next.set(i.name, i.value);
    location.hash = `#/trees?${next.toString()}`;
  });
  app.replaceChildren(
    el('h2', {}, 'Call trees'),
    form,
    trees.length === 0
      ? el('p', {}, 'No executions match.')
      : table(
          [
            'started',
            'message',
            ...(several ? ['subnet'] : []),
            'caller',
            'executions',
            'canisters',
            'outcome',
          ],
          trees.map((t) =>
            el(
              'tr',
              { class: 'tree', 'data-tree': t.tree, 'data-subnet': String(t.subnet ?? 0) },
              el('td', {}, time(t.root.timeNs)),
              el(
                'td',
                {},
                el(
                  'a',
                  { href: treeHref(t.tree, t.subnet) },
                  `${t.root.kind} ${short(t.root.canister)}.${t.root.method}`,
                ),
              ),
              ...(several ? [el('td', { class: 'subnet' }, String(t.subnet ?? ''))] : []),
              el('td', { class: 'mono' }, short(t.root.caller)),
              el('td', {}, String(t.executions)),
              el('td', {}, String(t.canisters)),
              el(
                'td',
                { class: t.trapped > 0 ? 'trapped' : 'committed' },
                t.trapped > 0 ? `${t.trapped} trapped` : 'ok',
              ),
            ),
          ),
          'trees',
        ),
  );
}

async function route(): Promise<void> {
  if (refresh !== undefined) window.clearInterval(refresh);
  refresh = undefined;
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p) => p !== '');
  for (const a of document.querySelectorAll('nav a'))
    a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0] ?? 'canisters'}`);
  try {
    if (parts[0] === 'canister' && parts[1] !== undefined)
      await canisterView(decodeURIComponent(parts[1]));
    else if (parts[0] === 'trees') await treesView(new URLSearchParams(search));
    else if (parts[0] === 'tree' && parts[1] !== undefined)
      await treeView(app, decodeURIComponent(parts[1]), new URLSearchParams(search).get('subnet'));
    else if (parts[0] === 'replica') await replicaView(app);
    else await canistersView();
  } catch (err) {
    app.replaceChildren(el('p', { class: 'trapped' }, `Error: ${(err as Error).message}`));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
