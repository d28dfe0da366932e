/**
 * The process's channel service (globalThis singleton: Next.js loads modules more than once).
 * The runtime wiring (server/runtime.ts) calls startChannels(engine) once
 * the engine runtime is up, and hands channelCustodySink() to the chain watcher.
 */
import { currentDeployment } from "../chain/deployment";
import { chainClient } from "../chain/client";
import { ClearlineError } from "../../core/errors";
import type { CustodyEventSink, EnginePort } from "../ports";
import { getDb } from "../db";
import { env } from "../env";
import { custodyChannelChain } from "../channels/chain";
import { fastStateSigner, fastStateVerifier } from "../channels/crypto";
import { createChannelCustodySink } from "../channels/custody-sink";
import { ChannelService, type ChannelServiceDeps } from "../channels/service";
import { createSubmitter } from "../channels/submitter";
import { listMarkets } from "./markets";

const g = globalThis as unknown as { __clearlineChannels?: ChannelService; __clearlineChannelSink?: CustodyEventSink };

/** The dependencies from configuration: the deployment, the chain, the exchange key, the markets in the database. */
export async function channelDepsFromEnv(engine: EnginePort): Promise<ChannelServiceDeps> {
  const deployment = await currentDeployment();
  const db = getDb();
  const markets = await listMarkets(db);
  const client = chainClient();
  const privateKey = env().exchangePrivateKey;
  return {
    db,
    engine,
    domain: { chainId: deployment.chainId, verifyingContract: deployment.custody },
    signer: fastStateSigner(privateKey),
    verifier: fastStateVerifier(),
    assets: Object.values(deployment.tokens).map((t) => ({
      symbol: t.symbol,
      token: t.address.toLowerCase() as `0x${string}`,
      decimals: t.decimals,
    })),
    markets: markets.map((m) => ({
      symbol: m.symbol,
      kind: m.kind === "PERP" ? "perp" : "spot",
      quote: m.quote.symbol,
      baseDecimals: m.base.decimals,
      quoteDecimals: m.quote.decimals,
      lotSizeBase: m.lotSize,
    })),
    coverageBps: env().channelCoverageBps,
    issuanceIntervalMs: env().channelIssuanceIntervalMs,
    chain: custodyChannelChain(client, deployment.custody),
    submitter: createSubmitter({
      rpcUrl: env().chain.rpcUrl,
      chainId: deployment.chainId,
      custody: deployment.custody,
      privateKey,
    }),
  };
}

/** Starts the channel service (state issuance on every engine batch); idempotent. */
export async function startChannels(engine: EnginePort, deps?: ChannelServiceDeps): Promise<ChannelService> {
  if (g.__clearlineChannels) return g.__clearlineChannels;
  const service = new ChannelService(deps ?? (await channelDepsFromEnv(engine)));
  service.start();
  g.__clearlineChannels = service;
  g.__clearlineChannelSink = createChannelCustodySink(service);
  return service;
}

export async function stopChannels(): Promise<void> {
  const service = g.__clearlineChannels;
  g.__clearlineChannels = undefined;
  g.__clearlineChannelSink = undefined;
  await service?.stop();
}

/** The running channel service; UNAVAILABLE until startChannels ran. */
export function channels(): ChannelService {
  const service = g.__clearlineChannels;
  if (!service) throw new ClearlineError("UNAVAILABLE", "the channel service is not running yet", {});
  return service;
}

/** The sink the chain watcher delivers custody events to. */
export function channelCustodySink(): CustodyEventSink {
  const sink = g.__clearlineChannelSink;
  if (!sink) throw new ClearlineError("UNAVAILABLE", "the channel service is not running yet", {});
  return sink;
}
