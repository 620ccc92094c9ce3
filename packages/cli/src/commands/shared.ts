/**
 * What every command shares: the `--host` flag, the signing identity, and one way to run a
 * command's work so that its errors print as one clear line and the exit code is non-zero.
 */
import * as Effect from 'effect/Effect';
import * as Option from 'effect/Option';
import { Flag } from 'effect/cli';
import type { HttpAgent } from '@dfinity/agent';
import { ensureError } from '@tincan/errors';

/** The replica the CLI talks to unless `--host` says otherwise. */
export const DEFAULT_HOST = 'http://127.0.0.1:4943';

/** `--host URL` of the commands that talk to a replica. */
export const hostFlag = Flag.String('host').pipe(
  Flag.withDescription(`URL of the replica (started with 'tincan start')`),
  Flag.withDefault(DEFAULT_HOST),
);

/** `--identity NAME`: sign with this identity instead of the selected one. */
export const identityFlag = Flag.String('identity').pipe(
  Flag.withDescription(`sign with this identity instead of the one chosen by 'tincan identity use'`),
  Flag.optional,
);

/** Prints a failure as `Error: …` on stderr. */
export function report(err: unknown): void {
  const error = ensureError(err);
  const known = typeof (error as { code?: unknown }).code === 'string' && error.name.includes('[ERR_');
  process.stderr.write(`Error: ${error.message}${known ? '' : ` (${error.name})`}\n`);
}

/**
 * A command's work as an Effect. A failure is reported and sets exit code 1; it is not
 * re-raised into Effect, which would print it a second time.
 */
export function action<A>(work: (input: A) => Promise<void>): (input: A) => Effect.Effect<void> {
  return (input) =>
    Effect.promise(async () => {
      try {
        await work(input);
      } catch (err) {
        report(err);
        process.exitCode = 1;
      }
    });
}

/** An agent for `--host`, signing with `--identity` or the selected identity. */
export async function agentFor(host: string, identity: Option.Option<string>): Promise<HttpAgent> {
  const [{ IdentityStore }, { connect }] = await Promise.all([import('../identity-store.js'), import('../connect.js')]);
  const store = new IdentityStore();
  return connect(host, await store.load(Option.getOrUndefined(identity)));
}
