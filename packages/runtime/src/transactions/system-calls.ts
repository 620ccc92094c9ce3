/**
 * The system calls of dispatch/reply and synchronous queries, in every canister's host bridge:
 * `dispatch` records a sub-message on the execution (run when it ends), `dispatchRole` says
 * where the execution runs in a transaction, and `queryContract` runs another canister's query
 * inline.
 */
import type { Execution } from '../execution/execution.js';
import * as Traps from '../execution/trap.js';
import type { HostBridge } from '../kernel/host-bridge.js';
import { MAX_SUBMSG_DEPTH, REPLY_ON, type SubMessage } from './sub-message.js';

/** What the system calls need from the transaction runner. */
export interface DispatchHost {
  /** The next message id of the transaction being built or run. */
  nextMsgId(): bigint;
  /** Runs `target`'s query `method` inline for the canister `callerKey` (hex id); `[0, reply]` or `[code, message]`. */
  queryContract(
    callerKey: string,
    target: Uint8Array,
    method: string,
    arg: Uint8Array,
  ): [number, Uint8Array];
}

/** Modes that may dispatch: those that commit and may make calls. */
const MAY_DISPATCH = new Set<Execution['mode']>(['update', 'response', 'timer', 'heartbeat']);

/** Builds the dispatch system calls of `actor`'s bridge. */
export function dispatchSystemCalls(
  actor: { readonly key: string },
  live: () => Execution,
  host: DispatchHost | undefined,
  maxReplyBytes: number,
): Pick<HostBridge, 'dispatch' | 'dispatchRole' | 'dispatchSetReplyData' | 'queryContract'> {
  return {
    dispatch: (target, method, arg, replyOn, cycles, replyMethod) => {
      const exec = live();
      const on = REPLY_ON[replyOn];
      if (host === undefined) trapWith(exec, 'dispatch: this runtime has no transactions');
      if (!MAY_DISPATCH.has(exec.mode)) trapWith(exec, `dispatch is not allowed in ${exec.mode}`);
      if (on === undefined) trapWith(exec, `dispatch: unknown replyOn ${replyOn}`);
      if (on !== 'never' && replyMethod === '')
        trapWith(exec, `dispatch: replyOn '${on}' needs a @reply handler or a callback`);
      if (cycles < 0n) trapWith(exec, 'dispatch: cycles must not be negative');
      const depth = (exec.tx?.depth ?? 0) + 1;
      if (depth > MAX_SUBMSG_DEPTH) {
        trapWith(
          exec,
          `dispatch: sub-message depth limit exceeded: a sub-message at depth ${depth} is deeper than MAX_SUBMSG_DEPTH (${MAX_SUBMSG_DEPTH})`,
        );
      }
      const msgId = host.nextMsgId();
      const sub: SubMessage = {
        msgId,
        target: new Uint8Array(target),
        method,
        arg: new Uint8Array(arg),
        replyOn: on,
        cycles,
        replyMethod: on === 'never' ? '' : replyMethod,
      };
      (exec.dispatches ??= []).push(sub);
      return msgId;
    },
    dispatchRole: () => live().tx?.role ?? 0,
    dispatchSetReplyData: (data) => {
      const exec = live();
      // Only the root's own reply handlers run at depth 0 (their sub-messages are at depth 1).
      if (exec.tx?.role !== 2 || exec.tx.depth !== 0)
        trapWith(
          exec,
          'setReplyData is only allowed in a reply handler of a sub-message the root execution dispatched',
        );
      if (!isCandid(data))
        trapWith(exec, 'setReplyData: the data is not Candid (it must start with DIDL)');
      if (data.length > maxReplyBytes)
        trapWith(
          exec,
          `setReplyData: ${data.length} bytes exceed the reply limit of ${maxReplyBytes} bytes`,
        );
      exec.replyData = new Uint8Array(data);
    },
    queryContract: (target, method, arg) => {
      const exec = live();
      if (host === undefined) trapWith(exec, 'queryContract: this runtime has no transactions');
      return host.queryContract(actor.key, target, method, arg);
    },
  };
}

/** Whether `data` starts with Candid's magic bytes, `DIDL`. */
function isCandid(data: Uint8Array): boolean {
  return data[0] === 0x44 && data[1] === 0x49 && data[2] === 0x44 && data[3] === 0x4c;
}

/** Records a trap on the execution and stops the canister code that caused it. */
function trapWith(exec: Execution, message: string): never {
  exec.trap ??= Traps.apiMisuse(message);
  throw new Error(message);
}
