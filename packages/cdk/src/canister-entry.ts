/**
 * Turns a canister module (its default-exported class) into the adapter the runtime drives.
 * The bundler's generated entry calls {@link registerCanisterModule} once, after the module ran.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import {
  describeValue,
  stackOf,
  systemApi,
  uncaughtText,
  type CanisterAdapter,
  type MethodDescription,
} from '@tincan/abi';
import { serviceToDid } from '@tincan/candid';
import { deliverResponse, forgetCalls, invocationOfDelivered } from './call.js';
import { beginExecution, Invocation, rollBackGuards, runCleanup } from './guard.js';
import { runTimer } from './timers.js';
import { codecFor } from '@tincan/candid';
import { methodMeta, type MethodMeta } from './method-registry.js';
import { beginInspection, messageAcceptedByCall } from './ic-api.js';

/** ICP's contract violation for a second answer to one call. */
const TEXT_ALREADY_REPLIED = 'ic0.msg_reply: the call is already replied';

interface Entry extends MethodMeta {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly returnTypes: IDL.Type[];
  /** The instance of the class that defines the method. */
  readonly instance: object;
}

/** Registers a canister module with the runtime. */
export function registerCanisterModule(mod: Record<string, unknown>): void {
  // Azle: `export default class { … }`, or `export default [A, B]` whose methods make one interface.
  const classes = Array.isArray(mod.default) ? (mod.default as unknown[]) : [mod.default];
  if (classes.length === 0 || classes.some((c) => typeof c !== 'function')) {
    throw new Error(
      'a canister module must `export default class { ... }` (or an array of such classes) with decorated methods',
    );
  }
  const exported: Record<string, abstract new (...args: never[]) => unknown> = {
    Principal: Principal as unknown as abstract new () => unknown,
  };
  for (const [name, value] of Object.entries(mod)) {
    if (
      name !== 'default' &&
      typeof value === 'function' &&
      typeof (value as { prototype?: unknown }).prototype === 'object'
    ) {
      exported[name] = value as abstract new (...args: never[]) => unknown;
    }
  }
  const instances: object[] = [];
  const entries = new Map<string, Entry>();
  for (const Canister of classes as Array<new () => object>) {
    const instance = new Canister();
    instances.push(instance);
    for (const [name, entry] of collectEntries(Canister, instance)) {
      if (entries.has(name)) throw new Error(`two canister classes define the method '${name}'`);
      entries.set(name, entry);
    }
  }
  entries.set(CHUNK_METHOD, {
    name: CHUNK_METHOD,
    mode: 'update',
    paramIdlTypes: [],
    returnIdlType: undefined,
    manual: true,
    hidden: true,
    returnTypes: [],
    instance: instances[0] as object,
    fn: replyEmpty,
  });
  const sys = systemApi();
  sys.registerClasses(exported);
  // One class keeps its instance as the heap root (its fields are the heap); several share an array.
  sys.registerCanister(
    createAdapter(instances.length === 1 ? (instances[0] as object) : instances, entries),
  );
}

/** The self-call Azle's `chunk()` makes to start a new execution. */
const CHUNK_METHOD = '_azle_chunk';

function replyEmpty(): void {
  systemApi().msgReply(new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
}

function collectEntries(Canister: { prototype: object }, instance: object): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (
    let proto: object | null = Canister.prototype;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (entries.has(name)) continue;
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      const meta = methodMeta(fn);
      if (meta !== undefined) {
        const returnTypes = meta.returnIdlType === undefined ? [] : [meta.returnIdlType];
        entries.set(name, { ...meta, name, fn: fn as Entry['fn'], returnTypes, instance });
      }
    }
  }
  return entries;
}

function createAdapter(heapRoot: object, entries: Map<string, Entry>): CanisterAdapter {
  const sys = systemApi();
  const trapWith = (err: unknown): void => {
    // The stack goes to the canister log (where the replica maps it to TypeScript sources);
    // the caller gets the short message.
    const stack = stackOf(err);
    if (stack !== undefined) {
      try {
        sys.debugPrint(stack);
      } catch {
        // Logging must never hide the trap itself.
      }
    }
    trapMessage(uncaughtText(err), true);
  };
  const trapMessage = (message: string, uncaught = false): void => {
    try {
      sys.trap(message, uncaught);
    } catch {
      // sys.trap throws to stop the code that called it; here nothing is left to stop.
    }
  };
  const finish = (entry: Entry, value: unknown): void => {
    if (entry.mode === 'inspectMessage') {
      // Azle accepts the message when the method returns true.
      if (value === true && !messageAcceptedByCall()) sys.acceptMessage();
      return;
    }
    if (
      entry.manual ||
      (entry.mode !== 'update' && entry.mode !== 'query' && entry.mode !== 'compositeQuery')
    )
      return;
    // As on ICP (and in Azle, which replies when the method returns): a method that answered
    // with msgReject (or msgReply) and returns cannot reply again, and the execution traps.
    if (sys.msgReplied()) return trapMessage(TEXT_ALREADY_REPLIED);
    try {
      sys.msgReply(
        codecFor(entry.returnTypes).encode(entry.returnIdlType === undefined ? [] : [value]),
      );
    } catch (err) {
      trapMessage(`${entry.name}: cannot encode the return value: ${messageOf(err)}`);
    }
  };
  return {
    describe: () => describe(entries),
    heapRoot: () => heapRoot,
    invoke(name) {
      beginExecution(new Invocation());
      const entry = entries.get(name);
      if (entry === undefined) return trapMessage(`no method '${name}'`);
      let args: unknown[] = [];
      if (entry.mode === 'inspectMessage') {
        beginInspection();
        // Azle passes the inspected method's name and its decoded arguments (none when manual).
        if (!entry.manual) {
          const target = sys.msgMethodName();
          const types = entries.get(target)?.paramIdlTypes;
          if (types === undefined)
            return trapMessage(`@inspectMessage could not find the IDL types for method ${target}`);
          try {
            args = [target, ...codecFor(types).decode(sys.msgArgData())];
          } catch (err) {
            return trapMessage(`${target}: invalid Candid arguments: ${messageOf(err)}`);
          }
        }
      } else if (!entry.manual) {
        try {
          args = codecFor(entry.paramIdlTypes).decode(sys.msgArgData());
        } catch (err) {
          return trapMessage(`${name}: invalid Candid arguments: ${messageOf(err)}`);
        }
      }
      let result: unknown;
      try {
        result = entry.fn.apply(entry.instance, args);
      } catch (err) {
        return trapWith(err);
      }
      if (isThenable(result)) sys.settle(result, (v) => finish(entry, v));
      else finish(entry, result);
    },
    deliver: deliverResponse,
    forget: forgetCalls,
    timer: (id) => {
      beginExecution(new Invocation());
      runTimer(id);
    },
    rolledBack: rollBackGuards,
    cleanup: (callId) => {
      const invocation = invocationOfDelivered(callId);
      if (invocation === undefined) return;
      try {
        runCleanup(invocation);
      } catch (err) {
        trapWith(err);
      }
    },
  };
}

function describe(entries: Map<string, Entry>): { methods: MethodDescription[]; candid: string } {
  const fields: Record<string, IDL.FuncClass> = {};
  let initArgs: IDL.Type[] | undefined;
  for (const e of entries.values()) {
    // Built at load (metered as install), so a method's first call costs what every later call
    // with the same input costs: performanceCounter counts the same on every call.
    codecFor(e.paramIdlTypes);
    codecFor(e.returnTypes);
    if (e.mode === 'init' || (e.mode === 'postUpgrade' && initArgs === undefined))
      initArgs = e.paramIdlTypes;
    if (e.hidden) continue;
    const rets = e.returnIdlType === undefined ? [] : [e.returnIdlType];
    if (e.mode === 'update') fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, []);
    else if (e.mode === 'query')
      fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, ['query']);
    else if (e.mode === 'compositeQuery')
      fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, ['composite_query']);
  }
  return {
    methods: [...entries.values()].map((e) => ({ name: e.name, mode: e.mode, hidden: e.hidden })),
    candid: serviceToDid(IDL.Service(fields), initArgs),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The message of a thrown value; read without running its getters or conversions. */
function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const own = Object.getOwnPropertyDescriptor(err, 'message');
    if (own !== undefined && typeof own.value === 'string') return own.value;
  }
  return describeValue(err);
}
