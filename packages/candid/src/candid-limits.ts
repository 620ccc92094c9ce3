/**
 * Limits on decoding binary Candid from an untrusted sender. They keep the work of decoding
 * proportional to the size of the message, as the decoding quota of ICP's Rust decoder does, so
 * a small hostile argument costs milliseconds and a trap, never a frozen replica.
 */

/** What a decoder accepts. */
export interface CandidLimits {
  /** Entries in the type table. Real interfaces use tens; decoders build an object per entry. */
  readonly maxTypeTableEntries: number;
  /** Record/variant fields, function arguments and results, and service methods, over the table. */
  readonly maxTypeFields: number;
  /** Nesting of values (opt, vec, record, variant) inside one argument. */
  readonly maxDepth: number;
  /** Bytes of one nat or int value (1,024 bytes hold numbers of up to 7,168 bits). */
  readonly maxNumberBytes: number;
  /**
   * The decoding quota is `quotaBase + quotaPerByte × message bytes`. Every value decoded costs
   * one unit, including values that take no bytes (null, reserved, empty records), so
   * `vec null` with a length of 2^32 in a 12-byte message fails on its length.
   */
  readonly quotaPerByte: number;
  /** See `quotaPerByte`. */
  readonly quotaBase: number;
}

/** The limits the CDK and the replica apply to arguments and replies. */
export const DEFAULT_CANDID_LIMITS: CandidLimits = Object.freeze({
  maxTypeTableEntries: 256,
  maxTypeFields: 2_048,
  maxDepth: 256,
  maxNumberBytes: 1_024,
  quotaPerByte: 4,
  quotaBase: 4_096,
});
