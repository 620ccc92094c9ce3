// Not portable on purpose: `msgDeadline` is a tincan extension, not an Azle export. The
// portability test checks that type-checking against Azle catches it.
import { IDL, msgDeadline, query } from 'azle';

export default class {
  @query([], IDL.Nat64)
  deadline(): bigint {
    return msgDeadline();
  }
}
