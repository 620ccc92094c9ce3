import { Principal } from '@dfinity/principal';

/** Textual form of principal bytes (`bkyz2-fmaaa-aaaaa-qaaaq-cai`), for messages. */
export function principalText(bytes: Uint8Array): string {
  return Principal.fromUint8Array(bytes).toText();
}
