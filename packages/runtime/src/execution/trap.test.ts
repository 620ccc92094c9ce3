import { describe, expect, it } from 'vitest';
import { Rejects, contractViolationText, instructionLimitText } from '@tincan/abi';
import * as Traps from './trap.js';

const C = 'bkyz2-fmaaa-aaaaa-qaaaq-cai';

describe('traps', () => {
  it('answer a canister trap and the runtime traps with the ic0.trap text around the message', () => {
    const traps = [
      Traps.explicit('boom'),
      Traps.uncaught('Uncaught Error: boom'),
      Traps.fromKernel('memory-limit', 'heap memory limit exceeded: nearly out of memory'),
      Traps.memoryLimit(
        'Canister exceeded its wasm_memory_limit of 10 bytes: its heap would be 11 bytes',
      ),
      Traps.apiMisuse('timers cannot be set in a query'),
      Traps.heapUnpersistable('a WeakRef'),
      Traps.transactionReverted('no reply'),
      Traps.noHeapSnapshot(),
    ];
    for (const trap of traps) {
      expect(Traps.systemText(C, trap)).toBeUndefined();
      expect(Traps.reject(C, trap)).toEqual(Rejects.trapped(C, trap.message));
      expect(Traps.nestedReject(C, trap)).toEqual({
        code: 5,
        errorCode: 'IC0503',
        message: `Canister ${C} trapped: ${trap.message}`,
      });
    }
    expect(Traps.heapUnpersistable('a WeakRef').message).toBe(
      'canister state cannot be persisted: a WeakRef',
    );
    expect(Traps.transactionReverted('x').message).toBe('transaction reverted: x');
  });

  it('answer a contract violation and the instruction limit with their own ICP texts', () => {
    const violation = Traps.contractViolation('"ic0_call_new" cannot be executed in query mode');
    expect(violation).toMatchObject({
      kind: 'contract-violation',
      message: 'Canister violated contract: "ic0_call_new" cannot be executed in query mode',
    });
    const text = contractViolationText(C, '"ic0_call_new" cannot be executed in query mode');
    expect(Traps.reject(C, violation)).toEqual({ code: 5, ...text });
    expect(Traps.nestedReject(C, violation)).toEqual({ code: 5, ...text });

    const limit = Traps.instructionLimit(1000);
    expect(limit).toMatchObject({
      kind: 'instruction-limit',
      message: 'Canister exceeded the limit of 1000 instructions for single message execution.',
    });
    expect(Traps.reject(C, limit)).toEqual({ code: 5, ...instructionLimitText(C, 1000) });
    expect(Traps.reject(C, limit).errorCode).toBe('IC0522');
  });

  it('tell the wall-clock backstop from another host failure by its error code', () => {
    const timeout = Object.assign(new Error('execution timed out after 5 ms (wall-clock limit)'), {
      code: 'ERR_EXECUTION_TIMED_OUT',
    });
    expect(Traps.escaped(timeout)).toEqual({
      kind: 'timeout',
      message: 'execution timed out after 5 ms (wall-clock limit)',
    });
    // The same words without the code are not a timeout: the kind never comes from the text.
    expect(Traps.escaped(new Error('execution timed out after 5 ms'))).toMatchObject({
      kind: 'host-failure',
    });
    expect(Traps.reject(C, Traps.escaped(timeout))).toEqual(
      Rejects.trapped(C, 'execution timed out after 5 ms (wall-clock limit)'),
    );
  });
});
