import { it } from 'vitest';
import { createTestReplica } from '@tincan/testing';
import { Principal } from '@dfinity/principal';

const MISSING = Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0x0f, 0x42, 0x40, 1, 1])).toText();
it('probe', async () => {
  const t = await createTestReplica();
  const c = await t.replica.deploy('test/fixtures/containment.ts');
  const a = t.replica.actor<any>(c);
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = Date.now();
    try { console.log(name, '->', await fn()); } catch (e) { console.log(name, 'THREW', String((e as Error).message).slice(0, 300)); }
    console.log('   ', Date.now() - t0, 'ms');
  };
  await step('reach', () => a.reach());
  await step('voidCalls', () => a.voidCalls(MISSING, 3));
  await step('unawaited', () => a.unawaitedThrows());
  await step('nondet', () => a.nondeterminism(10));
  for (const k of ['getter-throw', 'to-primitive', 'to-string', 'proxy', 'getter-loop']) {
    await step('throw ' + k, () => a.throwHostile(k));
    await step('reject ' + k, () => a.rejectHostile(k));
  }
  await step('bump', () => a.bump());
  console.log((await t.replica.fetchLogs(c)).map((l) => l.content ?? l).slice(-20));
  await t.dispose();
}, 600_000);
