/**
 * Synchronous queries between canisters (`queryContract`, an extension): the target's query
 * runs inline, inside the caller's execution, on the target's state as it is now (inside a
 * transaction: with the transaction's changes so far), and everything it wrote is discarded at
 * once: its store savepoint is rolled back and its heap rewound to a mark taken before it ran.
 */
import { Rejects, type Reject } from '@tincan/abi';
import { toHex } from '@tincan/bytes';
import type { Batch } from '../state/batch.js';
import type { CanisterActor } from '../canisters/canister-actor.js';
import { openExecution } from '../execution/execution.js';
import type { Executor } from '../execution/executor.js';
import * as lifecycle from '../lifecycle/lifecycle.js';
import * as Traps from '../execution/trap.js';
import { missingCanister } from '../calls/missing-canister.js';
import { principalText } from '../canisters/principal-text.js';

/** What a synchronous query needs from the runtime. */
export interface QueryContractDeps {
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly executor: Executor;
  readonly batch: Batch;
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly queryInstructions: number;
}

const encoder = new TextEncoder();

/** Runs `target`'s query `method` for `caller`; returns `[0, reply]` or `[rejectCode, message]`. */
export function runQueryContract(
  deps: QueryContractDeps,
  caller: CanisterActor,
  target: Uint8Array,
  method: string,
  arg: Uint8Array,
): [number, Uint8Array] {
  const fail = (reject: Reject): [number, Uint8Array] => [
    reject.code,
    encoder.encode(reject.message),
  ];
  const actor = deps.actors.get(toHex(target));
  if (actor === undefined) {
    const missing = missingCanister(target, true);
    return fail(
      'reject' in missing ? missing.reject : Rejects.canisterNotFound(principalText(target)),
    );
  }
  const text = principalText(actor.record.id);
  // A realm runs one thing at a time: a canister in the middle of an execution cannot answer.
  if (actor === caller || actor.current !== undefined) return fail(Rejects.queryContractBusy(text));
  const stopped = lifecycle.refusal(actor);
  if (stopped !== undefined && 'reject' in stopped) return fail(stopped.reject);
  if (actor.record.module.length === 0) return fail(Rejects.canisterEmpty(text));
  const loadError = deps.ensureLoaded(actor);
  if (loadError !== undefined) return fail(Rejects.loadFailed(loadError));
  if (actor.methods.get(method)?.mode !== 'query')
    return fail(Rejects.methodNotFound(text, 'query', method));
  const sandbox = actor.sandbox;
  if (sandbox === undefined) return fail(Rejects.canisterNotLoaded(text));
  const outer = caller.current;
  const exec = openExecution({
    mode: 'query',
    method,
    argData: arg,
    caller: caller.record.id,
    origin: outer?.origin ?? caller.record.id,
    timeNs: outer?.timeNs ?? 0n,
    replicated: true,
    context: {
      id: actor.nextContextId++,
      replyTo: { kind: 'none' },
      caller: caller.record.id,
      origin: outer?.origin ?? caller.record.id,
      method,
      deadlineNs: 0n,
      depth: 0,
      replied: false,
      outstanding: 0,
      cyclesAvailable: 0n,
    },
  });
  exec.instructionLimit = deps.queryInstructions;
  const mark = sandbox.op('mark') as number;
  try {
    deps.executor.runInGraph(actor, exec, 'invoke', method);
  } finally {
    deps.batch.dropExecution();
    sandbox.op('rewind', mark);
  }
  if (exec.trap !== undefined) return fail(Traps.nestedReject(text, exec.trap));
  const answer = exec.answer;
  if (answer === undefined) return fail(Rejects.queryContractNoReply(text));
  if ('reject' in answer) return fail(answer.reject);
  return [0, answer.reply];
}
