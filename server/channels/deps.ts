/** The channel service's dependencies from the chain, the exchange's key and the markets served: one builder for the server and its tests. */
import type { Address, Hex, PublicClient } from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { MarketView } from "../../core/market/view";
import type { Db } from "../db";
import type { EnginePort } from "../ports";
import { custodyChannelChain } from "./chain";
import { fastStateSigner, fastStateVerifier } from "./crypto";
import type { OpeningPolicy } from "./opening-policy";
import { createSubmitter } from "./submitter";
import type { ChannelAsset, ChannelMarket, ChannelServiceDeps } from "./types";

/** Every custody token, as the channel service names it. */
export function channelAssetsOf(deployment: Deployment): ChannelAsset[] {
  return Object.values(deployment.tokens).map((t) => ({
    symbol: t.symbol,
    token: t.address.toLowerCase() as Address,
    decimals: t.decimals,
  }));
}

/** The markets as the channel service needs them (from the Market table's rows). */
export function channelMarketsOf(markets: readonly MarketView[]): ChannelMarket[] {
  return markets.map((m) => ({
    symbol: m.symbol,
    kind: m.kind === "PERP" ? "perp" : "spot",
    quote: m.quote.symbol,
    baseDecimals: m.base.decimals,
    quoteDecimals: m.quote.decimals,
    lotSizeBase: m.lotSize,
  }));
}

export function channelServiceDeps(o: {
  db: Db;
  /** the engine runtime in the server: its trading guard suspends an account a reorg left short (custody-sink.ts) */
  engine: EnginePort & { setAccountSuspended?(account: string, suspended: boolean): void };
  client: PublicClient;
  deployment: Deployment;
  /** where co-signed resizes, closes and checkpoints are sent */
  rpcUrl: string;
  exchangeKey: Hex;
  markets: ChannelMarket[];
  coverageBps: bigint;
  /** CHANNEL_OPENING_* settings (default DEFAULT_OPENING_POLICY) */
  openingPolicy?: OpeningPolicy;
  issuanceIntervalMs?: number;
}): ChannelServiceDeps {
  const { engine } = o;
  const { deployment } = o;
  return {
    db: o.db,
    engine: o.engine,
    domain: { chainId: deployment.chainId, verifyingContract: deployment.custody },
    signer: fastStateSigner(o.exchangeKey),
    verifier: fastStateVerifier(),
    assets: channelAssetsOf(deployment),
    markets: o.markets,
    coverageBps: o.coverageBps,
    ...(o.openingPolicy === undefined ? {} : { openingPolicy: o.openingPolicy }),
    ...(engine.setAccountSuspended
      ? { suspendTrading: (account: string) => engine.setAccountSuspended!(account, true) }
      : {}),
    ...(o.issuanceIntervalMs === undefined ? {} : { issuanceIntervalMs: o.issuanceIntervalMs }),
    chain: custodyChannelChain(o.client, deployment.custody),
    submitter: createSubmitter({
      rpcUrl: o.rpcUrl,
      chainId: deployment.chainId,
      custody: deployment.custody,
      privateKey: o.exchangeKey,
    }),
  };
}
