/**
 * An agent whose replies are checked before an actor decodes them. The actor hands every reply
 * to @dfinity/candid, whose cost grows faster than the reply on hostile input (a canister can
 * answer with a self-referencing type table or 100k type entries); `checkCandid` refuses such a
 * reply in time linear in its size, so `tincan canister call` prints a clear error instead of
 * hanging. Queries are checked on their reply; v3 (synchronous) calls on the reply inside the
 * certificate, before the actor verifies it (a forged reply only gets refused earlier). Calls
 * answered through polling (v2) reach the actor unchecked.
 */
import { Cbor, lookup_path, lookupResultToBuffer, QueryResponseStatus, type HashTree, type HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { checkCandid } from '@tincan/candid';
import { ensureError } from '@tincan/errors';
import { CliError } from './cli-error.js';

/** `agent`, with replies checked against `retTypes`; `what` names the call in errors. */
export function checkedAgent(agent: HttpAgent, retTypes: readonly IDL.Type[], what: string): HttpAgent {
  const check = (reply: Uint8Array): void => {
    try {
      checkCandid(reply, retTypes);
    } catch (err) {
      throw new CliError('ERR_BAD_REPLY', `the reply of ${what} is not valid Candid for its result type: ${ensureError(err).message}`);
    }
  };
  const query: HttpAgent['query'] = async (...args) => {
    const result = await agent.query(...args);
    if (result.status === QueryResponseStatus.Replied) check(result.reply.arg);
    return result;
  };
  const call: HttpAgent['call'] = async (...args) => {
    const submitted = await agent.call(...args);
    const body = submitted.response.body;
    if (body !== null && 'certificate' in body) {
      const reply = replyIn(body.certificate, submitted.requestId);
      if (reply !== undefined) check(reply);
    }
    return submitted;
  };
  return new Proxy(agent, {
    get(target, prop) {
      if (prop === 'query') return query;
      if (prop === 'call') return call;
      // HttpAgent keeps private fields: its methods must run with the agent itself as `this`.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function replyIn(certificate: Uint8Array, requestId: Uint8Array): Uint8Array | undefined {
  const { tree } = Cbor.decode<{ tree: HashTree }>(certificate);
  return lookupResultToBuffer(lookup_path(['request_status', requestId, 'reply'], tree));
}
