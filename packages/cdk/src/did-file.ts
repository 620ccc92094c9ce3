/**
 * Azle's `.did` helpers: `idlToString` and the visitor types it exports. tincan prints with its
 * own printer (`@tincan/candid`), so the visitor here is a thin `IDL.Visitor` over it.
 */
import { IDL, type GenericIdlFuncArgs } from '@dfinity/candid';
import { typeToDid } from '@tincan/candid';

/** State passed through a visit, as Azle shapes it. */
export type VisitorData = {
  /** Recursive types already named during this visit. */
  usedRecClasses: IDL.RecClass[];
  /** Whether a service is being visited. */
  isOnService: boolean;
  /** Whether this is the canister's own (first) service. */
  isFirstService: boolean;
  /** Argument types of `@init` and `@postUpgrade`. */
  initAndPostUpgradeParamIdlTypes: GenericIdlFuncArgs;
};

/** A type's Candid text and the named definitions it needs. */
export type VisitorResult = [CandidDef, CandidTypesDefs];
/** Name of a Candid type definition. */
export type TypeName = string;
/** Candid text of a type, method or service. */
export type CandidDef = string;
/** Named type definitions: name → Candid text. */
export type CandidTypesDefs = { [key: TypeName]: CandidDef };

/** Fresh visitor data. */
export function getDefaultVisitorData(): VisitorData {
  return {
    usedRecClasses: [],
    isOnService: false,
    isFirstService: false,
    initAndPostUpgradeParamIdlTypes: [],
  };
}

/** An `IDL.Visitor` that turns any IDL type into its Candid text and named definitions. */
export class DidVisitor extends IDL.Visitor<VisitorData, VisitorResult> {
  override visitType<T>(t: IDL.Type<T>, _data: VisitorData): VisitorResult {
    return typeToDid(t);
  }
}

/** Candid text of `type`, with `type name = …;` lines first for the recursive types it names. */
export function idlToString(
  type: IDL.Type,
  startingData: VisitorData = getDefaultVisitorData(),
): string {
  const [candid, defs] = type.accept(new DidVisitor(), startingData);
  const named = Object.entries(defs).map(([name, body]) => `type ${name} = ${body};`);
  return `${named.length > 0 ? `${named.join('\n')}\n` : ''}${candid}\n`;
}
