/** `tincan identity new|use|list|whoami|get-principal|import`. */
import { readFileSync } from 'node:fs';
import { Argument, Command } from 'effect/cli';
import { action } from './shared.js';

const store = async (): Promise<import('../identity-store.js').IdentityStore> => new (await import('../identity-store.js')).IdentityStore();
const nameArg = Argument.String('name').pipe(Argument.withDescription('identity name'));

const newCommand = Command.make('new', { name: nameArg }, action(async ({ name }) => {
  const s = await store();
  s.create(name);
  console.log(`Created identity '${name}': ${(await s.load(name)).getPrincipal().toText()}`);
})).pipe(Command.withDescription('Create an Ed25519 identity (a PEM file under $TINCAN_HOME/identity/<name>/)'));

const useCommand = Command.make('use', { name: nameArg }, action(async ({ name }) => {
  (await store()).use(name);
  console.log(`Using identity '${name}'.`);
})).pipe(Command.withDescription('Sign calls with this identity from now on'));

const listCommand = Command.make('list', {}, action(async () => {
  const s = await store();
  const current = s.current();
  for (const name of s.list()) console.log(name === current ? `${name} *` : name);
})).pipe(Command.withDescription('List identities; * marks the one in use'));

const whoamiCommand = Command.make('whoami', {}, action(async () => {
  console.log((await store()).current());
})).pipe(Command.withDescription('Print the name of the identity in use'));

const principalCommand = Command.make('get-principal', {}, action(async () => {
  console.log((await (await store()).load()).getPrincipal().toText());
})).pipe(Command.withDescription('Print the principal of the identity in use'));

const importCommand = Command.make('import', { name: nameArg, pem: Argument.String('pem-file').pipe(Argument.withDescription('PEM file of an Ed25519 or secp256k1 private key')) }, action(async ({ name, pem }) => {
  const s = await store();
  await s.import(name, readFileSync(pem, 'utf8'));
  console.log(`Imported identity '${name}': ${(await s.load(name)).getPrincipal().toText()}`);
})).pipe(Command.withDescription('Import a PEM private key (Ed25519 or secp256k1) as an identity'));

/** Identity management. */
export const identityCommand = Command.make('identity').pipe(
  Command.withSubcommands([newCommand, useCommand, listCommand, whoamiCommand, principalCommand, importCommand]),
  Command.withDescription('Manage the identities calls are signed with ($TINCAN_HOME, default ~/.config/tincan)'),
);
