/**
 * Response verification as ICP's HTTP gateways do it, with DFINITY's own verifier
 * (`@dfinity/response-verification`, the Rust `ic-response-verification` crate compiled to
 * Wasm, as ic-gateway links it): the `IC-Certificate` header's certificate is checked against
 * the root key, its time against the clock, its certified data against the tree's root; then
 * v1 (`http_assets` → SHA-256 of the body) or v2 (expression path, `IC-CertificateExpression`,
 * request and response hashes).
 */
import type { Principal } from '@dfinity/principal';

type Verifier = Pick<
  typeof import('@dfinity/response-verification'),
  'ResponseVerificationError' | 'verifyRequestResponsePair'
>;
/** The verifier compiles its Wasm when loaded: loaded on the first verification, not at start-up. */
let verifier: Promise<Verifier> | undefined;

/** Certificates older or newer than this (against the gateway's clock) are refused, as on ICP. */
export const MAX_CERT_TIME_OFFSET_NS = 5n * 60n * 1_000_000_000n;

/** The request as the gateway sent it to `http_request`. */
export interface VerifiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
  readonly certificateVersion: number;
}

/** The response as assembled from the canister (streamed chunks included). */
export interface VerifiedResponse {
  readonly statusCode: number;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

/** Options of {@link verifyResponse}. */
export interface VerifyOptions {
  readonly canisterId: Principal;
  /** The gateway's clock, in ns. */
  readonly nowNs: bigint;
  /** DER-encoded root key the certificate must be signed with. */
  readonly rootKey: Uint8Array;
}

/** Resolves to undefined when the response verifies, or to why it does not. */
export async function verifyResponse(
  request: VerifiedRequest,
  response: VerifiedResponse,
  options: VerifyOptions,
): Promise<string | undefined> {
  verifier ??= import('@dfinity/response-verification');
  const { ResponseVerificationError, verifyRequestResponsePair } = await verifier;
  try {
    verifyRequestResponsePair(
      {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        certificate_version: [request.certificateVersion],
      },
      { status_code: response.statusCode, headers: response.headers, body: response.body },
      options.canisterId.toUint8Array(),
      options.nowNs,
      MAX_CERT_TIME_OFFSET_NS,
      options.rootKey,
      // The lowest version accepted: v1 answers stay valid, as on ICP, for canisters that do not
      // declare `supported_certificate_versions` (tincan canisters have no custom sections).
      1,
    );
    return undefined;
  } catch (err) {
    if (err instanceof ResponseVerificationError) {
      const message = err.message;
      err.free();
      return message;
    }
    return err instanceof Error ? err.message : String(err);
  }
}
