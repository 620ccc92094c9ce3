/** How `canister call` prints a reply; apart from canister-call.ts so the command tree loads no Candid or agent code. */

/** How a reply is printed: Candid text (`idl`, `pp`; `candid` is an alias), JSON, or the raw bytes in hex. */
export type OutputFormat = 'idl' | 'candid' | 'pp' | 'json' | 'raw';
/** The output formats, for the flag. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['idl', 'candid', 'pp', 'json', 'raw'];
