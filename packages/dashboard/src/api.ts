/**
 * The dashboard's JSON endpoints under `/_/api/`: canisters and their logs, call trees and
 * executions from the replica's traces (arguments and answers decoded with the canisters'
 * Candid). Read-only; calls to canisters go through the IC's HTTP interface like any agent's.
 */
import { Principal } from '@dfinity/principal';
import type { Replica, TraceQuery, TraceRecord } from '@tincan/replica';
import { decodeFor } from './decode.js';
import type { ApiAnswer } from './api-answer.js';
import { answerState } from './state-api.js';

export type { ApiAnswer } from './api-answer.js';

const OUTCOMES = new Set(['committed', 'trapped', 'discarded']);

/** A traced execution with its argument and answer as Candid text. */
export type DecodedExecution = TraceRecord & {
  readonly argText: string;
  readonly replyText: string | null;
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The canister named by `text`, or the API answer that says why there is none (400 or 404). */
function canisterOf(replica: Replica, text: string): Principal | ApiAnswer {
  let id: Principal;
  try {
    id = Principal.fromText(text);
  } catch {
    return {
      status: 400,
      body: {
        error: `${JSON.stringify(text.slice(0, 80))} is not a canister id (a principal in text form)`,
      },
    };
  }
  return replica.runtime.hasCanister(id.toUint8Array())
    ? id
    : { status: 404, body: { error: `no canister ${id.toText()} on this replica` } };
}

function queryOf(params: URLSearchParams): TraceQuery | string {
  const outcome = params.get('outcome') ?? undefined;
  if (outcome !== undefined && outcome !== '' && !OUTCOMES.has(outcome))
    return `outcome must be one of committed, trapped, discarded; got ${outcome}`;
  const number = (name: string): number | undefined => {
    const v = params.get(name);
    return v === null || v === '' ? undefined : Number(v);
  };
  const limit = number('limit');
  const beforeId = number('before');
  if (
    (limit !== undefined && !Number.isInteger(limit)) ||
    (beforeId !== undefined && !Number.isInteger(beforeId))
  )
    return 'limit and before must be integers';
  const text = (name: string): string | undefined => {
    const v = params.get(name)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const canister = text('canister');
  const method = text('method');
  const caller = text('caller');
  return {
    ...(canister !== undefined && { canister }),
    ...(method !== undefined && { method }),
    ...(caller !== undefined && { caller }),
    ...(outcome !== undefined && outcome !== '' && { outcome: outcome as TraceRecord['outcome'] }),
    ...(limit !== undefined && { limit }),
    ...(beforeId !== undefined && { beforeId }),
  };
}

/** Decodes each execution's argument and answer (a callback's argument with its callee's types). */
function decodeAll(
  replica: Replica,
  executions: readonly TraceRecord[],
  parents: ReadonlyMap<number, TraceRecord>,
): DecodedExecution[] {
  const candids = new Map(
    replica.runtime.canisters().map((c) => [Principal.fromUint8Array(c.id).toText(), c.candid]),
  );
  return executions.map((e) => {
    const own = candids.get(e.canister);
    let argText: string;
    // A callback (of an update call, or in a composite query's graph) gets the callee's reply.
    if (e.cause.kind === 'response') {
      const callId = e.cause.callId;
      const call =
        e.parent === null
          ? undefined
          : parents.get(e.parent)?.calls.find((c) => c.callId === callId);
      argText =
        e.rejected !== null
          ? `reject ${e.rejected.code}: ${e.rejected.message}`
          : decodeFor(
              call === undefined ? undefined : candids.get(call.callee),
              call?.method,
              'rets',
              e.arg,
            );
    } else argText = decodeFor(own, e.method, 'args', e.arg);
    const answer = e.answer;
    const replyText =
      answer === null
        ? null
        : 'reply' in answer
          ? decodeFor(own, e.method, 'rets', answer.reply)
          : `reject ${answer.reject.code}: ${answer.reject.message}`;
    return { ...e, argText, replyText };
  });
}

/** Answers `GET /_/api/<path>`. */
export async function answerApi(
  replica: Replica,
  path: string,
  params: URLSearchParams,
): Promise<ApiAnswer> {
  let parts: string[];
  try {
    parts = path
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
  } catch {
    return {
      status: 400,
      body: { error: `malformed percent-encoding in /_/api/${path.slice(0, 80)}` },
    };
  }
  const [what, arg, sub] = parts;
  if (what === 'canisters' && arg === undefined) {
    return {
      status: 200,
      body: replica.runtime.canisters().map((c) => ({
        id: Principal.fromUint8Array(c.id).toText(),
        status: c.status,
        controllers: c.controllers.map((p) => Principal.fromUint8Array(p).toText()),
        cycles: c.cycles.toString(),
        moduleHash: c.moduleHash.length === 0 ? null : hex(c.moduleHash),
        candid: c.candid,
      })),
    };
  }
  if (what === 'canisters' && arg !== undefined && sub !== undefined && parts.length <= 4) {
    const canister = canisterOf(replica, arg);
    if (!(canister instanceof Principal)) return canister;
    if (sub === 'logs' && parts.length === 3) {
      return {
        status: 200,
        body: replica
          .logs(canister)
          .map((l) => ({ index: l.index, timeNs: l.timeNs.toString(), message: l.message })),
      };
    }
    if (sub === 'trees' && parts.length === 3) {
      // The call trees that reached one canister: unlike `trees?canister=`, an unknown canister is a 404.
      if (replica.traces === undefined)
        return { status: 404, body: { error: 'tracing is off on this replica' } };
      const query = queryOf(params);
      if (typeof query === 'string') return { status: 400, body: { error: query } };
      return {
        status: 200,
        body: await replica.traces.trees({ ...query, canister: canister.toText() }),
      };
    }
    const answer = answerState(replica, canister, sub, parts[3], params);
    if (answer !== undefined) return answer;
  }
  const traces = replica.traces;
  if (what === 'trees' || what === 'executions') {
    if (traces === undefined)
      return { status: 404, body: { error: 'tracing is off on this replica' } };
    if (arg === undefined) {
      const query = queryOf(params);
      if (typeof query === 'string') return { status: 400, body: { error: query } };
      return {
        status: 200,
        body: what === 'trees' ? await traces.trees(query) : await traces.list(query),
      };
    }
    if (parts.length !== 2)
      return { status: 404, body: { error: `no such endpoint: /_/api/${path}` } };
    if (what === 'trees') {
      const executions = await traces.tree(arg);
      if (executions.length === 0)
        return { status: 404, body: { error: `no call tree ${arg} (it may have been pruned)` } };
      return {
        status: 200,
        body: decodeAll(replica, executions, new Map(executions.map((e) => [e.id, e]))),
      };
    }
    const id = Number(arg);
    const execution = Number.isInteger(id) ? await traces.get(id) : undefined;
    if (execution === undefined) return { status: 404, body: { error: `no execution ${arg}` } };
    const parent = execution.parent === null ? undefined : await traces.get(execution.parent);
    return {
      status: 200,
      body: decodeAll(
        replica,
        [execution],
        new Map(parent === undefined ? [] : [[parent.id, parent]]),
      )[0],
    };
  }
  return { status: 404, body: { error: `no such endpoint: /_/api/${path}` } };
}
