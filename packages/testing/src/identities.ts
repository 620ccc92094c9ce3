import { createHash } from 'node:crypto';
import { Principal } from '@dfinity/principal';

/**
 * A stable, self-authenticating-looking principal for a test user name: the same name always
 * gives the same principal, so tests read as `identity('alice')`.
 */
export function identity(name: string): Principal {
  const digest = createHash('sha224').update(`tincan-test:${name}`).digest();
  return Principal.fromUint8Array(new Uint8Array([...digest, 0x02]));
}
