// Generated from exchange_rate/index.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type Asset = { symbol: string; class: AssetClass };
export type AssetClass = { Cryptocurrency: null } | { FiatCurrency: null };
export type ExchangeRate = { base_asset: Asset; quote_asset: Asset; timestamp: bigint; rate: bigint; metadata: ExchangeRateMetadata };
export type ExchangeRateError = { AnonymousPrincipalNotAllowed: null } | { Pending: null } | { CryptoBaseAssetNotFound: null } | { CryptoQuoteAssetNotFound: null } | { StablecoinRateNotFound: null } | { StablecoinRateTooFewRates: null } | { StablecoinRateZeroRate: null } | { ForexInvalidTimestamp: null } | { ForexBaseAssetNotFound: null } | { ForexQuoteAssetNotFound: null } | { ForexAssetsNotFound: null } | { RateLimited: null } | { NotEnoughCycles: null } | { FailedToAcceptCycles: null } | { InconsistentRatesReceived: null } | { Other: { code: number; description: string } };
export type ExchangeRateMetadata = { decimals: number; base_asset_num_received_rates: bigint; base_asset_num_queried_sources: bigint; quote_asset_num_received_rates: bigint; quote_asset_num_queried_sources: bigint; standard_deviation: bigint; forex_timestamp: [] | [bigint] };
export type GetExchangeRateRequest = { base_asset: Asset; quote_asset: Asset; timestamp: [] | [bigint] };
export type GetExchangeRateResult = { Ok: ExchangeRate } | { Err: ExchangeRateError };
/** The service, as agents type it. */
export interface _SERVICE {
  get_exchange_rate: ActorMethod<[GetExchangeRateRequest], GetExchangeRateResult>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const AssetClass = IDL.Variant({ Cryptocurrency: IDL.Null, FiatCurrency: IDL.Null });
export const Asset = IDL.Record({ symbol: IDL.Text, class: AssetClass });
export const ExchangeRateMetadata = IDL.Record({ decimals: IDL.Nat32, base_asset_num_received_rates: IDL.Nat64, base_asset_num_queried_sources: IDL.Nat64, quote_asset_num_received_rates: IDL.Nat64, quote_asset_num_queried_sources: IDL.Nat64, standard_deviation: IDL.Nat64, forex_timestamp: IDL.Opt(IDL.Nat64) });
export const ExchangeRate = IDL.Record({ base_asset: Asset, quote_asset: Asset, timestamp: IDL.Nat64, rate: IDL.Nat64, metadata: ExchangeRateMetadata });
export const ExchangeRateError = IDL.Variant({ AnonymousPrincipalNotAllowed: IDL.Null, Pending: IDL.Null, CryptoBaseAssetNotFound: IDL.Null, CryptoQuoteAssetNotFound: IDL.Null, StablecoinRateNotFound: IDL.Null, StablecoinRateTooFewRates: IDL.Null, StablecoinRateZeroRate: IDL.Null, ForexInvalidTimestamp: IDL.Null, ForexBaseAssetNotFound: IDL.Null, ForexQuoteAssetNotFound: IDL.Null, ForexAssetsNotFound: IDL.Null, RateLimited: IDL.Null, NotEnoughCycles: IDL.Null, FailedToAcceptCycles: IDL.Null, InconsistentRatesReceived: IDL.Null, Other: IDL.Record({ code: IDL.Nat32, description: IDL.Text }) });
export const GetExchangeRateRequest = IDL.Record({ base_asset: Asset, quote_asset: Asset, timestamp: IDL.Opt(IDL.Nat64) });
export const GetExchangeRateResult = IDL.Variant({ Ok: ExchangeRate, Err: ExchangeRateError });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ get_exchange_rate: IDL.Func([GetExchangeRateRequest], [GetExchangeRateResult], []) });
/** The init arguments' IDL types. */
export const init: init = () => [];
