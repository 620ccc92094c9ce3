import { afterEach, describe, expect, it } from 'vitest';
import { Principal } from '@dfinity/principal';
import {
  decodeCertificate,
  encodeCbor,
  generateRootKey,
  signCertificate,
} from '@tincan/certification';
import { MAX_XNET_PAYLOAD_BYTES, ZERO_FEES, subnetRange } from '@tincan/replica';
import { createTestSubnets, type TestSubnets } from '@tincan/testing';
import type XnetPeer from '../fixtures/xnet-peer.js';

const PEER = 'test/fixtures/xnet-peer.ts';

let t: TestSubnets | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function twoSubnets() {
  t = await createTestSubnets();
  const { subnets } = t;
  const a = await subnets.deploy(0, PEER);
  const a2 = await subnets.deploy(0, PEER);
  const b = await subnets.deploy(1, PEER);
  return { subnets, a, a2, b };
}

/** Runs `work` while driving every subnet and stream until it settles. */
async function settle<T>(subnets: TestSubnets['subnets'], work: Promise<T>): Promise<T> {
  const done = work.then((v) => v);
  await subnets.runUntilIdle();
  return done;
}

describe('a replica of two subnets', { timeout: 120_000 }, () => {
  it('allocates each subnet its own canister range and serves calls within a subnet as before', async () => {
    const { subnets, a, a2, b } = await twoSubnets();
    expect(subnets.subnetOf(a.id)).toBe(0);
    expect(subnets.subnetOf(b.id)).toBe(1);
    const [low, high] = subnetRange(1);
    expect(
      Buffer.compare(Buffer.from(low), Buffer.from(b.id.toUint8Array())) <= 0 &&
        Buffer.compare(Buffer.from(b.id.toUint8Array()), Buffer.from(high)) <= 0,
    ).toBe(true);
    expect(subnets.subnets[0]?.id.toText()).not.toBe(subnets.subnets[1]?.id.toText());
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).relayAdd(a2.id, 4n))).toBe(4n);
    expect(subnets.xnet.flush()).toBe(0);
  });

  it('carries a call to another subnet and its reply back, with the caller as msgCaller', async () => {
    const { subnets, a, b } = await twoSubnets();
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).relayAdd(b.id, 5n))).toBe(5n);
    expect(await settle(subnets, subnets.actor<XnetPeer>(b).relayAdd(a.id, 7n))).toBe(7n);
    expect(await subnets.actor<XnetPeer>(b).getCount()).toBe(5n);
    expect(await subnets.actor<XnetPeer>(a).getCount()).toBe(7n);
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).relayWhoami(b.id))).toBe(a.id.toText());
    expect(subnets.xnet.callsInFlight).toBe(0);
  });

  it('keeps per-stream order: requests from one caller to one callee start in the order sent', async () => {
    const { subnets, a, b } = await twoSubnets();
    const entries = Array.from({ length: 30 }, (_, i) => `e${i}`);
    await settle(
      subnets,
      Promise.all(entries.map((e) => subnets.actor<XnetPeer>(a).relayAppend(b.id, e))),
    );
    expect(await subnets.actor<XnetPeer>(b).getLog()).toEqual(entries);
  });

  it('rejects a request over 2 MiB to another subnet, while the same payload within a subnet passes', async () => {
    const { subnets, a, a2, b } = await twoSubnets();
    const size = MAX_XNET_PAYLOAD_BYTES + 1;
    const cross = await settle(subnets, subnets.actor<XnetPeer>(a).sendBlob(b.id, size));
    expect(cross).toMatch(
      /^rejected 5: .*more than the 2097152 bytes a message between subnets may have/,
    );
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).sendBlob(a2.id, size))).toMatch(
      /^ok 2097\d+$/,
    );
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).sendBlob(b.id, 1000))).toBe('ok 1000');
  });

  it('refuses a tampered stream certificate, inducts nothing, and delivers once the genuine slice arrives', async () => {
    const { subnets, a, b } = await twoSubnets();
    subnets.xnet.intercept = (_from, _to, slice) => {
      const cert = decodeCertificate(slice);
      // Re-encode with one byte of the signature flipped: the tree (and the message) is intact.
      const signature = cert.signature.slice();
      signature[10] = (signature[10] as number) ^ 1;
      return encodeCbor({ ...cert, signature });
    };
    const call = subnets.actor<XnetPeer>(a).relayAdd(b.id, 3n);
    await Promise.all(subnets.subnets.map((s) => s.replica.idle()));
    expect(subnets.xnet.flush()).toBe(0);
    expect(subnets.xnet.refused.at(-1)?.reason).toMatch(/signature does not verify/);
    expect(await subnets.actor<XnetPeer>(b).getCount()).toBe(0n);

    // A slice whose tree was changed (the message rewritten) is refused too.
    subnets.xnet.intercept = (_from, _to, slice) => {
      const text = Buffer.from(slice);
      const at = text.indexOf(Buffer.from('add'));
      text[at] = 'd'.charCodeAt(0);
      return new Uint8Array(text);
    };
    expect(subnets.xnet.flush()).toBe(0);
    expect(subnets.xnet.refused.at(-1)?.reason).toMatch(/signature does not verify/);

    subnets.xnet.intercept = undefined;
    expect(await settle(subnets, call)).toBe(3n);
    expect(await subnets.actor<XnetPeer>(b).getCount()).toBe(3n);
  });

  it('refuses a slice signed with a key the root did not delegate, and a replayed slice inducts nothing twice', async () => {
    const { subnets, a, b } = await twoSubnets();
    let captured: Uint8Array | undefined;
    const forger = generateRootKey(new Uint8Array(32).fill(9));
    subnets.xnet.intercept = (from, _to, slice) => {
      if (from !== 1) return slice;
      const cert = decodeCertificate(slice);
      captured = slice;
      // Same tree and delegation, signed by a key the root never vouched for.
      return signCertificate(
        cert.tree,
        forger.secretKey,
        cert.delegation === undefined ? {} : { delegation: cert.delegation },
      );
    };
    const call = subnets.actor<XnetPeer>(b).relayAdd(a.id, 2n);
    await Promise.all(subnets.subnets.map((s) => s.replica.idle()));
    expect(subnets.xnet.flush()).toBe(0);
    expect(subnets.xnet.refused.at(-1)).toMatchObject({ from: 1, to: 0 });
    expect(subnets.xnet.refused.at(-1)?.reason).toMatch(/signature does not verify/);
    expect(await subnets.actor<XnetPeer>(a).getCount()).toBe(0n);

    subnets.xnet.intercept = undefined;
    expect(await settle(subnets, call)).toBe(2n);
    // The genuine slice sent again: the receiver already has its messages and inducts none.
    expect(captured).toBeDefined();
    subnets.xnet.receive(1, 0, captured as Uint8Array);
    await subnets.runUntilIdle();
    expect(await subnets.actor<XnetPeer>(a).getCount()).toBe(2n);
  });

  it('conserves cycles across subnets: what the callee does not accept comes back with the reply', async () => {
    t = await createTestSubnets({ fees: ZERO_FEES });
    const { subnets } = t;
    const a = await subnets.deploy(0, PEER);
    const b = await subnets.deploy(1, PEER);
    const [before, beforeB] = [
      subnets.replica(0).cycleBalance(a),
      subnets.replica(1).cycleBalance(b),
    ];
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).sendCycles(b.id, 1_000_000n))).toEqual([
      500_000n,
      500_000n,
    ]);
    expect(subnets.replica(0).cycleBalance(a)).toBe(before - 500_000n);
    expect(subnets.replica(1).cycleBalance(b)).toBe(beforeB + 500_000n);
  });

  it('keeps canisters and their ranges across a restart of the same state directory', async () => {
    const { subnets, a, b } = await twoSubnets();
    expect(await settle(subnets, subnets.actor<XnetPeer>(a).relayAdd(b.id, 1n))).toBe(1n);
    const ids = subnets.subnets.map((s) => s.id.toText());
    await subnets.close();
    const { Subnets, ManualClock } = await import('@tincan/replica');
    const reopened = await Subnets.create({
      count: 2,
      stateDir: (t as TestSubnets).stateDir,
      clock: new ManualClock(1_767_225_600_000_000_000n),
    });
    try {
      expect(reopened.subnets.map((s) => s.id.toText())).toEqual(ids);
      expect(await settle(reopened, reopened.actor<XnetPeer>(a).relayAdd(b.id, 1n))).toBe(2n);
      expect(reopened.subnetOf(Principal.fromText(b.id.toText()))).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
