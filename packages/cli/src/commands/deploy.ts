/** `tincan deploy` and `tincan generate`. */
import * as Option from 'effect/Option';
import { Argument, Command, Flag } from 'effect/cli';
import { action, agentFor, hostFlag, identityFlag } from './shared.js';

/** Bundles, creates and installs (or upgrades) the project's canisters. */
export const deployCommand = Command.make(
  'deploy',
  {
    name: Argument.String('name').pipe(Argument.withDescription('canister of dfx.json to deploy (all by default)'), Argument.optional),
    argument: Flag.String('argument').pipe(Flag.withDescription(`init arguments in Candid text, e.g. '(1 : nat)'; overrides dfx.json's init_arg`), Flag.optional),
    host: hostFlag,
    identity: identityFlag,
  },
  action(async (options) => {
    const [{ deployProject }, { projectCanisters }] = await Promise.all([import('../deploy.js'), import('../project.js')]);
    projectCanisters(process.cwd()); // a missing or broken dfx.json is reported before connecting
    const agent = await agentFor(options.host, options.identity);
    const deployed = await deployProject({
      projectDir: process.cwd(),
      host: options.host,
      agent,
      name: Option.getOrUndefined(options.name),
      argument: Option.getOrUndefined(options.argument),
      log: (line) => console.log(line),
    });
    console.log(`\nDeployed to ${options.host}:`);
    for (const c of deployed) console.log(`  ${c.name.padEnd(16)} ${c.id.toText()}`);
  }),
).pipe(Command.withDescription(`Bundle the canisters of ./dfx.json, write their .did files, and install or upgrade them on the replica`));

/** Generates JS/TS bindings from the project's .did files. */
export const generateCommand = Command.make(
  'generate',
  {
    name: Argument.String('name').pipe(Argument.withDescription('canister of dfx.json (all with a "candid" path by default)'), Argument.optional),
    outDir: Flag.String('out-dir').pipe(Flag.withDescription('where bindings go, one folder per canister'), Flag.withDefault('src/declarations')),
  },
  action(async (options) => {
    const { generateBindings } = await import('../generate.js');
    const written = await generateBindings(process.cwd(), options.outDir, Option.getOrUndefined(options.name));
    for (const dir of written) console.log(`wrote ${dir}`);
  }),
).pipe(Command.withDescription('Generate JS/TS bindings (@icp-sdk/bindgen) from the .did files that deploy writes'));
