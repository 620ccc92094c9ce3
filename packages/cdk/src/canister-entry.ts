/**
 * Turns a canister module (its default-exported class) into the adapter the runtime drives.
 * The bundler's generated entry calls {@link registerCanisterModule} once, after the module ran.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describeValue, stackOf, systemApi, type CanisterAdapter, type MethodDescription } from '@tincan/abi';
import { serviceToDid } from '@tincan/candid';
import { deliverResponse, forgetCalls, invocationOfDelivered } from './call.js';
import { beginExecution, Invocation, rollBackGuards, runCleanup } from './guard.js';
import { runTimer } from './timers.js';
import { codecFor } from '@tincan/candid';
import { methodMeta, type MethodMeta } from './method-registry.js';

interface Entry extends MethodMeta {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly returnTypes: IDL.Type[];
}

/** Registers a canister module with the runtime. */
export function registerCanisterModule(mod: Record<string, unknown>): void {
  const Canister = mod.default;
  if (typeof Canister !== 'function') {
    throw new Error('a canister module must `export default class { ... }` with decorated methods');
  }
  const instance = new (Canister as new () => object)();
  const entries = collectEntries(Canister as { prototype: object });
  const sys = systemApi();
  const exported: Record<string, abstract new (...args: never[]) => unknown> = { Principal: Principal as unknown as abstract new () => unknown };
  for (const [name, value] of Object.entries(mod)) {
    if (name !== 'default' && typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object') {
      exported[name] = value as abstract new (...args: never[]) => unknown;
    }
  }
  sys.registerClasses(exported);
  sys.registerCanister(createAdapter(instance, entries));
}

function collectEntries(Canister: { prototype: object }): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (let proto: object | null = Canister.prototype; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (entries.has(name)) continue;
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      const meta = methodMeta(fn);
      if (meta !== undefined) {
        const returnTypes = meta.returnIdlType === undefined ? [] : [meta.returnIdlType];
        entries.set(name, { ...meta, name, fn: fn as Entry['fn'], returnTypes });
      }
    }
  }
  return entries;
}

function createAdapter(instance: object, entries: Map<string, Entry>): CanisterAdapter {
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
    trapMessage(uncaughtMessage(err));
  };
  const trapMessage = (message: string): void => {
    try {
      sys.trap(message);
    } catch {
      // sys.trap throws to stop the code that called it; here nothing is left to stop.
    }
  };
  const finish = (entry: Entry, value: unknown): void => {
    if (entry.manual || (entry.mode !== 'update' && entry.mode !== 'query' && entry.mode !== 'compositeQuery')) return;
    try {
      if (sys.msgReplied()) return;
      sys.msgReply(codecFor(entry.returnTypes).encode(entry.returnIdlType === undefined ? [] : [value]));
    } catch (err) {
      trapMessage(`${entry.name}: cannot encode the return value: ${messageOf(err)}`);
    }
  };
  return {
    describe: () => describe(entries),
    heapRoot: () => instance,
    invoke(name) {
      beginExecution(new Invocation());
      const entry = entries.get(name);
      if (entry === undefined) return trapMessage(`no method '${name}'`);
      let args: unknown[] = [];
      // `@inspectMessage` gets no arguments: it reads msgMethodName() and msgArgData(), as in Azle.
      if (!entry.manual && entry.mode !== 'inspectMessage') {
        try {
          args = codecFor(entry.paramIdlTypes).decode(sys.msgArgData());
        } catch (err) {
          return trapMessage(`${name}: invalid Candid arguments: ${messageOf(err)}`);
        }
      }
      let result: unknown;
      try {
        result = entry.fn.apply(instance, args);
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
    if (e.mode === 'init' || (e.mode === 'postUpgrade' && initArgs === undefined)) initArgs = e.paramIdlTypes;
    if (e.hidden) continue;
    const rets = e.returnIdlType === undefined ? [] : [e.returnIdlType];
    if (e.mode === 'update') fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, []);
    else if (e.mode === 'query') fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, ['query']);
    else if (e.mode === 'compositeQuery') fields[e.name] = IDL.Func(e.paramIdlTypes as never, rets as never, ['composite_query']);
  }
  return {
    methods: [...entries.values()].map((e) => ({ name: e.name, mode: e.mode, hidden: e.hidden })),
    candid: serviceToDid(IDL.Service(fields), initArgs),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The message of a thrown value; read without running its getters or conversions. */
function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const own = Object.getOwnPropertyDescriptor(err, 'message');
    if (own !== undefined && typeof own.value === 'string') return own.value;
  }
  return describeValue(err);
}

/**
 * Trap message for an uncaught error, as Azle words it. Read without running the value's
 * getters or conversions, so a hostile `message` or `toString` cannot hide the trap.
 */
function uncaughtMessage(err: unknown): string {
  return `Uncaught ${describeValue(err)}`;
}
