/**
 * The dashboard's endpoints over a canister's stored state: `memory`, `heap` (an object's
 * entries, the instance's fields first; `?object=&cursor=&limit=`), `stable` (its stable maps)
 * and `stable/<memory id>` (a map's entries; `?cursor=&limit=`). Everything is read from the
 * replica's store through `replica.state`: browsing never loads a canister or writes.
 */
import type { Principal } from '@dfinity/principal';
import { ReplicaError, type Replica } from '@tincan/replica';
import type { ApiAnswer } from './api-answer.js';

/** Parses an optional non-negative integer parameter; a string is the error. */
function integer(params: URLSearchParams, name: string): number | undefined | string {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text))
    return `${name} must be a non-negative integer, got ${JSON.stringify(text.slice(0, 40))}`;
  return Number(text);
}

/** JSON-safe form of a value with bigints (as decimal strings). */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}

/** Answers `canisters/<id>/<what>[/<arg>]` for state browsing, or undefined if not one of these. */
export function answerState(
  replica: Replica,
  id: Principal,
  what: string,
  arg: string | undefined,
  params: URLSearchParams,
): ApiAnswer | undefined {
  const bytes = id.toUint8Array();
  const limit = integer(params, 'limit');
  if (typeof limit === 'string') return { status: 400, body: { error: limit } };
  const cursor = params.get('cursor') ?? undefined;
  try {
    if (what === 'memory' && arg === undefined)
      return { status: 200, body: plain(replica.state.memory(bytes)) };
    if (what === 'heap' && arg === undefined) {
      const object = integer(params, 'object');
      if (typeof object === 'string') return { status: 400, body: { error: object } };
      return {
        status: 200,
        body: replica.state.heap(
          bytes,
          object ?? 0,
          cursor === '' ? undefined : cursor,
          limit ?? 20,
        ),
      };
    }
    if (what === 'stable' && arg === undefined)
      return { status: 200, body: plain(replica.state.stableMaps(bytes)) };
    if (what === 'stable' && arg !== undefined) {
      if (!/^\d{1,3}$/.test(arg))
        return {
          status: 400,
          body: {
            error: `a stable map is named by its memory id (0 to 254), got ${JSON.stringify(arg.slice(0, 40))}`,
          },
        };
      return {
        status: 200,
        body: plain(
          replica.state.stable(bytes, Number(arg), cursor === '' ? undefined : cursor, limit ?? 20),
        ),
      };
    }
  } catch (err) {
    if (err instanceof ReplicaError && err.code === 'ERR_INVALID_ARGUMENT')
      return { status: 400, body: { error: err.message } };
    throw err;
  }
  return undefined;
}
