/**
 * The HTTP fuzz's requests: request `i` of a run built by seeded mutation of a valid envelope
 * (anonymous or signed call, query and read_state) sent to one of the endpoints.
 */
import type { Principal } from '@dfinity/principal';
import { concatBytes, encodeCbor, utf8 } from '@tincan/certification';
import {
  envelopeOf,
  fuzzEndpoints,
  makeKey,
  natArg,
  requestContent,
  sign,
  type Rng,
} from './fuzz-envelopes.js';

/** One request to send: path, body and content type. */
export interface FuzzRequest {
  readonly path: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** Builds request `i` of the run from the seeded generator. */
export function generator(canisterId: Principal, subnet: string, rng: Rng): () => FuzzRequest {
  const key = makeKey(rng);
  const other = makeKey(rng);
  const endpoints = fuzzEndpoints(canisterId, subnet);
  const oddValues = (): unknown => {
    switch (rng.below(9)) {
      case 0:
        return rng.next();
      case 1:
        return -BigInt(rng.next()) * 2n ** 40n;
      case 2:
        return 'x'.repeat(rng.below(64));
      case 3:
        return rng.bytes(rng.below(64));
      case 4:
        return null;
      case 5:
        return rng.below(2) === 0;
      case 6:
        return Array.from({ length: rng.below(4) }, () => rng.bytes(4));
      case 7:
        return Array.from({ length: 1 + rng.below(300) }).reduce<unknown[]>((inner) => [inner], []);
      default:
        return { a: rng.next() };
    }
  };
  const candid = (): Uint8Array => {
    switch (rng.below(5)) {
      case 0:
        return rng.bytes(rng.below(40));
      case 1:
        return concatBytes(utf8('DIDL'), rng.bytes(rng.below(40)));
      // A deep `opt` type: a bounded decoder refuses it quickly.
      case 2:
        return concatBytes(
          utf8('DIDL'),
          Uint8Array.of(1 + rng.below(100), 0x6e, 0x00),
          rng.bytes(8),
        );
      case 3:
        return natArg(BigInt(rng.next()));
      default:
        return concatBytes(natArg(1n), rng.bytes(1 + rng.below(8)));
    }
  };
  return () => {
    const type = (['call', 'call', 'query', 'read_state'] as const)[rng.below(4)] ?? 'call';
    const signed = rng.below(2) === 0;
    const base = requestContent(type, canisterId, signed ? key.sender : Uint8Array.of(4), rng);
    const endpoint =
      type === 'call'
        ? endpoints[rng.below(3)]
        : type === 'query'
          ? endpoints[3 + rng.below(2)]
          : endpoints[5 + rng.below(2)];
    const pathname =
      rng.below(20) === 0
        ? (endpoints[rng.below(endpoints.length)] as string)
        : (endpoint as string);
    const wrap = (c: Record<string, unknown>): Record<string, unknown> =>
      envelopeOf(c, signed ? key : undefined);
    let body: Uint8Array;
    switch (rng.below(12)) {
      case 0: // valid
        body = encodeCbor(wrap(base));
        break;
      case 1: {
        // flipped bytes
        const bytes = Uint8Array.from(encodeCbor(wrap(base)));
        for (let n = 1 + rng.below(4); n > 0; n--) {
          const at = rng.below(bytes.length);
          bytes[at] = (bytes[at] ?? 0) ^ (1 + rng.below(255));
        }
        body = bytes;
        break;
      }
      case 2: {
        // cut short, or trailing bytes
        const bytes = encodeCbor(wrap(base));
        body =
          rng.below(2) === 0
            ? bytes.subarray(0, rng.below(bytes.length))
            : concatBytes(bytes, rng.bytes(1 + rng.below(16)));
        break;
      }
      case 3: // random bytes
        body = rng.bytes(rng.below(300));
        break;
      case 4: {
        // a field dropped or retyped
        const c = { ...base };
        const keys = Object.keys(c);
        const field = keys[rng.below(keys.length)] as string;
        if (rng.below(2) === 0) delete c[field];
        else c[field] = oddValues();
        body = encodeCbor(wrap(c));
        break;
      }
      case 5: {
        // a signature flipped, by the wrong key, or missing
        const env = sign(key, { ...base, sender: key.sender });
        const choice = rng.below(3);
        if (choice === 0) {
          const sig = Uint8Array.from(env.sender_sig as Uint8Array);
          const at = rng.below(sig.length);
          sig[at] = (sig[at] ?? 0) ^ (1 << rng.below(8));
          env.sender_sig = sig;
        } else if (choice === 1) env.sender_pubkey = other.der;
        else delete env.sender_sig;
        body = encodeCbor(env);
        break;
      }
      case 6: {
        // expiry out of range
        const offsets = [-60_000n, -1n, 10n * 60_000n, 10n ** 15n];
        const ms = offsets[rng.below(offsets.length)] ?? 0n;
        body = encodeCbor(
          wrap({ ...base, ingress_expiry: BigInt(Date.now()) * 1_000_000n + ms * 1_000_000n }),
        );
        break;
      }
      case 7: // a hostile Candid argument, correctly signed
        body = encodeCbor(wrap({ ...base, arg: candid() }));
        break;
      case 8: // an unknown method or canister
        body = encodeCbor(
          wrap(
            rng.below(2) === 0
              ? { ...base, method_name: 'x'.repeat(rng.below(40)) }
              : { ...base, canister_id: rng.bytes(rng.below(30)) },
          ),
        );
        break;
      case 9: // the same envelope again (replays)
        body = encodeCbor(wrap({ ...base, nonce: Uint8Array.of(rng.below(4)) }));
        break;
      case 10: // deep CBOR nesting in the envelope
        body = encodeCbor({ ...wrap(base), extra: oddValues() });
        break;
      default: // a valid envelope with an unexpected top-level field
        body = encodeCbor({ ...wrap(base), sender_delegation: oddValues() });
        break;
    }
    const contentType = rng.below(50) === 0 ? 'application/json' : 'application/cbor';
    return { path: pathname, body, contentType };
  };
}
