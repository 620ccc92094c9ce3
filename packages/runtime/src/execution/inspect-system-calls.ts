/**
 * The system calls that exist only in an inspect execution (`canister_inspect_message`):
 * `msgMethodName` and `acceptMessage`. A file of its own because every canister's host bridge
 * includes them, while inspection itself (`inspect-message.ts`) drives executions.
 */
import type { Execution } from './execution.js';
import * as Traps from './trap.js';
import type { HostBridge } from '../kernel/host-bridge.js';

/**
 * The system calls that exist only in an inspect execution: `msgMethodName` and
 * `acceptMessage`. Using either elsewhere, or accepting twice, traps, as on ICP.
 */
export function inspectSystemCalls(
  live: () => Execution,
): Pick<HostBridge, 'msgMethodName' | 'acceptMessage'> {
  const inInspect = (name: string): Execution => {
    const exec = live();
    if (exec.mode !== 'inspect') trapWith(exec, `${name} is only available in @inspectMessage`);
    return exec;
  };
  return {
    msgMethodName: () => inInspect('msgMethodName').method,
    acceptMessage: () => {
      const exec = inInspect('acceptMessage');
      if (exec.messageAccepted === true)
        trapWith(exec, 'acceptMessage: the message was already accepted');
      exec.messageAccepted = true;
    },
  };
}

/** Records a trap on the execution and stops the canister code that caused it. */
function trapWith(exec: Execution, message: string): never {
  exec.trap ??= Traps.apiMisuse(message);
  throw new Error(message);
}
