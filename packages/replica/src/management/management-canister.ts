/**
 * The management canister (`aaaaa-aa`) behind the runtime's system-canister seam: decodes each
 * request with the `ic.did` types, checks who may call what as the IC does, runs the method and
 * encodes the reply. Everything that goes wrong becomes a reject with the IC's codes.
 */
import { IDL } from '@dfinity/candid';
import { decodeCandid } from '@tincan/candid';
import { Rejects } from '@tincan/abi';
import type {
  Outcome,
  Runtime,
  StateStore,
  SystemCanister,
  SystemQuery,
  SystemRequest,
} from '@tincan/runtime';
import { MANAGEMENT_METHODS, type ManagementMethodName } from './ic-idl.js';
import { Deferred, ManagementReject, rejectOutcome } from './management-reject.js';
import { Operations } from './operations.js';
import { RawRand } from './raw-rand.js';
import { HANDLERS, type MethodContext } from './handlers.js';
import type { SubnetHosting } from '../replica-options.js';
import { ensureError } from '@tincan/errors';

/** Methods only canisters may call; ingress messages to them are refused, as on the IC. */
const CANISTER_ONLY = new Set<string>([
  'create_canister',
  'raw_rand',
  'canister_info',
  'deposit_cycles',
]);

/** Methods whose reply keeps the cycles attached to the call (the new canister's balance, a deposit). */
const ACCEPTS_CYCLES: ReadonlySet<string> = new Set(['create_canister', 'deposit_cycles']);

/** What the management canister needs from the replica. */
export interface ManagementOptions {
  readonly store: StateStore;
  /** The replica seed: `raw_rand`'s stream derives from it. */
  readonly seed: Uint8Array;
  readonly nowNs: () => bigint;
  /** On one subnet of several: which ids it hosts (a `specified_id` must be one of them). */
  readonly hosting?: SubnetHosting;
}

/** The management canister of one replica. */
export class ManagementCanister implements SystemCanister {
  readonly operations: Operations;
  readonly #rawRand: RawRand;
  readonly #store: StateStore;
  readonly #hosting: SubnetHosting | undefined;
  #runtime: Runtime | undefined;

  constructor(options: ManagementOptions) {
    this.operations = new Operations(options.store, () => this.runtime, options.nowNs);
    this.#rawRand = new RawRand(options.store, options.seed);
    this.#store = options.store;
    this.#hosting = options.hosting;
  }

  /** Connects the runtime this canister manages (it is created before the runtime opens). */
  attach(runtime: Runtime): void {
    this.#runtime = runtime;
  }

  /** The managed runtime. */
  get runtime(): Runtime {
    if (this.#runtime === undefined)
      throw new Error('management canister used before its runtime was attached');
    return this.#runtime;
  }

  handleCall(request: SystemRequest): void {
    const { method } = request;
    try {
      const spec = methodSpec(method);
      if ('query' in spec && spec.query) {
        throw new ManagementReject(Rejects.managementQueryOnly(method));
      }
      if (!request.fromCanister && CANISTER_ONLY.has(method)) {
        throw new ManagementReject(Rejects.managementCanistersOnly(method));
      }
      const result = this.#run(
        method as ManagementMethodName,
        spec,
        request,
        request.cyclesAttached,
      );
      // Methods that take the attached cycles keep them all; every other reply refunds them.
      const accepted = ACCEPTS_CYCLES.has(method) ? request.cyclesAttached : 0n;
      if (result instanceof Deferred) {
        result.settle(
          (value) => request.respond(encodeReply(spec.ret, value), accepted),
          (err: unknown) => request.respond(rejectOutcome(err, method)),
        );
      } else request.respond(encodeReply(spec.ret, result), accepted);
    } catch (err) {
      request.respond(rejectOutcome(err, method));
    }
  }

  handleQuery(request: SystemQuery): Outcome {
    const { method } = request;
    try {
      const spec = methodSpec(method);
      if (!('query' in spec && spec.query)) {
        throw new ManagementReject(Rejects.managementNotAQuery(method));
      }
      const result = this.#run(
        method as ManagementMethodName,
        spec,
        { ...request, fromCanister: false },
        0n,
      );
      if (result instanceof Deferred) throw new Error(`query ${method} did not answer at once`);
      return encodeReply(spec.ret, result);
    } catch (err) {
      return rejectOutcome(err, method);
    }
  }

  #run(
    method: ManagementMethodName,
    spec: { arg: IDL.Type | undefined },
    request: SystemQuery & { fromCanister: boolean },
    cyclesAttached: bigint,
  ): unknown {
    const arg = decodeArg(method, spec.arg, request.arg);
    const ctx: MethodContext = {
      runtime: this.runtime,
      store: this.#store,
      operations: this.operations,
      rawRand: this.#rawRand,
      caller: request.caller,
      fromCanister: request.fromCanister,
      cyclesAttached,
      ...(this.#hosting !== undefined && { hosting: this.#hosting }),
    };
    return HANDLERS[method](ctx, arg);
  }
}

function methodSpec(method: string): (typeof MANAGEMENT_METHODS)[ManagementMethodName] {
  if (!Object.hasOwn(MANAGEMENT_METHODS, method)) {
    throw new ManagementReject(Rejects.methodNotFound('aaaaa-aa', 'update', method));
  }
  return MANAGEMENT_METHODS[method as ManagementMethodName];
}

function decodeArg(method: string, type: IDL.Type | undefined, bytes: Uint8Array): unknown {
  try {
    // raw_rand takes no argument: any well-formed Candid message will do.
    // Checked first (limits, types, a quota): the argument comes from any caller.
    const decoded = decodeCandid(type === undefined ? [] : [type], bytes);
    return decoded[0];
  } catch (err) {
    throw new ManagementReject(Rejects.managementDecodeFailed(method, ensureError(err).message));
  }
}

function encodeReply(type: IDL.Type | undefined, value: unknown): Outcome {
  return {
    reply: new Uint8Array(
      IDL.encode(type === undefined ? [] : [type], type === undefined ? [] : [value]),
    ),
  };
}
