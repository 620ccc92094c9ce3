import { describe, expect, it } from 'vitest';
import { CallRejectedError } from './call-rejected-error.js';
import { Rejects, instructionLimitText } from './index.js';

const C = 'bkyz2-fmaaa-aaaaa-qaaaq-cai';
const DOCS = 'https://docs.internetcomputer.org/references/execution-errors';

describe('reject constructors', () => {
  it('give ICP texts and codes for the canister errors callers see', () => {
    expect(Rejects.trapped(C, 'boom')).toEqual({
      code: 5,
      errorCode: 'IC0503',
      message: `Error from Canister ${C}: Canister called \`ic0.trap\` with message: 'boom'.\nConsider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ${DOCS}#trapped-explicitly`,
    });
    expect(Rejects.methodNotFound(C, 'query', 'nope')).toEqual({
      code: 5,
      errorCode: 'IC0536',
      message: `Error from Canister ${C}: Canister has no query method 'nope'..\nCheck that the method being called is exported by the target canister. See documentation: ${DOCS}#method-not-found`,
    });
    expect(Rejects.canisterEmpty(C)).toEqual({
      code: 5,
      errorCode: 'IC0537',
      message: `Canister ${C} has no code installed`,
    });
    expect(Rejects.canisterUninstalled(C)).toEqual({
      code: 5,
      errorCode: 'IC0537',
      message: `Canister ${C} has been uninstalled`,
    });
    expect(Rejects.canisterStopping(C)).toEqual({
      code: 5,
      errorCode: 'IC0509',
      message: `Canister ${C} is stopping`,
    });
    expect(Rejects.canisterStopped(C)).toEqual({
      code: 5,
      errorCode: 'IC0508',
      message: `Canister ${C} is stopped and therefore does not have a CallContextManager`,
    });
    expect(Rejects.didNotReply(C)).toEqual({
      code: 5,
      errorCode: 'IC0506',
      message: `Canister ${C} did not reply to the call`,
    });
    expect(Rejects.didNotProduceResponse(C)).toEqual({
      code: 5,
      errorCode: 'IC0506',
      message: `Canister ${C} did not produce a response`,
    });
    expect(Rejects.loadFailed('no meter')).toEqual({
      code: 5,
      errorCode: 'IC0502',
      message: 'no meter',
    });
    expect(Rejects.canisterReject('sold out')).toEqual({
      code: 4,
      errorCode: 'IC0406',
      message: 'sold out',
    });
    expect(Rejects.messageNotAccepted(C)).toEqual({
      code: 4,
      errorCode: 'IC0406',
      message: `Canister ${C} rejected the message`,
    });
  });

  it('give the routing, queue and deadline rejects, with no error code where ICP gives none', () => {
    expect(Rejects.canisterNotFound(C)).toEqual({
      code: 3,
      errorCode: 'IC0301',
      message: `Canister ${C} not found`,
    });
    expect(Rejects.noRoute(C)).toEqual({ code: 3, message: `No route to canister ${C}` });
    expect(Rejects.noRoute(C)).not.toHaveProperty('errorCode');
    expect(Rejects.noManagementCanister()).toEqual({
      code: 3,
      errorCode: 'IC0301',
      message: 'Canister aaaaa-aa not found: this runtime has no management canister',
    });
    expect(Rejects.queueFull(C, 500)).toEqual({
      code: 2,
      errorCode: 'IC0201',
      message: `Canister ${C} input queue from this sender is full (500 messages)`,
    });
    expect(Rejects.outOfCycles(C, 5n, 10n)).toEqual({
      code: 2,
      errorCode: 'IC0207',
      message: `Canister ${C} is out of cycles: its balance 5 is below its freezing threshold 10`,
    });
    expect(Rejects.callTooDeep('ping', 256, 256)).toEqual({
      code: 5,
      errorCode: 'IC0525',
      message: "Call to 'ping' refused: the call chain is 256 calls deep, the limit is 256",
    });
    expect(Rejects.requestShed()).toEqual({
      code: 6,
      errorCode: 'IC0602',
      message: 'Request dropped: the system shed a bounded-wait request under load',
    });
    expect(Rejects.deadlineExpired()).toEqual({
      code: 6,
      errorCode: 'IC0601',
      message: 'Call deadline has expired',
    });
    expect(Rejects.notExecutedBeforeRestart()).toEqual({
      code: 2,
      message:
        'The replica restarted before this call was executed: it was not executed, and can be sent again as a new request.',
    });
    expect(Rejects.didNotReplyAfterRestart(C, 'book')).toEqual({
      code: 5,
      errorCode: 'IC0506',
      message: `Canister ${C} did not reply to the call: the replica restarted while 'book' was waiting on a call it made, and that wait cannot be resumed (it was not persisted). Changes it committed before the wait stand.`,
    });
    expect(Rejects.replicaFailed('query', 'disk full')).toEqual({
      code: 5,
      message: 'the replica failed to execute the query: disk full',
    });
  });

  it('give the composite query rejects', () => {
    expect(Rejects.compositeQueryReplicated()).toEqual({
      code: 5,
      errorCode: 'IC0527',
      message: 'Composite query cannot be called in replicated mode',
    });
    expect(Rejects.queryCallGraphLoop()).toEqual({
      code: 5,
      errorCode: 'IC0517',
      message: 'Loop detected.  MVP inter-canister queries do not support loops.',
    });
    expect(Rejects.queryCallGraphTooDeep()).toEqual({
      code: 5,
      errorCode: 'IC0525',
      message: 'Composite query calls exceeded the maximum call depth.',
    });
    expect(Rejects.queryCallGraphInstructions()).toEqual({
      code: 5,
      errorCode: 'IC0526',
      message: 'Composite query calls exceeded the instruction limit.',
    });
  });

  it("give the management canister's rejects", () => {
    expect(Rejects.notController(C, ['a', 'b'], 'c')).toEqual({
      code: 5,
      errorCode: 'IC0512',
      message: `Only the controllers of the canister ${C} can control it.\nCanister's controllers: a b\nSender's ID: c`,
    });
    expect(Rejects.canisterNotHostedBySubnet(C, 's')).toEqual({
      code: 4,
      errorCode: 'IC0405',
      message: `Specified CanisterId ${C} is not hosted by subnet s.`,
    });
    expect(Rejects.invalidManagementPayload('Invalid settings: x')).toEqual({
      code: 4,
      errorCode: 'IC0408',
      message: 'Invalid settings: x',
    });
    expect(Rejects.managementDecodeFailed('install_code', 'bad')).toEqual({
      code: 4,
      errorCode: 'IC0408',
      message: 'Error decoding candid for method install_code: bad',
    });
    expect(Rejects.managementCanistersOnly('raw_rand')).toEqual({
      code: 4,
      errorCode: 'IC0406',
      message: 'Only canisters can call ic00 method raw_rand',
    });
    expect(Rejects.managementQueryOnly('fetch_canister_logs')).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message:
        'fetch_canister_logs API is only accessible in non-replicated mode: call it as a query',
    });
    expect(Rejects.managementNotAQuery('raw_rand')).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message: 'Management canister method raw_rand cannot be called as a query',
    });
    expect(Rejects.managementCanisterFailed('raw_rand', 'x')).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message: 'management canister failed on raw_rand: x',
    });
    expect(Rejects.managementMethodFailed('raw_rand', 'x')).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message: 'Management canister method raw_rand failed: x',
    });
    expect(Rejects.wasmNotSupported()).toMatchObject({ code: 5, errorCode: 'IC0505' });
    expect(Rejects.invalidModule()).toEqual({
      code: 5,
      errorCode: 'IC0505',
      message: 'Invalid module: wasm_module must be a UTF-8 JavaScript bundle built by tincan',
    });
    expect(Rejects.snapshotNotFound('00ff', C)).toEqual({
      code: 3,
      errorCode: 'IC0305',
      message: `Could not find the snapshot ID 00ff for canister ${C}`,
    });
    expect(Rejects.canisterNotStopped(C, 'can be deleted')).toEqual({
      code: 5,
      errorCode: 'IC0510',
      message: `Canister ${C} must be stopped before it can be deleted.`,
    });
    expect(Rejects.canisterNotEmpty(C)).toEqual({
      code: 5,
      errorCode: 'IC0514',
      message: `Canister ${C} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
    });
    expect(Rejects.stopCancelled(C)).toEqual({
      code: 5,
      errorCode: 'IC0511',
      message: `Canister ${C} was started before it stopped: the stop was cancelled`,
    });
  });
});

describe('reject constructors for subnets, synchronous queries and runtime failures', () => {
  const D = 'aaaaa-aa';
  it('word an oversized request between subnets as a contract violation of the caller', () => {
    expect(Rejects.xnetPayloadTooLarge(C, D, 3_000_001, 2_097_152)).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message: `Canister ${C} violated contract: the request to ${D} has 3000001 bytes, more than the 2097152 bytes a message between subnets may have`,
    });
  });

  it('give queryContract its refusals, with the reject code the calling canister reads', () => {
    expect(Rejects.queryContractBusy(C)).toEqual({
      code: 5,
      errorCode: 'IC0504',
      message: `queryContract: canister ${C} is executing and cannot be queried from inside its own execution`,
    });
    expect(Rejects.canisterNotLoaded(C)).toEqual({
      code: 5,
      errorCode: 'IC0502',
      message: `Canister ${C} is not loaded`,
    });
    expect(Rejects.queryContractNoReply(C)).toEqual({
      code: 5,
      errorCode: 'IC0506',
      message: `Canister ${C} did not reply (IC0506)`,
    });
  });

  it("word a nested trap with ICP's text when there is one, else with the trap message", () => {
    expect(Rejects.nestedTrap(C, 'boom')).toEqual({
      code: 5,
      errorCode: 'IC0503',
      message: `Canister ${C} trapped: boom`,
    });
    const limit = instructionLimitText(C, 5);
    expect(Rejects.nestedTrap(C, 'ignored', limit)).toEqual({
      code: 5,
      errorCode: 'IC0522',
      message: limit.message,
    });
  });

  it('put a runtime failure under the reject ICP gives its cause, keeping its text', () => {
    expect(Rejects.runtimeFailed('not-found', 'Gone')).toEqual({
      code: 3,
      errorCode: 'IC0301',
      message: 'Gone',
    });
    expect(Rejects.runtimeFailed('empty', 'Empty')).toMatchObject({ code: 5, errorCode: 'IC0537' });
    expect(Rejects.runtimeFailed('trapped', 'Trapped')).toMatchObject({
      code: 5,
      errorCode: 'IC0503',
    });
    expect(Rejects.runtimeFailed('other', 'Else')).toMatchObject({ code: 5, errorCode: 'IC0504' });
  });
});

describe('CallRejectedError', () => {
  it('carries the reject and names what was called, codes and all', () => {
    const err = new CallRejectedError("call to 'book'", Rejects.canisterStopped(C));
    expect(err.code).toBe('ERR_CALL_REJECTED');
    expect(err.name).toBe('CallRejectedError [ERR_CALL_REJECTED]');
    expect([err.rejectCode, err.errorCode, err.rejectMessage]).toEqual([
      5,
      'IC0508',
      `Canister ${C} is stopped and therefore does not have a CallContextManager`,
    ]);
    expect(err.message).toBe(
      `call to 'book' was rejected: reject code 5 (CANISTER_ERROR), error code IC0508: Canister ${C} is stopped and therefore does not have a CallContextManager`,
    );
    expect(new CallRejectedError('ping', Rejects.noRoute(C)).message).toBe(
      `ping was rejected: reject code 3 (DESTINATION_INVALID): No route to canister ${C}`,
    );
  });
});
