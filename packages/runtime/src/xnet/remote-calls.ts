/**
 * The runtime's end of calls between subnets: handing a picked request for another subnet's
 * canister to the XNet layer, inducting a request that came in on a stream, and delivering the
 * response to a call that went out.
 */
import type { CallRouter } from '../calls/call-router.js';
import type { Executor } from '../execution/executor.js';
import type { Outcome, ReplyTarget, RequestMessage } from '../calls/messages.js';
import { toHex } from '../canisters/principal-ids.js';
import type { SubnetRouting } from './subnet-routing.js';

/** A request as it arrives on a stream from another subnet. */
export interface InductedRequest {
  readonly callee: Uint8Array;
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly cycles: bigint;
  readonly deadlineNs: bigint;
  readonly depth: number;
}

/**
 * Routes a picked request whose target this runtime does not host. Returns true when the XNet
 * layer took it or refused it (the caller then has its reject); false when no subnet hosts
 * the target and the dispatcher should answer as for a missing canister.
 */
export function routeRemote(
  message: RequestMessage,
  routing: SubnetRouting,
  executor: Executor,
): boolean {
  if (message.replyTo.kind !== 'canister') return false;
  const result = routing.routeOut(message);
  if (result === undefined) return false;
  // A system reject returns every attached cycle to the caller.
  if (result.kind === 'refused') executor.deliver(message.replyTo, result.outcome, message.cycles);
  return true;
}

/** What the XNet layer is told, inside a batch's transaction, about an inducted request. */
export interface InductHooks {
  /** The answer, at once (`onAnswer` gets it after the commit). */
  readonly record?: (outcome: Outcome, refund: bigint) => void;
  /** The request is taken to be executed. */
  readonly onPicked?: () => void;
}

/**
 * Queues a request from another subnet's stream. Its answer goes to `onAnswer` once the
 * execution that made it has committed, or at once when the pair's queue is full (then this
 * returns false).
 */
export function inductRemote(
  router: CallRouter,
  request: InductedRequest,
  onAnswer: (outcome: Outcome, refund: bigint) => void,
  hooks: InductHooks = {},
): boolean {
  const replyTo: ReplyTarget = { kind: 'remote', onAnswer, ...hooks };
  const refused = router.queue({
    kind: 'request',
    target: toHex(request.callee),
    source: toHex(request.caller),
    caller: request.caller,
    origin: request.origin,
    method: request.method,
    arg: request.arg,
    replyTo,
    deadlineNs: request.deadlineNs,
    cycles: request.cycles,
    depth: request.depth,
  });
  if (refused === undefined) return true;
  onAnswer(refused, request.cycles);
  return false;
}
