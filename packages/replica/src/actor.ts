/**
 * Typed actors over a canister's Candid interface: `actor.add(5n)` encodes the arguments with
 * the method's types, sends an update or runs a query, and decodes the reply.
 */
import type { IDL } from '@dfinity/candid';
import { codecFor } from '@tincan/candid';
import type { Principal } from '@dfinity/principal';
import { CallRejectedError } from '@tincan/abi';

/**
 * Methods of a canister class, as an actor exposes them: every call is async. Without a class
 * type (`T` = any) the actor is untyped.
 */
export type ActorOf<T> = 0 extends 1 & T
  ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped actor: any method, any result
    any
  : {
      [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (
        ...args: infer A
      ) => infer R
        ? (...args: A) => Promise<Awaited<R>>
        : never;
    };

/** How an actor reaches the replica. */
export interface ActorTransport {
  update(
    method: string,
    arg: Uint8Array,
  ): Promise<
    { reply: Uint8Array } | { reject: { code: number; message: string; errorCode?: string } }
  >;
  query(
    method: string,
    arg: Uint8Array,
  ): Promise<
    { reply: Uint8Array } | { reject: { code: number; message: string; errorCode?: string } }
  >;
}

/** Builds an actor for `service` over `transport`. */
export function createActor<T>(service: IDL.ServiceClass, transport: ActorTransport): ActorOf<T> {
  const actor: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, func] of service._fields) {
    const isQuery =
      func.annotations.includes('query') || func.annotations.includes('composite_query');
    actor[name] = async (...args: unknown[]) => {
      const arg = codecFor(func.argTypes).encode(args);
      const outcome = isQuery
        ? await transport.query(name, arg)
        : await transport.update(name, arg);
      if ('reject' in outcome) throw new CallRejectedError(`call to '${name}'`, outcome.reject);
      const values = codecFor(func.retTypes).decode(outcome.reply);
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
    };
  }
  return actor as ActorOf<T>;
}

/** Something with a principal: an agent identity, or a principal itself. */
export type IdentityLike = Principal | { getPrincipal(): Principal };

/** The principal of an identity-like value. */
export function principalOf(identity: IdentityLike): Principal {
  return 'getPrincipal' in identity && typeof identity.getPrincipal === 'function'
    ? identity.getPrincipal()
    : (identity as Principal);
}
