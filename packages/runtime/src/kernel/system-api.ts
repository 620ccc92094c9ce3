/**
 * The in-sandbox implementation of the system API: thin wrappers over the host bridge that copy
 * every byte array into this realm and turn host errors into local ones, so canister code never
 * holds a host object.
 */
import { uncaughtText, type CanisterAdapter, type SystemApi } from '@tincan/abi';
import { guarded, host, local, prngState } from './install-globals.js';
import { registerClass } from './heap-codec.js';

const optLocal = (bytes: Uint8Array | undefined): Uint8Array | undefined =>
  bytes === undefined ? undefined : local(bytes);

/** Where the system API reports registrations. */
export interface SystemApiHooks {
  readonly onRegister: (adapter: CanisterAdapter) => void;
  readonly performanceCounter: (counterType: number) => bigint;
}

/** Builds the system API over the host bridge. */
export function createSystemApi(hooks: SystemApiHooks): SystemApi {
  return Object.freeze({
    registerCanister: (adapter: CanisterAdapter) => hooks.onRegister(adapter),
    performanceCounter: (counterType = 0) => hooks.performanceCounter(Number(counterType)),
    settle: (value: unknown, onValue: (value: unknown) => void) => {
      const fail = (err: unknown): void => {
        try {
          host.trap('uncaught', uncaught(err));
        } catch {
          // The host only throws here when the execution already trapped.
        }
      };
      void Promise.resolve(value).then((v) => {
        try {
          onValue(v);
        } catch (err) {
          fail(err);
        }
      }, fail);
    },
    registerClasses: (classes: Record<string, abstract new (...args: never[]) => unknown>) => {
      for (const [name, Class] of Object.entries(classes)) {
        if (typeof Class === 'function' && typeof Class.prototype === 'object')
          registerClass(name, Class.prototype as object);
      }
    },
    msgArgData: () => local(guarded(() => host.msgArgData())),
    msgCaller: () => local(guarded(() => host.msgCaller())),
    msgOrigin: () => local(guarded(() => host.msgOrigin())),
    msgMethodName: () => guarded(() => host.msgMethodName()),
    acceptMessage: () => guarded(() => host.acceptMessage()),
    msgReply: (reply: Uint8Array) => guarded(() => host.msgReply(reply)),
    msgReject: (message: string) => guarded(() => host.msgReject(String(message))),
    msgRejectCode: () => guarded(() => host.msgRejectCode()),
    msgRejectMsg: () => guarded(() => host.msgRejectMsg()),
    msgReplied: () => guarded(() => host.msgReplied()),
    msgDeadline: () => guarded(() => host.msgDeadline()),
    canisterSelf: () => local(guarded(() => host.canisterSelf())),
    canisterVersion: () => guarded(() => host.canisterVersion()),
    isController: (principal: Uint8Array) => guarded(() => host.isController(principal)),
    inReplicatedExecution: () => guarded(() => host.inReplicatedExecution()),
    randSeed: (seed: Uint8Array) => prngState.set(seedWords(seed)),
    time: () => guarded(() => host.time()),
    trap: (message: string, uncaught?: boolean): never => {
      const text = String(message);
      const kind = uncaught === true ? 'uncaught' : 'explicit';
      guarded(() => host.trap(kind, text));
      throw new Error(text);
    },
    debugPrint: (message: string) => guarded(() => host.debugPrint(String(message))),
    timerSet: (delayNs: bigint, intervalNs: bigint) =>
      guarded(() => host.timerSet(BigInt(delayNs), BigInt(intervalNs))),
    timerClear: (timerId: number) => guarded(() => host.timerClear(Number(timerId))),
    callPerform: (callee, method, arg, options) =>
      guarded(() =>
        host.callPerform(
          callee,
          String(method),
          arg,
          BigInt(options.cycles ?? 0n),
          options.timeoutSeconds === undefined ? -1 : Number(options.timeoutSeconds),
          options.oneway === true,
        ),
      ),
    dispatch: (target, method, arg, replyOn, cycles, replyMethod) =>
      guarded(() =>
        host.dispatch(
          target,
          String(method),
          arg,
          Number(replyOn),
          BigInt(cycles),
          String(replyMethod),
        ),
      ),
    dispatchRole: () => guarded(() => host.dispatchRole()),
    dispatchSetReplyData: (data: Uint8Array) => guarded(() => host.dispatchSetReplyData(data)),
    queryContract: (target, method, arg) => {
      const [code, bytes] = guarded(() => host.queryContract(target, String(method), arg));
      // A fresh array of this realm: the host's array must not reach canister code.
      return [Number(code), local(bytes)];
    },
    msgCyclesAvailable: () => guarded(() => host.msgCyclesAvailable()),
    msgCyclesAccept: (maxAmount: bigint) => guarded(() => host.msgCyclesAccept(BigInt(maxAmount))),
    msgCyclesRefunded: () => guarded(() => host.msgCyclesRefunded()),
    canisterCycleBalance: () => guarded(() => host.canisterCycleBalance()),
    canisterLiquidCycleBalance: () => guarded(() => host.canisterLiquidCycleBalance()),
    costCall: (method: string, argBytes: number) =>
      guarded(() => host.costCall(String(method), Number(argBytes))),
    cyclesBurn: (amount: bigint) => guarded(() => host.cyclesBurn(BigInt(amount))),
    certifiedDataSet: (data: Uint8Array) => guarded(() => host.certifiedDataSet(data)),
    dataCertificate: () => optLocal(guarded(() => host.dataCertificate())),
    stableMapGet: (memoryId, key) => optLocal(guarded(() => host.stableMapGet(memoryId, key))),
    stableMapInsert: (memoryId, key, value) =>
      optLocal(guarded(() => host.stableMapInsert(memoryId, key, value))),
    stableMapRemove: (memoryId, key) =>
      optLocal(guarded(() => host.stableMapRemove(memoryId, key))),
    stableMapContains: (memoryId, key) => guarded(() => host.stableMapContains(memoryId, key)),
    stableMapLen: (memoryId) => guarded(() => host.stableMapLen(memoryId)),
    stableMapRange: (memoryId, startIndex, length) =>
      // Array.from is this realm's: the host's array must not reach canister code.
      Array.from(
        guarded(() => host.stableMapRange(memoryId, startIndex, length)),
        ([k, v]): [Uint8Array, Uint8Array] => [local(k), local(v)],
      ),
  } satisfies SystemApi);
}

/**
 * Four PRNG state words from a seed of any length: bytes are folded in with a multiplicative
 * hash, and a state of all zeros (which sfc32 never leaves) gets a constant instead.
 */
function seedWords(seed: Uint8Array): number[] {
  const words = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0];
  for (let i = 0; i < seed.length; i++) {
    const w = i & 3;
    words[w] = Math.imul((words[w] as number) ^ (seed[i] as number), 0x01000193) >>> 0;
  }
  words[3] = (words[3] as number) | 1;
  return words;
}

/** Trap message of an uncaught error, as Azle words it. */
function uncaught(err: unknown): string {
  return uncaughtText(err);
}
