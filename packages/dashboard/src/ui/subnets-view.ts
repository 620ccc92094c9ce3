/**
 * The subnets of a replica that hosts several (`/_/api/subnets`; null for one subnet): a table
 * of subnets (principal, canister range, canisters) and the state of the streams between them,
 * shown above the canister list.
 */
import { api, el } from './dom.js';

interface SubnetsReport {
  subnets: Array<{
    index: number;
    id: string;
    canisters: number;
    rangeStart: string;
    rangeEnd: string;
  }>;
  streams: {
    pending: boolean;
    callsInFlight: number;
    refusedSlices: number;
    lastRefused: string | null;
  };
}

/** The subnets section, or nothing on a one-subnet replica. */
export async function subnetsSection(): Promise<HTMLElement[]> {
  const report = await api<SubnetsReport | null>('subnets');
  if (report === null) return [];
  const { streams } = report;
  return [
    el('h2', {}, 'Subnets'),
    el(
      'table',
      { id: 'subnets' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['subnet', 'principal', 'canister range', 'canisters'].map((h) => el('th', {}, h)),
        ),
      ),
      el(
        'tbody',
        {},
        ...report.subnets.map((s) =>
          el(
            'tr',
            { class: 'subnet', 'data-index': String(s.index) },
            el('td', {}, String(s.index)),
            el('td', { class: 'mono' }, s.id),
            el('td', { class: 'mono' }, `${s.rangeStart} … ${s.rangeEnd}`),
            el('td', {}, String(s.canisters)),
          ),
        ),
      ),
    ),
    el(
      'div',
      { class: 'card', id: 'streams' },
      `streams: ${streams.pending ? 'messages waiting to be inducted' : 'all messages inducted'} · ${streams.callsInFlight} calls across subnets awaiting an answer · ${streams.refusedSlices} slices refused`,
      ...(streams.lastRefused === null
        ? []
        : [el('div', { class: 'trapped' }, `last refused: ${streams.lastRefused}`)]),
    ),
  ];
}
