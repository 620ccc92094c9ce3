import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type MemoryHog from '../fixtures/memory-hog.js';
import { rejectedCall as rejectOf } from './helpers.js';

// ICP semantics: update_settings' memory settings are enforced: wasm_memory_limit bounds the
// heap, memory_allocation bounds code + heap + stable maps. An execution past them traps.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('memory settings', () => {
  it('traps an execution that grows the heap past wasm_memory_limit, and keeps the state from before it', async () => {
    t = await replicas.create();
    const hog = await t.replica.deploy('test/fixtures/memory-hog.ts', {
      settings: { wasmMemoryLimitBytes: 20_000n },
    });
    const actor = t.replica.actor<MemoryHog>(hog);
    expect(await actor.growHeap(1_000)).toBe(1);
    const err = await rejectOf(actor.growHeap(50_000));
    expect(err.rejectCode).toBe(5);
    expect(err.message).toMatch(/wasm_memory_limit of 20000 bytes/);
    // Rolled back in the realm too: the next execution sees one blob, not two.
    expect(await actor.heapItems()).toBe(1);
    expect(await actor.growHeap(1_000)).toBe(2);
    // Raising the limit lets the same growth through.
    t.replica.updateSettings(hog, { wasmMemoryLimitBytes: 0n });
    expect(await actor.growHeap(50_000)).toBe(3);
  });

  it('counts stable maps against memory_allocation, and only when one is set', async () => {
    t = await replicas.create();
    const hog = await t.replica.deploy('test/fixtures/memory-hog.ts');
    const actor = t.replica.actor<MemoryHog>(hog);
    expect(await actor.growStable(1, 100_000)).toBe(1); // no allocation: anything goes
    const record = t.replica.runtime.record(hog.id.toUint8Array());
    t.replica.updateSettings(hog, {
      memoryAllocationBytes: BigInt(record.module.length) + 150_000n,
    });
    expect(await actor.growStable(2, 10_000)).toBe(2);
    const err = await rejectOf(actor.growStable(3, 100_000));
    expect(err.message).toMatch(/memory allocation of \d+ bytes/);
    expect(await actor.stableItems()).toBe(2);
    // The heap counts as well.
    await rejectOf(actor.growHeap(100_000));
    expect(await actor.heapItems()).toBe(0);
  });
});
