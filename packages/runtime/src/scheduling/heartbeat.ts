/**
 * `@heartbeat`: once per round, every running canister that has a heartbeat method gets one
 * execution of it, with the commit and trap rules of any other execution. The host decides
 * when a round starts (`Replica.tick()`, or about once a second on the wall clock).
 */
import type { CanisterActor } from '../canisters/canister-actor.js';
import { openExecution } from '../execution/execution.js';
import type { Executor } from '../execution/executor.js';
import * as lifecycle from '../lifecycle/lifecycle.js';
import type { HeartbeatMessage, Message, NewMessage } from '../calls/messages.js';
import type { StateStore } from '../state/state-store.js';

/** Candid encoding of no arguments: the heartbeat method decodes it. */
const IDL_EMPTY = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]);

/** The name of the canister's heartbeat method, if it has one. */
function heartbeatMethod(actor: CanisterActor): string | undefined {
  for (const [name, method] of actor.methods) if (method.mode === 'heartbeat') return name;
  return undefined;
}

/** Registry records whose code failed to load: not retried every round (a new record is). */
const unloadable = new WeakSet<object>();

/**
 * Queues a heartbeat for every running canister with code that has a heartbeat method and no
 * heartbeat still waiting. Returns how many were queued. Whether a canister has a heartbeat is
 * known from its code; `skip` tells the canisters whose module is recorded as having none, so
 * they are not loaded just to find that out.
 */
export function queueHeartbeats(
  actors: Iterable<CanisterActor>,
  pending: readonly Message[],
  enqueue: (message: NewMessage) => void,
  ensureLoaded: (actor: CanisterActor) => string | undefined,
  skip: (actor: CanisterActor) => boolean = () => false,
): number {
  const waiting = new Set<string>();
  for (const m of pending) if (m.kind === 'heartbeat') waiting.add(m.target);
  let queued = 0;
  for (const actor of actors) {
    if (
      actor.record.status !== 'running' ||
      actor.record.module.length === 0 ||
      waiting.has(actor.key) ||
      unloadable.has(actor.record)
    )
      continue;
    if (skip(actor)) continue;
    if (ensureLoaded(actor) !== undefined) {
      unloadable.add(actor.record);
      continue;
    }
    if (heartbeatMethod(actor) === undefined) continue;
    enqueue({ kind: 'heartbeat', target: actor.key });
    queued++;
  }
  return queued;
}

/** What running a heartbeat needs from the runtime. */
export interface HeartbeatDeps {
  readonly actors: Map<string, CanisterActor>;
  readonly executor: Executor;
  readonly store: StateStore;
  readonly now: () => bigint;
}

/** Runs a canister's heartbeat as its own execution. */
export function executeHeartbeat(message: HeartbeatMessage, deps: HeartbeatDeps): void {
  const actor = deps.actors.get(message.target);
  if (actor === undefined || actor.sandbox === undefined || actor.record.status !== 'running')
    return;
  const method = heartbeatMethod(actor);
  if (method === undefined) return;
  // Like a timer, a heartbeat answers nobody, but its context holds the callbacks of its calls.
  const context = {
    id: actor.nextContextId++,
    replyTo: { kind: 'none' as const },
    caller: actor.record.id,
    origin: actor.record.id,
    method,
    deadlineNs: 0n,
    depth: 0,
    replied: false,
    outstanding: 0,
    cyclesAvailable: 0n,
  };
  actor.contexts.set(context.id, context);
  const exec = openExecution({
    mode: 'heartbeat',
    context,
    method,
    argData: IDL_EMPTY,
    caller: actor.record.id,
    origin: actor.record.id,
    timeNs: deps.now(),
  });
  deps.executor.run(actor, exec, 'invoke', method);
  lifecycle.settleStopping(actor, deps.store);
}
