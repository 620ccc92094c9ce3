import { bundleKernel } from '@tincan/bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_ENTRY } from './kernel-entry.js';
import type { HostBridge } from '../kernel/host-bridge.js';
import { Sandbox, compileKernel, type CompiledKernel } from './sandbox.js';

let kernel: CompiledKernel;
beforeAll(async () => {
  kernel = compileKernel(await bundleKernel(KERNEL_ENTRY), 'sandboxtestsecret0123456789');
});

/** A host bridge whose every function would hand out host-realm values. */
function bridge(overrides: Partial<HostBridge> = {}): Omit<HostBridge, 'opArg' | 'kernelReady'> {
  const none = (): never => {
    throw new Error('not in this test');
  };
  return {
    randomSeed: () => [1, 2, 3, 4],
    instructionBudget: () => 1e6,
    heapLimitBytes: () => 2 ** 29,
    heapExhausted: () => false,
    msgArgData: () => new Uint8Array([1]),
    msgCaller: () => new Uint8Array([4]),
    msgOrigin: () => new Uint8Array([4]),
    msgMethodName: () => 'm',
    acceptMessage: none,
    msgReply: none,
    msgReject: none,
    msgRejectCode: () => 0,
    msgRejectMsg: () => '',
    msgReplied: () => false,
    msgDeadline: () => 0n,
    canisterSelf: () => new Uint8Array([1]),
    canisterVersion: () => 0n,
    isController: () => false,
    inReplicatedExecution: () => true,
    canisterLiquidCycleBalance: () => 0n,
    costCall: () => 0n,
    time: () => 1_700_000_000_123_000_000n,
    trap: none,
    instructionLimitExceeded: none,
    debugPrint: () => undefined,
    callPerform: none,
    dispatch: none,
    dispatchRole: () => 0,
    dispatchSetReplyData: none,
    queryContract: none,
    msgCyclesAvailable: () => 0n,
    msgCyclesAccept: () => 0n,
    msgCyclesRefunded: () => 0n,
    canisterCycleBalance: () => 0n,
    cyclesBurn: () => 0n,
    certifiedDataSet: none,
    dataCertificate: () => new Uint8Array([9]),
    timerSet: none,
    timerClear: none,
    stableMapGet: none,
    stableMapInsert: none,
    stableMapRemove: none,
    stableMapContains: none,
    stableMapLen: () => 0n,
    stableMapRange: () => [[new Uint8Array([1]), new Uint8Array([2])]],
    utf8Encode: (t) => Buffer.from(t),
    utf8Decode: (b) => Buffer.from(b).toString(),
    ...overrides,
  };
}

/** Evaluates `expr` inside a fresh sandbox, after the kernel installed the system API. */
function evalInSandbox(expr: string, overrides: Partial<HostBridge> = {}): unknown {
  const sandbox = new Sandbox({ kernel, bridge: bridge(overrides) });
  const source = `
    const sys = globalThis[Symbol.for('tincan.system')];
    globalThis[Symbol.for('tincan.meter')]({ reset() {}, remaining: () => 0, charge() {} });
    globalThis[Symbol.for('tincan.barrier')].register();
    let result;
    try { result = (() => (${expr}))(); } catch (e) { result = 'threw ' + e.name; }
    sys.registerCanister({ describe: () => ({ methods: [], candid: JSON.stringify(result) }), heapRoot: () => ({}), invoke() {}, deliver() {}, forget() {} });`;
  return JSON.parse(sandbox.load(source, 'probe.js').candid);
}

describe('sandbox isolation', () => {
  it('hides the host bridge and host globals', () => {
    expect(
      evalInSandbox(
        '[typeof __tincan_host, typeof process, typeof require, typeof fetch, typeof setTimeout].join()',
      ),
    ).toBe('undefined,undefined,undefined,undefined,undefined');
  });
  it('refuses code generation from strings, even through system API functions', () => {
    expect(evalInSandbox("sys.msgCaller.constructor('return 1')()")).toBe('threw EvalError');
    expect(evalInSandbox("eval('1')")).toBe('threw EvalError');
  });
  it('returns only values of its own realm', () => {
    expect(evalInSandbox('sys.msgArgData() instanceof Uint8Array')).toBe(true);
    expect(evalInSandbox('sys.dataCertificate() instanceof Uint8Array')).toBe(true);
    expect(
      evalInSandbox(
        'sys.stableMapRange(0, 0, 1) instanceof Array && sys.stableMapRange(0, 0, 1)[0][0] instanceof Uint8Array',
      ),
    ).toBe(true);
  });
  it('turns host errors into local ones', () => {
    expect(
      evalInSandbox(
        '(() => { try { sys.msgReply(new Uint8Array()); } catch (e) { return e instanceof Error && e.message; } })()',
      ),
    ).toBe('not in this test');
  });
  it('reports a trap to the host with its kind: ic0.trap, or an error nothing caught', () => {
    const seen: [string, string][] = [];
    const trap: HostBridge['trap'] = (kind, message) => {
      seen.push([kind, message]);
    };
    expect(
      evalInSandbox("(() => { try { sys.trap('mine'); } catch { return 1; } })()", { trap }),
    ).toBe(1);
    expect(
      evalInSandbox(
        "(() => { try { sys.trap('Uncaught Error: x', true); } catch { return 2; } })()",
        {
          trap,
        },
      ),
    ).toBe(2);
    expect(seen).toEqual([
      ['explicit', 'mine'],
      ['uncaught', 'Uncaught Error: x'],
    ]);
  });
  it('gives replica time to Date and a seeded Math.random', () => {
    expect(evalInSandbox('Date.now()')).toBe(1_700_000_000_123);
    expect(evalInSandbox('new Date().getTime()')).toBe(1_700_000_000_123);
    const a = evalInSandbox('[Math.random(), Math.random()]');
    expect(evalInSandbox('[Math.random(), Math.random()]')).toEqual(a);
    expect(
      evalInSandbox('[Math.random(), Math.random()]', { randomSeed: () => [9, 9, 9, 9] }),
    ).not.toEqual(a);
  });
  it('leaves canister code the system API only: the meter claim is gone, no kernel op is reachable', () => {
    expect(evalInSandbox("typeof globalThis[Symbol.for('tincan.meter')]")).toBe('undefined');
    expect(evalInSandbox('Object.getOwnPropertySymbols(globalThis).map(String)')).toEqual([
      'Symbol(tincan.system)',
    ]);
    expect(
      evalInSandbox(
        "Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__tincan'))",
      ),
    ).toEqual([]);
    expect(
      evalInSandbox(
        "[typeof sys.registerMeter, typeof sys.meterRefill, typeof globalThis[Symbol.for('tincan.kernel')]].join()",
      ),
    ).toBe('undefined,undefined,undefined');
  });
  it('makes nondeterministic built-ins inert', () => {
    expect(evalInSandbox('(() => { const t = {}; return new WeakRef(t).deref() === t; })()')).toBe(
      true,
    );
    expect(
      evalInSandbox(
        "(() => { const r = new FinalizationRegistry(() => { throw new Error('ran'); }); r.register({}, 1); return r.unregister({}); })()",
      ),
    ).toBe(false);
    expect(evalInSandbox('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1)')).toBe(
      'threw TypeError',
    );
    expect(
      evalInSandbox("(Error.prepareStackTrace = () => 'mine', typeof Error.prepareStackTrace)"),
    ).toBe('undefined');
  });
  it('logs a rejection nothing handled to the canister, not the process', async () => {
    const lines: string[] = [];
    const escaped: unknown[] = [];
    const record = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', record);
    try {
      evalInSandbox(
        "(Promise.reject(new RangeError('nobody awaits')), (async () => { throw 7; })(), 0)",
        { debugPrint: (m) => void lines.push(m) },
      );
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(escaped).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Uncaught \(in promise\) RangeError: nobody awaits/);
    expect(lines[1]).toMatch(/^Uncaught \(in promise\) 7/);
  });
  it('routes console to the canister log', () => {
    const lines: string[] = [];
    evalInSandbox("(console.log('hello', 5n, { a: 1 }), 0)", {
      debugPrint: (m) => void lines.push(m),
    });
    expect(lines).toEqual(['hello 5n {"a":1}']);
  });
});

describe('replaceBridge', () => {
  it('makes the kernel call the new host functions from then on', () => {
    const sandbox = new Sandbox({ kernel, bridge: bridge({ time: () => 5n }) });
    const source = `
      const sys = globalThis[Symbol.for('tincan.system')];
      globalThis[Symbol.for('tincan.meter')]({ reset() {}, remaining: () => 0, charge() {} });
      globalThis[Symbol.for('tincan.barrier')].register();
      sys.registerCanister({ describe: () => ({ methods: [], candid: String(sys.time()) }), heapRoot: () => ({}), invoke() {}, deliver() {}, forget() {} });`;
    expect(sandbox.load(source, 'replace.js').candid).toBe('5');
    sandbox.replaceBridge(bridge({ time: () => 7n }));
    const again = JSON.parse(sandbox.op('describe') as string) as { candid: string };
    expect(again.candid).toBe('7');
  });
});
