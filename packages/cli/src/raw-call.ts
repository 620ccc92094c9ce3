/**
 * One canister call with Candid-encoded bytes in and out, through the agent's own request,
 * certificate and polling code (what `Actor` does, minus the IDL), so that the CLI can send a
 * raw argument, print a raw reply, and decode with types from any source.
 */
import {
  Certificate,
  CertifiedRejectErrorCode,
  isV2ResponseBody,
  isV3ResponseBody,
  lookupResultToBuffer,
  pollForResponse,
  QueryResponseStatus,
  RejectError,
  UncertifiedRejectErrorCode,
  UncertifiedRejectUpdateErrorCode,
  type HttpAgent,
} from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { blsVerifyFor } from './connect.js';

const text = (bytes: Uint8Array | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array());

/** Sends `arg` to `method` as a query or an update; returns the reply's bytes or throws the agent's RejectError. */
export async function rawCall(
  agent: HttpAgent,
  canisterId: Principal,
  method: string,
  arg: Uint8Array,
  query: boolean,
): Promise<Uint8Array> {
  if (query) {
    const result = await agent.query(canisterId, { methodName: method, arg });
    if (result.status === QueryResponseStatus.Rejected) {
      throw RejectError.fromCode(
        new UncertifiedRejectErrorCode(
          result.requestId,
          result.reject_code,
          result.reject_message,
          result.error_code,
          result.signatures,
        ),
      );
    }
    return result.reply.arg;
  }
  const { requestId, response } = await agent.call(canisterId, {
    methodName: method,
    arg,
    effectiveCanisterId: canisterId,
  });
  if (isV3ResponseBody(response.body)) {
    const rootKey = agent.rootKey;
    if (rootKey === null) throw new Error('the agent has no root key');
    const verify = blsVerifyFor(agent);
    const certificate = await Certificate.create({
      certificate: response.body.certificate,
      rootKey,
      canisterId,
      agent,
      ...(verify !== undefined && { blsVerify: verify }),
    });
    const path = [new TextEncoder().encode('request_status'), requestId];
    const status = text(lookupResultToBuffer(certificate.lookup_path([...path, 'status'])));
    if (status === 'replied')
      return lookupResultToBuffer(certificate.lookup_path([...path, 'reply'])) ?? new Uint8Array();
    if (status === 'rejected') {
      const code =
        lookupResultToBuffer(certificate.lookup_path([...path, 'reject_code']))?.[0] ?? 0;
      const message = text(
        lookupResultToBuffer(certificate.lookup_path([...path, 'reject_message'])),
      );
      const errorCode = lookupResultToBuffer(certificate.lookup_path([...path, 'error_code']));
      throw RejectError.fromCode(
        new CertifiedRejectErrorCode(
          requestId,
          code,
          message,
          errorCode === undefined ? undefined : text(errorCode),
        ),
      );
    }
  } else if (isV2ResponseBody(response.body)) {
    const { reject_code, reject_message, error_code } = response.body;
    throw RejectError.fromCode(
      new UncertifiedRejectUpdateErrorCode(requestId, reject_code, reject_message, error_code),
    );
  }
  const pollVerify = blsVerifyFor(agent);
  const polled = await pollForResponse(agent, canisterId, requestId, {
    ...(pollVerify !== undefined && { blsVerify: pollVerify }),
  });
  return polled.reply;
}
