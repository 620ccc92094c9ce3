/**
 * The management canister's Candid types live in `@tincan/candid/management-idl`, so clients
 * (the CLI) can build a management actor without loading the replica.
 */
export * from '@tincan/candid/management-idl';
