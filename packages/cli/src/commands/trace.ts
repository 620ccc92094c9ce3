/** `tincan trace <request-id|canister>`: call trees from a running replica's execution traces. */
import type { CommandSpec } from '../command-line.js';
import { hostFlag, networkFlag, networkOf } from './shared.js';

/** `tincan trace`. */
export const traceCommand: CommandSpec = {
  name: 'trace',
  description:
    'Print the call tree of an ingress message (by request id), or the latest call trees that reached a canister',
  args: [
    {
      name: 'target',
      description:
        'request id (64 hex digits, or e<N> for a tree without one), or a canister name (from dfx.json, once deployed) or id',
    },
  ],
  flags: [
    {
      name: 'output',
      type: 'string',
      choices: ['text', 'json'],
      default: 'text',
      description: 'a tree as text, or the executions as JSON for tools',
    },
    {
      name: 'limit',
      type: 'int',
      value: 'n',
      default: 10,
      description: 'for a canister: how many of its latest call trees',
    },
    {
      name: 'method',
      type: 'string',
      value: 'name',
      description: 'for a canister: only trees with an execution of this method',
    },
    {
      name: 'outcome',
      type: 'string',
      choices: ['committed', 'trapped', 'discarded'],
      description: 'for a canister: only trees with an execution of this outcome',
    },
    networkFlag,
    hostFlag,
  ],
  run: async (input) => {
    const [{ CliError }, { CanisterIds }, trace] = await Promise.all([
      import('../cli-error.js'),
      import('../canister-ids.js'),
      import('../trace.js'),
    ]);
    const network = networkOf(input);
    const ids = new CanisterIds(process.cwd());
    const text = input.required('target');
    const limit = input.int('limit') ?? 10;
    if (limit < 1 || limit > 1_000)
      throw new CliError('ERR_USAGE', `--limit must be between 1 and 1000, got ${limit}`);
    // A project's canister name wins over a tree id that happens to look the same.
    const named = ids.get(network.url, text);
    const tree = named === undefined ? trace.treeIdOf(text) : undefined;
    let target: import('../trace.js').TraceTarget;
    if (tree !== undefined) target = { kind: 'tree', tree };
    else {
      const { Principal } = await import('@dfinity/principal');
      const id = named ?? text;
      try {
        Principal.fromText(id);
      } catch {
        throw new CliError(
          'ERR_UNKNOWN_CANISTER',
          `'${text}' is neither a request id (64 hex digits) nor a canister deployed from ${process.cwd()} to ${network.url} nor a canister id`,
        );
      }
      target = { kind: 'canister', id, label: named === undefined ? id : text };
    }
    const trees = await trace.fetchCallTrees(network.url, target, {
      limit,
      method: input.string('method'),
      outcome: input.string('outcome'),
    });
    if (input.string('output') === 'json') {
      process.stdout.write(
        `${JSON.stringify(target.kind === 'tree' ? trees[0] : trees, null, 2)}\n`,
      );
      return;
    }
    if (trees.length === 0) {
      process.stdout.write(
        `No call trees of ${target.kind === 'canister' ? target.label : text} are kept on ${network.url}.\n`,
      );
      return;
    }
    const name = (principal: string): string => ids.nameOf(network.url, principal) ?? principal;
    process.stdout.write(trees.map((t) => trace.formatCallTree(t, name)).join('\n'));
  },
};
