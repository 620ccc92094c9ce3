/**
 * Where `tincan canister create` and `tincan deploy` put a new canister on a replica of several
 * subnets, with dfx's options: `--subnet <index|principal>`, `--next-to <canister>` and
 * `--specified-id <principal>` (and, in dfx.json, a canister's `specified_id` and tincan's
 * `tincan.subnet` / `tincan.next_to`). As on ICP, the creation goes to the subnet that hosts its
 * effective canister id: the specified id itself, the neighbour canister's id, or the first id
 * of the chosen subnet's range. Before creating, the CLI reads the serving subnet's certified
 * `canister_ranges` back (read_state), so a subnet the replica does not have is an error, not a
 * canister quietly made on subnet 0.
 */
import { Cbor, Certificate, lookup_path, LookupPathStatus, type HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { compareBytes } from '@tincan/bytes';
import { CliError } from './cli-error.js';
import { blsVerifyFor } from './connect.js';
import { checkPlacement, type Placement } from './placement-choice.js';

export { checkPlacement, hasPlacement, type Placement } from './placement-choice.js';

/** What a creation sends: its effective canister id, and the specified id if any. */
export interface ResolvedPlacement {
  readonly effectiveCanisterId: Principal;
  readonly specifiedId: Principal | undefined;
  /** The subnet that will host the canister. */
  readonly subnetId: Principal;
}

/** How many subnet indices `--subnet <principal>` tries (the replica's limit). */
const MAX_SUBNETS = 16;

/**
 * The effective canister id (and specified id) a creation with `placement` sends, after checking
 * that the replica has a subnet hosting it. `resolveCanister` maps a dfx.json name to its id;
 * `firstIdOf` gives the first id of subnet k's range (the replica's topology, passed in so this
 * module loads no replica code).
 */
export async function resolvePlacement(
  agent: HttpAgent,
  placement: Placement,
  resolveCanister: (nameOrId: string) => Principal,
  firstIdOf: (subnet: number) => Principal,
): Promise<ResolvedPlacement> {
  checkPlacement(placement, 'placing a canister');
  if (placement.specifiedId !== undefined) {
    const id = principalArg(placement.specifiedId, '--specified-id');
    const serving = await servingSubnet(agent, id);
    if (serving === undefined)
      throw new CliError(
        'ERR_USAGE',
        `--specified-id ${id.toText()}: no subnet of the replica hosts that id`,
      );
    return { effectiveCanisterId: id, specifiedId: id, subnetId: serving.id };
  }
  if (placement.nextTo !== undefined) {
    const neighbour = resolveCanister(placement.nextTo);
    const serving = await servingSubnet(agent, neighbour);
    if (serving === undefined)
      throw new CliError(
        'ERR_USAGE',
        `--next-to ${placement.nextTo}: no subnet of the replica hosts ${neighbour.toText()}`,
      );
    return { effectiveCanisterId: neighbour, specifiedId: undefined, subnetId: serving.id };
  }
  const subnet = placement.subnet ?? '0';
  if (/^\d+$/.test(subnet)) {
    const index = Number(subnet);
    const found = index < MAX_SUBNETS ? await subnetAt(agent, index, firstIdOf) : undefined;
    if (found === undefined)
      throw new CliError(
        'ERR_USAGE',
        `--subnet ${subnet}: the replica has no subnet ${index} (start it with 'tincan start --subnets ${index + 1}')`,
      );
    return { effectiveCanisterId: found.first, specifiedId: undefined, subnetId: found.id };
  }
  const wanted = principalArg(subnet, '--subnet');
  for (let index = 0; index < MAX_SUBNETS; index++) {
    const found = await subnetAt(agent, index, firstIdOf);
    if (found === undefined) break;
    if (found.id.toText() === wanted.toText())
      return { effectiveCanisterId: found.first, specifiedId: undefined, subnetId: found.id };
  }
  throw new CliError('ERR_USAGE', `--subnet ${subnet}: the replica has no subnet with that id`);
}

/**
 * Subnet `index` of the replica, by the first id of its range: subnet 0 is the root subnet (no
 * delegation); subnet k > 0 must answer with a delegation whose ranges hold that id (a
 * one-subnet replica's root range holds every id, so it would otherwise pass for any k).
 */
async function subnetAt(
  agent: HttpAgent,
  index: number,
  firstIdOf: (subnet: number) => Principal,
): Promise<{ id: Principal; first: Principal } | undefined> {
  const first = firstIdOf(index);
  const serving = await servingSubnet(agent, first);
  if (serving === undefined || serving.root !== (index === 0)) return undefined;
  return { id: serving.id, first };
}

function principalArg(text: string, flag: string): Principal {
  try {
    return Principal.fromText(text);
  } catch {
    throw new CliError('ERR_USAGE', `${flag} '${text}' is not a principal`);
  }
}

/**
 * The subnet that answers for `id`, if its certified `canister_ranges` hold `id`: the agent
 * verifies the certificate (and a delegation's ranges); the root subnet's ranges are read here.
 */
async function servingSubnet(
  agent: HttpAgent,
  id: Principal,
): Promise<{ id: Principal; root: boolean } | undefined> {
  const subnetLabel = new TextEncoder().encode('subnet');
  const { certificate } = await agent.readState(id, { paths: [[subnetLabel]] });
  const blsVerify = blsVerifyFor(agent);
  await Certificate.create({
    certificate,
    rootKey: agent.rootKey as Uint8Array,
    canisterId: id,
    ...(blsVerify !== undefined && { blsVerify }),
  });
  const decoded = Cbor.decode<{
    tree: Parameters<typeof lookup_path>[1];
    delegation?: { subnet_id: Uint8Array };
  }>(certificate);
  const subnetId =
    decoded.delegation === undefined
      ? Principal.selfAuthenticating(agent.rootKey as Uint8Array)
      : Principal.fromUint8Array(decoded.delegation.subnet_id);
  const found = lookup_path(
    [subnetLabel, subnetId.toUint8Array(), new TextEncoder().encode('canister_ranges')],
    decoded.tree,
  );
  if (found.status !== LookupPathStatus.Found || !(found.value instanceof Uint8Array))
    return undefined;
  const ranges = Cbor.decode<[Uint8Array, Uint8Array][]>(found.value);
  const bytes = id.toUint8Array();
  const inside = ranges.some(
    ([low, high]) => compareBytes(low, bytes) <= 0 && compareBytes(bytes, high) <= 0,
  );
  return inside ? { id: subnetId, root: decoded.delegation === undefined } : undefined;
}
