/**
 * The dashboard's JSON endpoints on a replica of several subnets: each subnet keeps its own
 * canisters and traces, so `/_/api/canisters` and `/_/api/trees` gather every subnet's (each
 * entry with its `subnet` index), a canister's endpoints go to the subnet that hosts it, one
 * tree or execution is read from the subnet `?subnet=` names, and `/_/api/subnets` lists the
 * subnets with the state of the streams between them.
 */
import { Principal } from '@dfinity/principal';
import type { Subnets } from '@tincan/replica';
import type { ApiAnswer } from './api-answer.js';
import { answerApi } from './api.js';

/** What `/_/api/subnets` reports. */
export interface SubnetsReport {
  readonly subnets: ReadonlyArray<{
    readonly index: number;
    readonly id: string;
    readonly canisters: number;
    readonly rangeStart: string;
    readonly rangeEnd: string;
  }>;
  /** The streams between subnets: whether messages wait to be inducted, calls awaiting answers, slices refused. */
  readonly streams: {
    readonly pending: boolean;
    readonly callsInFlight: number;
    readonly refusedSlices: number;
    readonly lastRefused: string | null;
  };
}

/** The topology and stream state of `subnets`. */
export function subnetsReport(subnets: Subnets): SubnetsReport {
  const refused = subnets.xnet.refused;
  const last = refused[refused.length - 1];
  return {
    subnets: subnets.subnets.map((s) => {
      const [range] = s.ranges;
      return {
        index: s.index,
        id: s.id.toText(),
        canisters: s.replica.runtime.canisterCount,
        rangeStart: range === undefined ? '' : Principal.fromUint8Array(range[0]).toText(),
        rangeEnd: range === undefined ? '' : Principal.fromUint8Array(range[1]).toText(),
      };
    }),
    streams: {
      pending: subnets.xnet.pending,
      callsInFlight: subnets.xnet.callsInFlight,
      refusedSlices: refused.length,
      lastRefused: last === undefined ? null : `subnet ${last.from} → ${last.to}: ${last.reason}`,
    },
  };
}

/** The subnet a canister id (text) belongs to, if it parses and some subnet hosts it. */
function subnetOfText(subnets: Subnets, text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  try {
    return subnets.subnetOf(Principal.fromText(text.trim()));
  } catch {
    return undefined;
  }
}

/** Answers `GET /_/api/<path>` over every subnet. */
export async function answerSubnetsApi(
  subnets: Subnets,
  path: string,
  params: URLSearchParams,
): Promise<ApiAnswer> {
  const parts = path.split('/').filter((p) => p !== '');
  const [what, arg] = parts;
  if (what === 'subnets' && parts.length === 1)
    return { status: 200, body: subnetsReport(subnets) };
  if (what === 'canisters' && arg !== undefined) {
    let hosted: number | undefined;
    try {
      hosted = subnetOfText(subnets, decodeURIComponent(arg));
    } catch {
      hosted = undefined;
    }
    return answerApi(subnets.replica(hosted ?? 0), path, params);
  }
  const every = what === 'canisters' || ((what === 'trees' || what === 'executions') && !arg);
  if (every) {
    // A canister filter names one subnet's traces; otherwise every subnet's, newest first.
    const only = subnetOfText(subnets, params.get('canister'));
    const chosen = subnets.subnets.filter((s) => only === undefined || s.index === only);
    const answers = await Promise.all(
      chosen.map(async (s) => ({
        index: s.index,
        answer: await answerApi(s.replica, path, params),
      })),
    );
    const failed = answers.find((a) => a.answer.status !== 200);
    if (failed !== undefined) return failed.answer;
    const rows = answers.flatMap(({ index, answer }) =>
      (answer.body as Array<Record<string, unknown>>).map((row) => ({ ...row, subnet: index })),
    );
    if (what !== 'canisters') rows.sort((a, b) => compareNewestFirst(a, b));
    const limit = Number(params.get('limit') ?? '');
    return {
      status: 200,
      body: Number.isInteger(limit) && limit > 0 ? rows.slice(0, limit) : rows,
    };
  }
  if (what === 'trees' || what === 'executions') {
    const index = Number(params.get('subnet') ?? '0');
    if (!Number.isInteger(index) || index < 0 || index >= subnets.subnets.length)
      return {
        status: 400,
        body: { error: `subnet must be 0 to ${subnets.subnets.length - 1}` },
      };
    return answerApi(subnets.replica(index), path, params);
  }
  return answerApi(subnets.root, path, params);
}

/** Trees and executions, newest (by their root's or own time) first. */
function compareNewestFirst(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const t = (row: Record<string, unknown>): bigint => {
    const root = row['root'] as { timeNs?: string | bigint } | undefined;
    const time = root?.timeNs ?? (row['timeNs'] as string | bigint | undefined) ?? '0';
    return BigInt(time);
  };
  const d = t(b) - t(a);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}
