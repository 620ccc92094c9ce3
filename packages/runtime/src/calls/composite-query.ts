/**
 * Composite queries: a query that calls other canisters' queries and composite queries, run as
 * ICP's query handler runs it. The whole call graph runs at once, outside consensus, depth
 * first: a call's callee (and everything it calls) runs to its answer before the caller's
 * callback runs, and calls wait in the order they were made.
 *
 * - Nothing commits. A canister's executions in the graph see what its earlier executions there
 *   did (its callbacks run on the state its query left); once it has answered, its state is
 *   discarded (store savepoints and the realm's heap), so the next call to it starts clean.
 * - Only queries and composite queries can be called (IC0536 for anything else); a plain query
 *   that calls traps with ICP's contract violation (IC0504). Calls carry no cycles.
 * - ICP's limits end the whole query with a reject to the user: nesting deeper than 6 calls
 *   (IC0525), or the graph's executions spending its instruction budget (5B, and 50M per call)
 *   (IC0526). Each execution may spend at most the query limit or what is left of the budget.
 * - A realm cannot be forked, so a call to a canister that is itself waiting in the graph is
 *   rejected as a loop (IC0517); ICP gives such a call a fresh copy of the callee instead.
 */
import {
  QUERY_CALL_GRAPH_INSTRUCTIONS,
  QUERY_CALL_GRAPH_TOO_DEEP,
  Rejects,
  rejectMessageForCaller,
  type IcText,
} from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { CallContext } from './call-context.js';
import { openExecution, type Execution, type OutgoingCall } from '../execution/execution.js';
import type { Executor } from '../execution/executor.js';
import * as lifecycle from '../lifecycle/lifecycle.js';
import type { CallLimits } from './limits.js';
import type { Outcome } from './messages.js';
import { toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import type { SystemCanister } from './system-canister.js';
import type { TraceCause } from '../execution/trace.js';
import { missingCanister } from './missing-canister.js';

/** What a composite query's call graph needs from the runtime. */
export interface CompositeQueryDeps {
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly executor: Executor;
  readonly limits: CallLimits;
  /** The instruction limit of one query execution. */
  readonly queryInstructions: number;
  readonly system: SystemCanister | undefined;
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly now: () => bigint;
}

/** A query call as the graph runs it. */
export interface GraphCall {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly caller: Uint8Array;
  /** The caller's id of this call; none for the user's own query. */
  readonly callId?: number;
}

/** Ends the whole graph: ICP answers the user with this error, whatever the canisters would do. */
class GraphAbort {
  constructor(readonly text: IcText) {}
}

interface Graph {
  readonly deps: CompositeQueryDeps;
  readonly timeNs: bigint;
  readonly origin: Uint8Array;
  /** Hex ids of canisters that wait in the graph (their realm holds the graph's state). */
  readonly waiting: Set<string>;
  /** Instructions the graph's executions may still spend. */
  budget: number;
}

/** Runs an ingress call of a composite query with its whole call graph and returns its answer. */
export function runCompositeQuery(deps: CompositeQueryDeps, call: GraphCall): Outcome {
  const graph: Graph = {
    deps,
    timeNs: deps.now(),
    origin: call.caller,
    waiting: new Set(),
    budget: deps.limits.queryCallGraphInstructions,
  };
  try {
    return evaluate(graph, call, 0);
  } catch (err) {
    if (!(err instanceof GraphAbort)) throw err;
    return { reject: Rejects.canisterError(err.text) };
  }
}

/** Runs one query call and the calls it makes; returns its answer. Depth 0 is the user's call. */
function evaluate(graph: Graph, call: GraphCall, depth: number): Outcome {
  const { deps } = graph;
  if (call.canisterId.length === 0) {
    const answer = deps.system?.handleQuery({
      caller: call.caller,
      origin: graph.origin,
      method: call.method,
      arg: call.arg,
    });
    return answer ?? missingCanister(call.canisterId, depth > 0);
  }
  const key = toHex(call.canisterId);
  const actor = deps.actors.get(key);
  if (actor === undefined) return missingCanister(call.canisterId, depth > 0);
  const text = principalText(call.canisterId);
  const refused = lifecycle.refusal(actor);
  if (refused !== undefined) return refused;
  if (actor.record.module.length === 0) return { reject: Rejects.canisterEmpty(text) };
  const loadError = deps.ensureLoaded(actor);
  if (loadError !== undefined) return { reject: Rejects.loadFailed(loadError) };
  const mode = actor.methods.get(call.method)?.mode;
  if (mode !== 'query' && mode !== 'compositeQuery') {
    return { reject: Rejects.methodNotFound(text, 'query', call.method) };
  }
  if (graph.waiting.has(key)) return { reject: Rejects.queryCallGraphLoop() };
  return new Frame(graph, actor, call, depth).run(mode === 'compositeQuery');
}

/** One call context in the graph: a canister's query and its callbacks. */
class Frame {
  readonly #graph: Graph;
  readonly #actor: CanisterActor;
  readonly #call: GraphCall;
  readonly #depth: number;
  readonly #context: CallContext;
  /** Calls made and not yet run, oldest first. */
  readonly #queue: OutgoingCall[] = [];
  /** The call whose callee runs now, if any. */
  #running: number | undefined;
  #executions = 0;

  constructor(graph: Graph, actor: CanisterActor, call: GraphCall, depth: number) {
    this.#graph = graph;
    this.#actor = actor;
    this.#call = call;
    this.#depth = depth;
    this.#context = {
      id: actor.nextContextId++,
      replyTo: { kind: 'none' },
      caller: call.caller,
      origin: graph.origin,
      method: call.method,
      deadlineNs: 0n,
      depth,
      replied: false,
      outstanding: 0,
      cyclesAvailable: 0n,
    };
  }

  run(composite: boolean): Outcome {
    const graph = this.#graph;
    graph.waiting.add(this.#actor.key);
    try {
      let exec = this.#execute(
        composite ? 'compositeQuery' : 'query',
        this.#call.arg,
        'invoke',
        this.#call.method,
      );
      for (;;) {
        if (exec.trap !== undefined) return graph.deps.executor.trapOutcome(this.#actor, exec);
        if (exec.answer !== undefined) return exec.answer;
        // A one-way call's answer can change nothing: a query's effects are all discarded.
        for (const c of exec.calls) if (!c.oneway) this.#queue.push(c);
        const next = this.#queue.shift();
        if (next === undefined) {
          return { reject: Rejects.didNotProduceResponse(principalText(this.#actor.record.id)) };
        }
        if (this.#depth >= graph.deps.limits.maxQueryCallDepth)
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- a control-flow signal, caught by `instanceof` at the root, not an error
          throw new GraphAbort(QUERY_CALL_GRAPH_TOO_DEEP);
        this.#checkBudget();
        this.#running = next.callId;
        const outcome = evaluate(
          graph,
          {
            canisterId: next.callee,
            method: next.method,
            arg: next.arg,
            caller: this.#actor.record.id,
            callId: next.callId,
          },
          this.#depth + 1,
        );
        this.#running = undefined;
        if (next.callee.length > 0) graph.budget -= graph.deps.limits.queryCallOverheadInstructions;
        this.#checkBudget();
        exec = this.#execute(
          'compositeCallback',
          'reply' in outcome ? outcome.reply : new Uint8Array(),
          'deliver',
          next.callId,
          outcome,
        );
      }
    } finally {
      const unanswered = this.#queue.map((c) => c.callId);
      if (this.#running !== undefined) unanswered.push(this.#running);
      graph.deps.executor.discardGraphState(this.#actor, this.#executions, unanswered);
      graph.waiting.delete(this.#actor.key);
    }
  }

  /** What started this frame, for its trace: the user's query, or a call of the canister above. */
  #cause(): TraceCause {
    const { caller, callId } = this.#call;
    return callId === undefined
      ? { kind: 'ingress' }
      : { kind: 'call', caller: toHex(caller), callId };
  }

  #checkBudget(): void {
    if (this.#graph.budget <= 0)
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a control-flow signal, caught by `instanceof` at the root, not an error
      throw new GraphAbort(QUERY_CALL_GRAPH_INSTRUCTIONS);
  }

  #execute(
    mode: Execution['mode'],
    argData: Uint8Array,
    op: 'invoke' | 'deliver',
    arg: string | number,
    response?: Outcome,
  ): Execution {
    const graph = this.#graph;
    const rejected = response !== undefined && 'reject' in response ? response.reject : undefined;
    const exec = openExecution({
      mode,
      context: this.#context,
      method: this.#call.method,
      argData,
      caller: this.#call.caller,
      origin: graph.origin,
      timeNs: graph.timeNs,
      replicated: false,
      // Only the user's own query reads a data certificate, as on ICP.
      ...(this.#depth === 0 && { nonReplicated: true }),
      ...(rejected !== undefined && {
        rejectCode: rejected.code,
        rejectMessage: rejectMessageForCaller(rejected.code, rejected.message, rejected.errorCode),
      }),
    });
    exec.instructionLimit = Math.min(graph.deps.queryInstructions, graph.budget);
    this.#executions++;
    graph.budget -= graph.deps.executor.runInGraph(
      this.#actor,
      exec,
      op,
      arg,
      op === 'invoke' ? this.#cause() : undefined,
    );
    return exec;
  }
}
