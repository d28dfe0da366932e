/**
 * All configuration, read and validated in this one file (nothing else reads process.env).
 * Every setting has a default that works with nothing configured: embedded PGlite under
 * .data/, the local Hardhat chain on 127.0.0.1:8545 and its well-known test keys.
 * `.env.example` documents each setting.
 */
import path from "node:path";
import { z } from "zod";
import { hardhatTestAccount, LOCAL_ROLES } from "../core/chain/hardhat-test-accounts";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
const port = z.coerce.number().int().min(1).max(65535);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** PostgreSQL server; when absent, the embedded PGlite database in PGLITE_DATA_DIR is used. */
    DATABASE_URL: z.string().url().optional(),
    PGLITE_DATA_DIR: z.string().default(".data/pglite"),
    /** Port of the local Hardhat node that `npm run dev` starts. */
    CHAIN_PORT: port.default(8545),
    /** JSON-RPC endpoint of the chain; defaults to the local node on CHAIN_PORT. */
    CHAIN_RPC_URL: z.string().url().optional(),
    /** The RPC URL the browser's wallet uses; defaults to CHAIN_RPC_URL. */
    PUBLIC_CHAIN_RPC_URL: z.string().url().optional(),
    /** Where the local deployment (contract and token addresses) is written and read. */
    DEPLOYMENT_FILE: z.string().default(".data/deployment.json"),
    /** Contract addresses on a real chain; when set they win over DEPLOYMENT_FILE. */
    CUSTODY_ADDRESS: address.optional(),
    USDC_ADDRESS: address.optional(),
    WETH_ADDRESS: address.optional(),
    WBTC_ADDRESS: address.optional(),
    /** Block the custody contract was deployed in (the chain watcher starts there). */
    CUSTODY_DEPLOY_BLOCK: z.coerce.number().int().min(0).default(0),
    /** Blocks a deposit must be buried under before it is credited. */
    CHAIN_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(1),
    /** Chain seconds after a challenge's deadline before the exchange concludes it itself, if nobody did (the trader usually does). */
    WATCHTOWER_CONCLUDE_AFTER_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(600),
    /** Exchange coverage locked into a new channel, in basis points of the trader's deposit per token (20000 = 2x). */
    CHANNEL_COVERAGE_BPS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
    CHANNEL_ISSUANCE_INTERVAL_MS: z.coerce.number().int().min(0).max(1_000).default(50),
    /** An unfunded opening stops reserving the exchange's coverage this many seconds after prepareOpen (1 min to 7 days). */
    CHANNEL_OPENING_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3_600),
    /** One opening's coverage per asset: at most this share of the exchange's free custody balance, in basis points. */
    CHANNEL_OPENING_MAX_SHARE_BPS: z.coerce.number().int().min(0).max(10_000).default(1_000),
    /** All unexpired openings' coverage per asset together: at most this share of the free custody balance, in basis points. */
    CHANNEL_OPENING_RESERVE_MAX_BPS: z.coerce.number().int().min(0).max(10_000).default(5_000),
    /** The exchange's signing key. Default: the local chain's WELL-KNOWN TEST key #1 (local chain only). */
    EXCHANGE_PRIVATE_KEY: hex32.optional(),
    /** The first admin's wallet address. Default: local test account #0. */
    ADMIN_ADDRESS: address.optional(),
    /** The app's public origin, used for SIWE domain checks and same-origin checks. */
    APP_URL: z.string().url().default("http://localhost:3000"),
    PORT: port.default(3000),
    /** Secret for session cookies (>= 32 chars). Required in production. */
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
    /** Sign-in: how long a session cookie lasts; how old a signed SIWE message (and its nonce) may be. */
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(12),
    SIWE_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
    /** Largest tRPC request body accepted, in bytes. */
    API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(65_536),
    /** Rate limits (token buckets, in-process): sign-in attempts per IP per minute; order entry per session per second (also the burst). */
    RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    RATE_LIMIT_ORDERS_PER_SECOND: z.coerce.number().int().min(1).default(50),
    /** Comma-separated addresses of the reverse proxies in front of the app server: their X-Forwarded-For hops are skipped to find the client. */
    TRUSTED_PROXIES: z.string().default(""),
    /** Engine runtime: index prices for perpetuals ("simulated" random walk; default simulated on a local chain, else off). */
    MARK_FEED: z.enum(["simulated", "off"]).optional(),
    MARK_FEED_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
    MARK_FEED_DRIFT_BPS: z.coerce.number().min(-100).max(100).default(0),
    MARK_FEED_VOLATILITY_BPS: z.coerce.number().int().min(0).max(1_000).default(5),
    MARK_FEED_SEED: z.coerce.number().int().min(0).default(1),
    /** Engine snapshots: after this many journaled commands, or this many ms, whichever first. */
    ENGINE_SNAPSHOT_EVERY: z.coerce.number().int().min(1).default(50_000),
    ENGINE_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
    /** Chromium for the end-to-end tests; default: Debian's /usr/bin/chromium or Playwright's own. */
    CHROMIUM_PATH: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "SESSION_SECRET is required in production" });
    }
    const rpc = env.CHAIN_RPC_URL ?? `http://127.0.0.1:${env.CHAIN_PORT}`;
    if (!isLocalUrl(rpc) && !env.EXCHANGE_PRIVATE_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["EXCHANGE_PRIVATE_KEY"],
        message: `EXCHANGE_PRIVATE_KEY is required for a non-local chain (${rpc}); the test keys are for the local chain only`,
      });
    }
  });

function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "::1";
}

export type Env = ReturnType<typeof loadEnv>;

/** Parse and validate a configuration source (process.env by default); throws one error naming every bad setting. */
export function loadEnv(source: Record<string, string | undefined> = process.env) {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const chainRpcUrl = e.CHAIN_RPC_URL ?? `http://127.0.0.1:${e.CHAIN_PORT}`;
  const localChain = isLocalUrl(chainRpcUrl);
  const root = process.cwd();
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === "production",
    database: e.DATABASE_URL
      ? ({ kind: "postgres", url: e.DATABASE_URL } as const)
      : ({ kind: "pglite", dataDir: path.resolve(root, e.PGLITE_DATA_DIR) } as const),
    chain: {
      rpcUrl: chainRpcUrl,
      publicRpcUrl: e.PUBLIC_CHAIN_RPC_URL ?? chainRpcUrl,
      deployBlock: e.CUSTODY_DEPLOY_BLOCK,
      port: e.CHAIN_PORT,
      isLocal: localChain,
      confirmations: e.CHAIN_CONFIRMATIONS,
      concludeAfterSeconds: e.WATCHTOWER_CONCLUDE_AFTER_SECONDS,
      deploymentFile: path.resolve(root, e.DEPLOYMENT_FILE),
      /** Explicit addresses for a real chain (all four or none). */
      addresses:
        e.CUSTODY_ADDRESS && e.USDC_ADDRESS && e.WETH_ADDRESS && e.WBTC_ADDRESS
          ? { custody: e.CUSTODY_ADDRESS, USDC: e.USDC_ADDRESS, WETH: e.WETH_ADDRESS, WBTC: e.WBTC_ADDRESS }
          : null,
    },
    channelCoverageBps: BigInt(e.CHANNEL_COVERAGE_BPS),
    channelIssuanceIntervalMs: e.CHANNEL_ISSUANCE_INTERVAL_MS,
    channelOpeningPolicy: {
      ttlSeconds: e.CHANNEL_OPENING_TTL_SECONDS,
      maxShareBps: BigInt(e.CHANNEL_OPENING_MAX_SHARE_BPS),
      reserveMaxBps: BigInt(e.CHANNEL_OPENING_RESERVE_MAX_BPS),
    },
    exchangePrivateKey: (e.EXCHANGE_PRIVATE_KEY ??
      hardhatTestAccount(LOCAL_ROLES.exchange).privateKey) as `0x${string}`,
    adminAddress: (e.ADMIN_ADDRESS ?? hardhatTestAccount(LOCAL_ROLES.deployer).address) as `0x${string}`,
    chromiumPath: e.CHROMIUM_PATH ?? null,
    appUrl: e.APP_URL,
    port: e.PORT,
    // Development default only; production refuses to start without SESSION_SECRET (checked above).
    sessionSecret: e.SESSION_SECRET ?? "clearline-development-session-secret-not-for-production",
    sessionTtlSeconds: Math.round(e.SESSION_TTL_HOURS * 3600),
    siweMaxAgeSeconds: e.SIWE_MAX_AGE_SECONDS,
    apiMaxBodyBytes: e.API_MAX_BODY_BYTES,
    rateLimits: { signInPerMinute: e.RATE_LIMIT_SIGN_IN_PER_MINUTE, ordersPerSecond: e.RATE_LIMIT_ORDERS_PER_SECOND },
    trustedProxies: e.TRUSTED_PROXIES.split(",")
      .map((a) => a.trim())
      .filter(Boolean),
    engine: {
      markFeed: {
        kind: e.MARK_FEED ?? (localChain ? "simulated" : "off"),
        intervalMs: e.MARK_FEED_INTERVAL_MS,
        driftBps: e.MARK_FEED_DRIFT_BPS,
        volatilityBps: e.MARK_FEED_VOLATILITY_BPS,
        seed: e.MARK_FEED_SEED,
      },
      snapshotEvery: e.ENGINE_SNAPSHOT_EVERY,
      snapshotIntervalMs: e.ENGINE_SNAPSHOT_INTERVAL_MS,
    },
  };
}

let parsed: Env | undefined;

/** This module's configuration, parsed once (read by the composition root and the scripts, handed on from there). */
export function env(): Env {
  return (parsed ??= loadEnv());
}
