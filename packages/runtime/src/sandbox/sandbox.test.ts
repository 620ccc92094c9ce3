import { bundleKernel } from '@tincan/bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_ENTRY } from '../kernel-entry.js';
import type { HostBridge } from '../kernel/host-bridge.js';
import { Sandbox, compileKernel, type CompiledKernel } from './sandbox.js';

let kernel: CompiledKernel;
beforeAll(async () => {
  kernel = compileKernel(await bundleKernel(KERNEL_ENTRY));
});

/** A host bridge whose every function would hand out host-realm values. */
function bridge(overrides: Partial<HostBridge> = {}): Omit<HostBridge, 'opArg'> {
  const none = (): never => {
    throw new Error('not in this test');
  };
  return {
    randomSeed: () => [1, 2, 3, 4],
    instructionBudget: () => 1e6,
    heapExhausted: () => false,
    msgArgData: () => new Uint8Array([1]), msgCaller: () => new Uint8Array([4]), msgOrigin: () => new Uint8Array([4]),
    msgMethodName: () => 'm', acceptMessage: none, msgReply: none, msgReject: none, msgRejectCode: () => 0, msgRejectMsg: () => '', msgReplied: () => false,
    msgDeadline: () => 0n, canisterSelf: () => new Uint8Array([1]), time: () => 1_700_000_000_123_000_000n, trap: none, debugPrint: () => undefined,
    callPerform: none, msgCyclesAvailable: () => 0n, msgCyclesAccept: () => 0n, msgCyclesRefunded: () => 0n, canisterCycleBalance: () => 0n, cyclesBurn: () => 0n,
    timerSet: none, timerClear: none, stableMapGet: none, stableMapInsert: none, stableMapRemove: none, stableMapContains: none, stableMapLen: () => 0n,
    stableMapRange: () => [[new Uint8Array([1]), new Uint8Array([2])]],
    utf8Encode: (t) => Buffer.from(t), utf8Decode: (b) => Buffer.from(b).toString(),
    ...overrides,
  };
}

/** Evaluates `expr` inside a fresh sandbox, after the kernel installed the system API. */
function evalInSandbox(expr: string, overrides: Partial<HostBridge> = {}): unknown {
  const sandbox = new Sandbox({ kernel, bridge: bridge(overrides) as HostBridge, timeoutMs: 0 });
  const source = `
    const sys = globalThis[Symbol.for('tincan.system')];
    sys.registerMeter({ reset() {}, remaining: () => 0, charge() {} });
    globalThis[Symbol.for('tincan.barrier')].register();
    let result;
    try { result = (() => (${expr}))(); } catch (e) { result = 'threw ' + e.name; }
    sys.registerCanister({ describe: () => ({ methods: [], candid: JSON.stringify(result) }), heapRoot: () => ({}), invoke() {}, deliver() {}, forget() {} });`;
  return JSON.parse(sandbox.load(source, 'probe.js').candid);
}

describe('sandbox isolation', () => {
  it('hides the host bridge and host globals', () => {
    expect(evalInSandbox("[typeof __tincan_host, typeof process, typeof require, typeof fetch, typeof setTimeout].join()")).toBe('undefined,undefined,undefined,undefined,undefined');
  });
  it('refuses code generation from strings, even through system API functions', () => {
    expect(evalInSandbox("sys.msgCaller.constructor('return 1')()")).toBe('threw EvalError');
    expect(evalInSandbox("eval('1')")).toBe('threw EvalError');
  });
  it('returns only values of its own realm', () => {
    expect(evalInSandbox('sys.msgArgData() instanceof Uint8Array')).toBe(true);
    expect(evalInSandbox('sys.stableMapRange(0, 0, 1) instanceof Array && sys.stableMapRange(0, 0, 1)[0][0] instanceof Uint8Array')).toBe(true);
  });
  it('turns host errors into local ones', () => {
    expect(evalInSandbox("(() => { try { sys.msgReply(new Uint8Array()); } catch (e) { return e instanceof Error && e.message; } })()")).toBe('not in this test');
  });
  it('gives replica time to Date and a seeded Math.random', () => {
    expect(evalInSandbox('Date.now()')).toBe(1_700_000_000_123);
    expect(evalInSandbox('new Date().getTime()')).toBe(1_700_000_000_123);
    const a = evalInSandbox('[Math.random(), Math.random()]');
    expect(evalInSandbox('[Math.random(), Math.random()]')).toEqual(a);
    expect(evalInSandbox('[Math.random(), Math.random()]', { randomSeed: () => [9, 9, 9, 9] })).not.toEqual(a);
  });
  it('routes console to the canister log', () => {
    const lines: string[] = [];
    evalInSandbox("(console.log('hello', 5n, { a: 1 }), 0)", { debugPrint: (m) => void lines.push(m) });
    expect(lines).toEqual(['hello 5n {"a":1}']);
  });
});
