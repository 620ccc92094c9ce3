/**
 * A canister's stored state on its page: the memory figure, the heap (the instance's fields;
 * a click on a reference opens that object, with a path back) and the stable maps, each a
 * table of one page of entries with Previous and Next. Values come decoded and cut by the
 * server (`/_/api/canisters/<id>/heap`, `…/stable/<memory id>`).
 */
import { api, bytes, el } from './dom.js';

interface Shown {
  text: string;
  ref?: number;
  truncated?: boolean;
}
interface HeapPage {
  object: number;
  kind: string;
  cls: string | null;
  total: number;
  entries: Array<{ key: Shown; value: Shown }>;
  next: string | null;
  note?: string;
}
interface StablePage {
  memoryId: number;
  count: string;
  entries: Array<{ key: Shown; value: Shown; valueBytes: number }>;
  next: string | null;
}
interface Memory {
  heapBytes: string;
  stableBytes: string;
  moduleBytes: string;
  totalBytes: string;
}

const PAGE = 20;

/** Previous/Next over cursor pages: keeps the cursors of the pages before the one shown. */
class Pager {
  readonly element = el('div', { class: 'pager' });
  readonly #prev = el('button', { type: 'button', class: 'prev' }, 'Previous');
  readonly #next = el('button', { type: 'button', class: 'next' }, 'Next');
  readonly #label = el('span', { class: 'page-label' });
  #cursors: Array<string | undefined> = [undefined];
  #nextCursor: string | null = null;

  constructor(load: (cursor: string | undefined) => Promise<void>) {
    this.element.append(this.#prev, this.#label, this.#next);
    this.#prev.addEventListener('click', () => {
      if (this.#cursors.length > 1) this.#cursors.pop();
      void load(this.#cursors[this.#cursors.length - 1]);
    });
    this.#next.addEventListener('click', () => {
      if (this.#nextCursor === null) return;
      this.#cursors.push(this.#nextCursor);
      void load(this.#nextCursor);
    });
  }

  reset(): void {
    this.#cursors = [undefined];
  }

  /** The cursor of the page shown. */
  current(): string | undefined {
    return this.#cursors[this.#cursors.length - 1];
  }

  /** Shows where the page is and whether there is another. */
  shown(count: number, total: string | number, next: string | null): void {
    const first = (this.#cursors.length - 1) * PAGE;
    this.#nextCursor = next;
    this.#label.textContent =
      count === 0 ? `none of ${total}` : `${first + 1}–${first + count} of ${total}`;
    this.#prev.disabled = this.#cursors.length <= 1;
    this.#next.disabled = next === null;
  }
}

function valueCell(value: Shown, open?: (ref: number) => void): HTMLTableCellElement {
  if (value.ref === undefined || open === undefined)
    return el('td', { class: value.truncated === true ? 'value truncated' : 'value' }, value.text);
  const link = el(
    'a',
    { class: 'ref', 'data-ref': String(value.ref), href: 'javascript:void 0' },
    value.text,
  );
  link.addEventListener('click', () => open(value.ref as number));
  return el('td', { class: 'value' }, link);
}

/** The heap browser: a path of opened objects and one page of the last one's entries. */
function heapBrowser(id: string): {
  element: HTMLElement;
  start(): Promise<void>;
  reload(): Promise<void>;
} {
  const path: Array<{ object: number; label: string }> = [{ object: 0, label: 'this' }];
  const crumbs = el('div', { class: 'crumbs mono', id: 'heap-path' });
  const body = el('tbody');
  const note = el('div', { class: 'note' });
  const pager = new Pager((cursor) => load(cursor));
  const open = (object: number, label: string): void => {
    path.push({ object, label });
    pager.reset();
    void load(undefined);
  };
  const load = async (cursor: string | undefined): Promise<void> => {
    const current = path[path.length - 1] ?? { object: 0, label: 'this' };
    const query = new URLSearchParams({
      object: String(current.object),
      limit: String(PAGE),
      ...(cursor !== undefined && { cursor }),
    });
    const page = await api<HeapPage>(`canisters/${id}/heap?${query.toString()}`);
    crumbs.replaceChildren(
      ...path.flatMap((p, i) => {
        const link = el('a', { href: 'javascript:void 0' }, p.label);
        link.addEventListener('click', () => {
          path.length = i + 1;
          pager.reset();
          void load(undefined);
        });
        return i === 0 ? [link] : [' › ', link];
      }),
      el('span', { class: 'note' }, `  (${page.cls ?? page.kind})`),
    );
    note.textContent = page.note ?? '';
    body.replaceChildren(
      ...page.entries.map((e) =>
        el(
          'tr',
          { class: 'entry' },
          el('td', { class: 'key mono' }, e.key.text),
          valueCell(e.value, (ref) => open(ref, e.key.text)),
        ),
      ),
    );
    pager.shown(page.entries.length, page.total, page.next);
  };
  const table = el(
    'table',
    { id: 'heap-entries', class: 'browser' },
    el('thead', {}, el('tr', {}, el('th', {}, 'key'), el('th', {}, 'value'))),
    body,
  );
  return {
    element: el('div', { id: 'heap' }, crumbs, note, table, pager.element),
    start: () => load(undefined),
    reload: () => load(pager.current()),
  };
}

/** The stable-map browser: a map chooser and one page of the chosen map's entries. */
function stableBrowser(id: string): {
  element: HTMLElement;
  start(): Promise<void>;
  reload(): Promise<void>;
} {
  const select = el('select', { id: 'stable-map' });
  const body = el('tbody');
  const pager = new Pager((cursor) => load(cursor));
  const element = el('div', { id: 'stable' });
  const load = async (cursor: string | undefined): Promise<void> => {
    const query = new URLSearchParams({
      limit: String(PAGE),
      ...(cursor !== undefined && { cursor }),
    });
    const page = await api<StablePage>(
      `canisters/${id}/stable/${select.value}?${query.toString()}`,
    );
    body.replaceChildren(
      ...page.entries.map((e) =>
        el(
          'tr',
          { class: 'entry' },
          el('td', { class: 'key mono' }, e.key.text),
          valueCell(e.value),
          el('td', {}, bytes(e.valueBytes)),
        ),
      ),
    );
    pager.shown(page.entries.length, page.count, page.next);
  };
  select.addEventListener('change', () => {
    pager.reset();
    void load(undefined);
  });
  const start = async (): Promise<void> => {
    const maps = await api<Array<{ memoryId: number; count: string }>>(`canisters/${id}/stable`);
    if (maps.length === 0)
      return void element.replaceChildren(
        el('p', { class: 'note' }, 'No stable map holds entries.'),
      );
    select.replaceChildren(
      ...maps.map((m) =>
        el('option', { value: String(m.memoryId) }, `memory ${m.memoryId} (${m.count} entries)`),
      ),
    );
    element.replaceChildren(
      select,
      el(
        'table',
        { id: 'stable-entries', class: 'browser' },
        el(
          'thead',
          {},
          el('tr', {}, el('th', {}, 'key'), el('th', {}, 'value'), el('th', {}, 'size')),
        ),
        body,
      ),
      pager.element,
    );
    await load(undefined);
  };
  // A map that appeared since: the list is read again; else the page shown is.
  const reload = (): Promise<void> => (select.value === '' ? start() : load(pager.current()));
  return { element, start, reload };
}

/** The memory figure, heap browser and stable-map browser of canister `id`; `reload` reads them again. */
export async function stateSection(
  id: string,
): Promise<{ element: HTMLElement; reload(): Promise<void> }> {
  const figure = el('div', { class: 'card', id: 'memory' });
  const loadMemory = async (): Promise<void> => {
    const memory = await api<Memory>(`canisters/${id}/memory`);
    figure.textContent = `memory: ${bytes(memory.totalBytes)} (heap ${bytes(memory.heapBytes)}, stable maps ${bytes(memory.stableBytes)}, code ${bytes(memory.moduleBytes)})`;
  };
  const heap = heapBrowser(id);
  const stable = stableBrowser(id);
  const element = el(
    'section',
    { id: 'state' },
    figure,
    el('h4', {}, 'Heap fields'),
    heap.element,
    el('h4', {}, 'Stable maps'),
    stable.element,
  );
  await Promise.all([loadMemory(), heap.start(), stable.start()]);
  return {
    element,
    reload: async () => void (await Promise.all([loadMemory(), heap.reload(), stable.reload()])),
  };
}
