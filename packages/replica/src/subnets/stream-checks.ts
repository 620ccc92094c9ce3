/**
 * What a receiving subnet checks of each message of a verified slice before it inducts it,
 * and the limit on a message between subnets.
 */
import { Principal } from '@dfinity/principal';
import { Rejects } from '@tincan/abi';
import type { RouteResult } from '@tincan/runtime';
import type { StreamMessage } from './stream-message.js';
import { inRange, type CanisterRange } from './topology.js';

/** ICP's limit on a request or response between subnets (same-subnet requests may be 10 MiB). */
export const MAX_XNET_PAYLOAD_BYTES = 2 * 1024 * 1024;

/** A slice the receiver refused, with the reason. */
export interface RefusedSlice {
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/** What a message is checked against. */
export interface InductionScope {
  /** The sending subnet's canister ranges, as certified. */
  readonly senderRanges: readonly CanisterRange[];
  readonly receiverRanges: readonly CanisterRange[];
  /** For a response: the subnet its call went to, if the receiver sent that call. */
  readonly callSentTo: (callId: number) => number | undefined;
  readonly from: number;
}

/**
 * Why a message may not be inducted, if it may not: a request must come from the sender's
 * ranges for a canister of the receiver's, a response answer a call the receiver sent there.
 */
export function inductionProblem(
  message: StreamMessage,
  scope: InductionScope,
): string | undefined {
  if (message.kind === 'request') {
    if (!scope.senderRanges.some((range) => inRange(message.caller, range)))
      return `its caller ${principalText(message.caller)} is not in the sending subnet's ranges`;
    if (!scope.receiverRanges.some((range) => inRange(message.callee, range)))
      return `its callee ${principalText(message.callee)} is not on this subnet`;
    if (message.arg.length > MAX_XNET_PAYLOAD_BYTES)
      return `its argument of ${message.arg.length} bytes is over the ${MAX_XNET_PAYLOAD_BYTES}-byte limit`;
    return undefined;
  }
  if (scope.callSentTo(message.callId) !== scope.from)
    return `it answers call ${message.callId}, which this subnet did not send there`;
  return undefined;
}

/** The refusal of a request whose argument is over the cross-subnet limit, if it is. */
export function payloadTooLarge(
  caller: Uint8Array,
  callee: Uint8Array,
  bytes: number,
): RouteResult | undefined {
  if (bytes <= MAX_XNET_PAYLOAD_BYTES) return undefined;
  const reject = Rejects.xnetPayloadTooLarge(
    principalText(caller),
    principalText(callee),
    bytes,
    MAX_XNET_PAYLOAD_BYTES,
  );
  return { kind: 'refused', outcome: { reject } };
}

/** A principal's text form. */
export function principalText(id: Uint8Array): string {
  return Principal.fromUint8Array(id).toText();
}
