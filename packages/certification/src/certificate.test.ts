import { describe, expect, it } from 'vitest';
import { Certificate, LookupPathStatus, requestIdOf } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import {
  BLS_SIGNATURE_LENGTH,
  blsSign,
  blsVerify,
  buildTree,
  certificateTime,
  decodeCertificate,
  derDecodeBlsPublicKey,
  derEncodeBlsPublicKey,
  encodeCbor,
  generateRootKey,
  lookupPath,
  nowNanos,
  prune,
  requestId,
  signCertificate,
  timeEntry,
  utf8,
  verifyCertificateSignature,
  type HashTree,
  type TreeEntry,
} from './index.js';

const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);
const root = generateRootKey(seed(1));
const canisterId = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');

const callContent = {
  request_type: 'call',
  canister_id: canisterId.toUint8Array(),
  method_name: 'greet',
  arg: utf8('DIDL\x00\x00'),
  sender: Uint8Array.of(4),
  ingress_expiry: nowNanos() + 240_000_000_000n,
};
const id = requestId(callContent);

function statusTree(time: bigint): HashTree {
  const entries: TreeEntry[] = [
    timeEntry(time),
    [[utf8('request_status'), id, utf8('status')], utf8('replied')],
    [[utf8('request_status'), id, utf8('reply')], utf8('DIDL\x00\x01\x71\x02hi')],
    [[utf8('request_status'), new Uint8Array(32).fill(9), utf8('status')], utf8('processing')],
  ];
  return buildTree(entries);
}

const verify = (certificate: Uint8Array, rootKey = root.derPublicKey) =>
  Certificate.create({ certificate, rootKey, canisterId });

describe('BLS keys', () => {
  it('derives the same key pair from the same seed, and different ones otherwise', () => {
    expect(generateRootKey(seed(1))).toEqual(root);
    expect(generateRootKey(seed(2)).publicKey).not.toEqual(root.publicKey);
    expect(root.publicKey).toHaveLength(96);
    expect(() => generateRootKey(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_KEY' }),
    );
  });

  it('DER-encodes the public key with the IC BLS12-381 G2 prefix', () => {
    const der = derEncodeBlsPublicKey(root.publicKey);
    expect(Buffer.from(der.subarray(0, 37)).toString('hex')).toBe(
      '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
    );
    expect(der).toHaveLength(133);
    expect(derDecodeBlsPublicKey(der)).toEqual(root.publicKey);
  });

  it('signs and verifies short signatures', () => {
    const sig = blsSign(utf8('message'), root.secretKey);
    expect(sig).toHaveLength(BLS_SIGNATURE_LENGTH);
    expect(blsVerify(sig, utf8('message'), root.publicKey)).toBe(true);
    expect(blsVerify(sig, utf8('massage'), root.publicKey)).toBe(false);
    expect(blsVerify(sig, utf8('message'), generateRootKey(seed(2)).publicKey)).toBe(false);
  });
});

describe('certificates verified by @dfinity/agent', () => {
  it('agrees on the request id', () => {
    expect(id).toEqual(requestIdOf(callContent));
  });

  it('accepts a certificate signed by the root key and looks up the status', async () => {
    const certificate = signCertificate(statusTree(nowNanos()), root.secretKey);
    const cert = await verify(certificate);
    const status = cert.lookup_path(['request_status', id, 'status']);
    expect(status.status).toBe(LookupPathStatus.Found);
    expect(status.status === LookupPathStatus.Found && new TextDecoder().decode(status.value)).toBe(
      'replied',
    );
    expect(verifyCertificateSignature(certificate, root.derPublicKey)).toBe(true);
  });

  it('accepts a pruned certificate as read_state would return it', async () => {
    const tree = prune(statusTree(nowNanos()), [[utf8('time')], [utf8('request_status'), id]]);
    const certificate = signCertificate(tree, root.secretKey);
    const cert = await verify(certificate);
    expect(cert.lookup_path(['request_status', id, 'reply']).status).toBe(LookupPathStatus.Found);
    // The other request was pruned away. (The agent's own label search may call it Absent.)
    const other = ['request_status', new Uint8Array(32).fill(9), 'status'];
    expect(lookupPath(decodeCertificate(certificate).tree, other)).toEqual({ status: 'unknown' });
  });

  it('rejects a tampered signature', async () => {
    const decoded = decodeCertificate(signCertificate(statusTree(nowNanos()), root.secretKey));
    const other = blsSign(utf8('something else'), root.secretKey);
    const flipped = Uint8Array.from(decoded.signature);
    flipped[47] = (flipped[47] as number) ^ 1;
    for (const signature of [other, flipped]) {
      const tampered = encodeCbor({ tree: decoded.tree, signature });
      await expect(verify(tampered)).rejects.toThrow(/signature/i);
      expect(verifyCertificateSignature(tampered, root.derPublicKey)).toBe(false);
    }
  });

  it('rejects a tampered tree', async () => {
    const decoded = decodeCertificate(signCertificate(statusTree(nowNanos()), root.secretKey));
    const forged = buildTree([
      timeEntry(certificateTime(decoded.tree)),
      [[utf8('request_status'), id, utf8('status')], utf8('rejected')],
    ]);
    await expect(
      verify(encodeCbor({ tree: forged, signature: decoded.signature })),
    ).rejects.toThrow(/signature/i);
  });

  it('rejects the certificate under a different root key', async () => {
    const certificate = signCertificate(statusTree(nowNanos()), root.secretKey);
    await expect(verify(certificate, generateRootKey(seed(2)).derPublicKey)).rejects.toThrow(
      /signature/i,
    );
    expect(verifyCertificateSignature(certificate, generateRootKey(seed(2)).derPublicKey)).toBe(
      false,
    );
  });

  it('is rejected by the agent when stale, as the /time leaf is checked', async () => {
    const tenMinutesAgo = nowNanos() - 600_000_000_000n;
    await expect(
      verify(signCertificate(statusTree(tenMinutesAgo), root.secretKey)),
    ).rejects.toThrow(/time|expired|past/i);
  });

  it('refuses to sign a tree without /time', () => {
    const tree = buildTree([[[utf8('request_status'), id, utf8('status')], utf8('replied')]]);
    expect(() => signCertificate(tree, root.secretKey)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CERTIFICATE' }),
    );
  });

  it('accepts a subnet certificate delegated by the root key', async () => {
    const subnet = generateRootKey(seed(7));
    const subnetId = Principal.selfAuthenticating(subnet.derPublicKey).toUint8Array();
    const low = Principal.fromText('aaaaa-aa').toUint8Array();
    const ranges = encodeCbor([
      [
        Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1),
        Uint8Array.of(0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 1, 1),
      ],
    ]);
    const delegationTree = buildTree([
      timeEntry(nowNanos()),
      [[utf8('subnet'), subnetId, utf8('public_key')], subnet.derPublicKey],
      [[utf8('subnet'), subnetId, utf8('canister_ranges')], ranges],
    ]);
    const delegation = {
      subnet_id: subnetId,
      certificate: signCertificate(delegationTree, root.secretKey),
    };
    const certificate = signCertificate(statusTree(nowNanos()), subnet.secretKey, { delegation });

    const cert = await verify(certificate);
    expect(cert.lookup_path(['request_status', id, 'status']).status).toBe(LookupPathStatus.Found);
    expect(verifyCertificateSignature(certificate, root.derPublicKey)).toBe(true);
    expect(lookupPath(decodeCertificate(certificate).tree, ['time']).status).toBe('found');

    // A canister outside the subnet's ranges is not vouched for.
    await expect(
      Certificate.create({
        certificate,
        rootKey: root.derPublicKey,
        canisterId: Principal.fromUint8Array(low),
      }),
    ).rejects.toThrow(/canister_ranges/);
    // Signed by the subnet key without the delegation, it does not verify under the root key.
    await expect(verify(signCertificate(statusTree(nowNanos()), subnet.secretKey))).rejects.toThrow(
      /signature/i,
    );
  });
});
