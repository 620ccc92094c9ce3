/** How a new canister is placed (flags or dfx.json); checked before anything connects. */
import { CliError } from './cli-error.js';

/** How a new canister is placed; none given: subnet 0, as a one-subnet replica does. */
export interface Placement {
  /** A subnet index (0, 1, …) or a subnet principal. */
  readonly subnet?: string | undefined;
  /** A canister (dfx.json name or principal) whose subnet the new one joins. */
  readonly nextTo?: string | undefined;
  /** The exact id (`provisional_create_canister_with_cycles`'s `specified_id`). */
  readonly specifiedId?: string | undefined;
}

/** Whether `placement` asks for anything. */
export function hasPlacement(placement: Placement | undefined): placement is Placement {
  return (
    placement !== undefined &&
    (placement.subnet !== undefined ||
      placement.nextTo !== undefined ||
      placement.specifiedId !== undefined)
  );
}

/** Checks that at most one way of placing is given; `what` names where they came from. */
export function checkPlacement(placement: Placement, what: string): void {
  const given = [
    placement.subnet !== undefined && 'subnet',
    placement.nextTo !== undefined && 'next-to',
    placement.specifiedId !== undefined && 'specified-id',
  ].filter((x): x is string => x !== false);
  if (given.length > 1)
    throw new CliError('ERR_USAGE', `${what}: give one of ${given.join(', ')}, not several`);
}
