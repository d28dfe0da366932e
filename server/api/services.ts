/**
 * What procedures receive as `ctx.services`: every part of the running server. Declared here,
 * where it is used; built by the composition root (server/app-services.ts) and, in tests, by
 * server/testing/services.ts and server/api/testing.ts.
 */
import type { PublicClient } from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { AuthDeps } from "../auth/deps";
import type { ChainWatcher } from "../chain/watcher";
import type { ExchangeWallet, Watchtower } from "../chain/watchtower";
import type { ChannelService } from "../channels/service";
import type { DatabaseHandle, Db } from "../db";
import type { FeedHub } from "../engine/feed-hub";
import type { EngineRuntime } from "../engine/runtime";
import type { Env } from "../env";

/** The chain as the server sees it: a read client, the contracts in use, the exchange's wallet. */
export interface ChainParts {
  client: PublicClient;
  deployment: Deployment;
  /** signs and pays the exchange's transactions (watchtower answers, checkpoints, fee withdrawals) */
  wallet: ExchangeWallet;
  rpcUrl: string;
}

/**
 * Every part of the running server; built by buildAppServices(), or by the tests' helpers. The
 * server always has every part; the chain-side parts are nullable because the ops views must say
 * "not running" truthfully, and engine-only tests run without a chain.
 */
export interface AppServices {
  readonly database: DatabaseHandle;
  readonly db: Db;
  readonly auth: AuthDeps;
  /** null: no chain in this process (engine-only tests) */
  readonly chain: ChainParts | null;
  readonly engine: EngineRuntime;
  readonly feeds: FeedHub;
  /** null: no chain in this process, so no channels either */
  readonly channels: ChannelService | null;
  readonly watcher: ChainWatcher | null;
  readonly watchtower: Watchtower | null;
  /** the mark-price feed as configured (the ops console shows it next to the price sources) */
  readonly markFeed: Env["engine"]["markFeed"];
}
