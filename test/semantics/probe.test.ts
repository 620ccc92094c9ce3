import { it } from 'vitest';
import { createTestReplica } from '@tincan/testing';

it('probe', async () => {
  const t = await createTestReplica();
  const c = await t.replica.deploy('test/fixtures/containment.ts');
  const a = t.replica.actor<any>(c);
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = Date.now();
    try { console.log(name, '->', await fn()); } catch (e) { console.log(name, 'THREW', String((e as Error).message).slice(0, 300)); }
    console.log('   ', Date.now() - t0, 'ms', Math.round(process.memoryUsage().rss / 2 ** 20), 'MiB');
  };
  await step('reset', () => a.resetMeter(3));
  for (const k of ['array-fill', 'array-call', 'uint8-field', 'array-buffer', 'array-from', 'repeat', 'pad', 'join', 'grow']) {
    await step('alloc ' + k, () => a.allocate(k));
  }
  await step('bump', () => a.bump());
  await t.dispose();
}, 900_000);
