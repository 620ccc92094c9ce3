/** `tincan identity new|use|list|whoami|get-principal|import|export|rename|remove`. */
import type { CommandSpec } from '../command-line.js';

const store = async (): Promise<import('../identity-store.js').IdentityStore> =>
  new (await import('../identity-store.js')).IdentityStore();
const nameArg = { name: 'name', description: 'identity name' } as const;
const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Identity management. */
export const identityCommand: CommandSpec = {
  name: 'identity',
  description:
    'Manage the identities calls are signed with ($TINCAN_HOME, default ~/.config/tincan)',
  subcommands: [
    {
      name: 'new',
      description: 'Create an Ed25519 identity (a PEM file under $TINCAN_HOME/identity/<name>/)',
      args: [nameArg],
      run: async (input) => {
        const s = await store();
        const name = input.required('name');
        s.create(name);
        out(`Created identity '${name}': ${(await s.load(name)).getPrincipal().toText()}`);
      },
    },
    {
      name: 'use',
      description: 'Sign calls with this identity from now on',
      args: [nameArg],
      run: async (input) => {
        (await store()).use(input.required('name'));
        out(`Using identity '${input.required('name')}'.`);
      },
    },
    {
      name: 'list',
      description: 'List identities; * marks the one in use',
      run: async () => {
        const s = await store();
        const current = s.current();
        for (const name of s.list()) out(name === current ? `${name} *` : name);
      },
    },
    {
      name: 'whoami',
      description: 'Print the name of the identity in use',
      run: async () => out((await store()).current()),
    },
    {
      name: 'get-principal',
      description: 'Print the principal of the identity in use (or of --identity)',
      flags: [{ name: 'identity', type: 'string', value: 'name', description: 'another identity' }],
      run: async (input) =>
        out((await (await store()).load(input.string('identity'))).getPrincipal().toText()),
    },
    {
      name: 'import',
      description: 'Import a PEM private key (Ed25519 or secp256k1) as an identity',
      args: [
        nameArg,
        { name: 'pem-file', description: 'PEM file of an Ed25519 or secp256k1 private key' },
      ],
      run: async (input) => {
        const [{ readFileSync }, { CliError }] = await Promise.all([
          import('node:fs'),
          import('../cli-error.js'),
        ]);
        const s = await store();
        const name = input.required('name');
        const file = input.required('pem-file');
        let pem: string;
        try {
          pem = readFileSync(file, 'utf8');
        } catch (err) {
          throw new CliError('ERR_IDENTITY', `cannot read ${file}: ${(err as Error).message}`);
        }
        await s.import(name, pem);
        out(`Imported identity '${name}': ${(await s.load(name)).getPrincipal().toText()}`);
      },
    },
    {
      name: 'export',
      description: `Print an identity's PEM private key`,
      args: [nameArg],
      run: async (input) =>
        void process.stdout.write((await store()).exportPem(input.required('name'))),
    },
    {
      name: 'rename',
      description: 'Rename an identity (the selection follows it)',
      args: [
        { name: 'from', description: 'current name' },
        { name: 'to', description: 'new name' },
      ],
      run: async (input) => {
        (await store()).rename(input.required('from'), input.required('to'));
        out(`Renamed identity '${input.required('from')}' to '${input.required('to')}'.`);
      },
    },
    {
      name: 'remove',
      description: 'Delete an identity (not the one in use, nor default)',
      args: [nameArg],
      run: async (input) => {
        (await store()).remove(input.required('name'));
        out(`Removed identity '${input.required('name')}'.`);
      },
    },
  ],
};
