/**
 * The `tincan` program. Exit codes: 0 when the command did its work; 1 for a usage error or a
 * failure, printed as one `Error: …` line. Output is flushed before the process exits.
 */
import { parseCommandLine } from './command-line.js';
import { tincanCommand } from './commands/index.js';
import { report } from './commands/shared.js';
import { exitAfterFlush } from './flush.js';

const VERSION = '0.1.0';

/** Runs the command `argv` names, then exits. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  let code = 0;
  try {
    const parsed = parseCommandLine(tincanCommand, argv);
    if (parsed.kind === 'help') process.stdout.write(parsed.text);
    else if (parsed.kind === 'version') process.stdout.write(`tincan ${VERSION}\n`);
    else await parsed.spec.run(parsed.input);
  } catch (err) {
    report(err);
    code = 1;
  }
  // Agents keep idle keep-alive sockets; a finished command exits once its output is written.
  return exitAfterFlush(code);
}
