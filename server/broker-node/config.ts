/**
 * The broker node's configuration: read from environment-style settings (BROKER_*, DATABASE_URL)
 * and `--flag value` arguments (`--port 8900` = BROKER_PORT, `--bot` = BROKER_BOT=1), validated
 * with zod and bounds like server/env.ts, and failing with one message naming every bad setting.
 * The caller passes the source (server/broker-node/main.ts hands in process.env and argv).
 */
import path from "node:path";
import { getAddress, type Address, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { z } from "zod";
import { hardhatTestAccount, LOCAL_CHAIN_ID } from "../../core/chain/hardhat-test-accounts";
import { DEFAULT_RPC_PRICES, type RpcPrices } from "../../core/clearing";
import { DEMO_MARKETS } from "../../prisma/seed";

const uintText = (max: bigint, min = 0n) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, "must be a whole number")
    .transform((s) => BigInt(s))
    .refine((n) => n >= min && n <= max, `must be in ${min}..${max}`);
const U64 = 2n ** 64n - 1n;
const SPOT_MARKETS = DEMO_MARKETS.filter((m) => m.kind === "SPOT").map((m) => m.symbol);

const peer = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}@https?:\/\/\S+$/, "each peer is <address>@<http url>")
  .transform((s) => {
    const at = s.indexOf("@");
    return { address: s.slice(0, at).toLowerCase() as Address, url: s.slice(at + 1).replace(/\/+$/, "") };
  });

const asset = z
  .string()
  .regex(/^[A-Z]{2,10}:[0-9]{1,2}:0x[0-9a-fA-F]{40}$/, "each asset is SYMBOL:decimals:0xaddress")
  .transform((s) => {
    const [symbol, decimals, token] = s.split(":") as [string, string, string];
    return { symbol, decimals: Number(decimals), token: token.toLowerCase() as Address };
  });

const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(z.array(item));

/**
 * Placeholder token addresses (the first contracts account #0 deploys on a fresh local chain),
 * until the dev stack hands the nodes the recorded deployment. Both nodes must agree on them.
 */
const DEFAULT_ASSETS =
  "USDC:6:0x5fbdb2315678afecb367f032d93f642f64180aa3,WETH:18:0xe7f1725e7734ce288f8367e1bb143e90bb3f0512,WBTC:8:0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";

const schema = z
  .object({
    /** a short name for logs and the default data folder */
    BROKER_NODE_ID: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, "must be 1-32 of a-z 0-9 -")
      .default("broker"),
    BROKER_PORT: z.coerce.number().int().min(1).max(65_535).default(8900),
    BROKER_HOST: z.string().min(1).default("127.0.0.1"),
    /** the node's signing key; default: the local chain's WELL-KNOWN TEST account BROKER_TEST_ACCOUNT */
    BROKER_PRIVATE_KEY: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
      .optional(),
    /** which well-known Hardhat test account signs when no key is given (demo brokers: 6 and 7) */
    BROKER_TEST_ACCOUNT: z.coerce.number().int().min(0).max(9).default(6),
    BROKER_CHAIN_ID: uintText(U64).prefault("31337"),
    DATABASE_URL: z.string().url().optional(),
    /** the embedded database's folder; default .data/broker-<id> */
    BROKER_PGLITE_DIR: z.string().min(1).optional(),
    /** counterparties: <address>@<url>, comma-separated */
    BROKER_PEERS: list(peer).optional(),
    BROKER_MARKETS: list(z.enum(SPOT_MARKETS as [string, ...string[]])).prefault(SPOT_MARKETS.join(",")),
    BROKER_ASSETS: list(asset).prefault(DEFAULT_ASSETS),
    /** the published price schedule (settlement stablecoin base units) */
    BROKER_PRICE_PER_CALL: uintText(10n ** 18n).prefault(String(DEFAULT_RPC_PRICES.perCall)),
    BROKER_PRICE_PER_BYTE: uintText(10n ** 18n).prefault(String(DEFAULT_RPC_PRICES.perByte)),
    BROKER_PRICE_PER_DB_READ: uintText(10n ** 18n).prefault(String(DEFAULT_RPC_PRICES.perDbRead)),
    BROKER_PRICE_PER_DB_WRITE: uintText(10n ** 18n).prefault(String(DEFAULT_RPC_PRICES.perDbWrite)),
    /** per-counterparty rate cap: calls per second refilled, up to a burst */
    BROKER_RATE_CALLS_PER_SECOND: uintText(100_000n, 1n).prefault("200"),
    BROKER_RATE_BURST: uintText(1_000_000n, 1n).prefault("400"),
    /** per-counterparty cap of unpaid fees (settlement stablecoin base units; default $1,000) */
    BROKER_MAX_UNPAID_FEES: uintText(2n ** 128n).prefault("1000000000"),
    /**
     * how far an envelope's sentAtMs may be from this node's clock; also how long a peer may be
     * unreachable before its queued envelopes arrive STALE (docs/BROKER-NODE.md, Not built yet)
     */
    BROKER_MAX_SKEW_MS: uintText(3_600_000n, 1_000n).prefault("300000"),
    /**
     * what each peer may trade with on this node's book until the B2B channel's collateral backs
     * it: SYMBOL:baseUnits, credited once per peer (a journaled deposit)
     */
    BROKER_PEER_CREDIT: z.string().default("USDC:1000000000000,WETH:1000000000000000000000,WBTC:10000000000"),
    /** start the market-making bot */
    BROKER_BOT: z.enum(["0", "1", "true", "false"]).default("0"),
    /** the bot's mid price per whole base token (quote base units) and how often it refreshes */
    BROKER_BOT_MID: uintText(2n ** 128n, 1n).prefault("3000000000"),
    BROKER_BOT_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  })
  .superRefine((e, ctx) => {
    if (!e.BROKER_PRIVATE_KEY && e.BROKER_CHAIN_ID !== BigInt(LOCAL_CHAIN_ID))
      ctx.addIssue({
        code: "custom",
        path: ["BROKER_PRIVATE_KEY"],
        message: `required on chain ${e.BROKER_CHAIN_ID}: the well-known test keys are for the local chain only`,
      });
    const symbols = new Set(e.BROKER_ASSETS.map((a) => a.symbol));
    for (const m of e.BROKER_MARKETS) {
      const demo = DEMO_MARKETS.find((d) => d.symbol === m)!;
      for (const s of [demo.base, demo.quote])
        if (!symbols.has(s))
          ctx.addIssue({ code: "custom", path: ["BROKER_ASSETS"], message: `market ${m} needs asset ${s}` });
    }
  });

export interface PeerConfig {
  address: Address;
  url: string;
}

export interface AssetConfig {
  symbol: string;
  decimals: number;
  token: Address;
}

export type BrokerNodeConfig = ReturnType<typeof loadBrokerNodeConfig>;

/** Flags → settings: `--port 8900` → BROKER_PORT=8900, `--bot` → BROKER_BOT=1, `--database-url` → DATABASE_URL. */
export function flagsToSettings(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`Invalid configuration:\n  ${arg}: not a --flag`);
    const [rawName, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const name = rawName.toUpperCase().replaceAll("-", "_");
    const key = name === "DATABASE_URL" ? name : `BROKER_${name}`;
    const next = argv[i + 1];
    if (inline !== undefined) out[key] = inline;
    else if (next !== undefined && !next.startsWith("--")) out[key] = argv[++i]!;
    else out[key] = "1";
  }
  return out;
}

function parseCredit(text: string, assets: readonly AssetConfig[]): Map<string, bigint> {
  const credit = new Map<string, bigint>();
  for (const part of text.split(",").filter(Boolean)) {
    const m = /^([A-Z]{2,10}):(0|[1-9][0-9]{0,40})$/.exec(part.trim());
    if (!m || !assets.some((a) => a.symbol === m[1]))
      throw new Error(
        `Invalid configuration:\n  BROKER_PEER_CREDIT: ${part} is not SYMBOL:baseUnits of a listed asset`,
      );
    credit.set(m[1]!, BigInt(m[2]!));
  }
  return credit;
}

/** Validates the settings (env-style record, flags win); throws one Error naming every bad setting. */
export function loadBrokerNodeConfig(env: Record<string, string | undefined>, argv: readonly string[] = []) {
  const merged = { ...env, ...flagsToSettings(argv) };
  const cleaned = Object.fromEntries(Object.entries(merged).filter(([k, v]) => v !== undefined && v !== "" && k));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const testKey = !e.BROKER_PRIVATE_KEY;
  const privateKey = (e.BROKER_PRIVATE_KEY ?? hardhatTestAccount(e.BROKER_TEST_ACCOUNT).privateKey) as Hex;
  const address = privateKeyToAddress(privateKey).toLowerCase() as Address;
  const peers: PeerConfig[] = e.BROKER_PEERS ?? [];
  const seen = new Set<string>();
  for (const p of peers) {
    if (p.address === address)
      throw new Error(`Invalid configuration:\n  BROKER_PEERS: ${p.address} is this node's own address`);
    if (seen.has(p.address)) throw new Error(`Invalid configuration:\n  BROKER_PEERS: ${p.address} listed twice`);
    seen.add(p.address);
  }
  const prices: RpcPrices = {
    perCall: e.BROKER_PRICE_PER_CALL,
    perByte: e.BROKER_PRICE_PER_BYTE,
    perDbRead: e.BROKER_PRICE_PER_DB_READ,
    perDbWrite: e.BROKER_PRICE_PER_DB_WRITE,
  };
  return {
    nodeId: e.BROKER_NODE_ID,
    host: e.BROKER_HOST,
    port: e.BROKER_PORT,
    privateKey,
    address,
    /** the engine account this node's own orders (the bot's) trade as */
    account: getAddress(address),
    keySource: testKey ? `the WELL-KNOWN Hardhat TEST key #${e.BROKER_TEST_ACCOUNT}` : "BROKER_PRIVATE_KEY",
    chainId: e.BROKER_CHAIN_ID,
    database: e.DATABASE_URL
      ? ({ kind: "postgres", url: e.DATABASE_URL } as const)
      : ({
          kind: "pglite",
          dataDir: path.resolve(process.cwd(), e.BROKER_PGLITE_DIR ?? `.data/broker-${e.BROKER_NODE_ID}`),
        } as const),
    peers,
    markets: e.BROKER_MARKETS,
    assets: e.BROKER_ASSETS as AssetConfig[],
    prices,
    policy: {
      rate: { callsPerSecond: e.BROKER_RATE_CALLS_PER_SECOND, burst: e.BROKER_RATE_BURST },
      maxUnpaidFees: e.BROKER_MAX_UNPAID_FEES,
    },
    maxSkewMs: e.BROKER_MAX_SKEW_MS,
    peerCredit: parseCredit(e.BROKER_PEER_CREDIT, e.BROKER_ASSETS),
    bot: {
      enabled: e.BROKER_BOT === "1" || e.BROKER_BOT === "true",
      midPerWhole: e.BROKER_BOT_MID,
      intervalMs: e.BROKER_BOT_INTERVAL_MS,
    },
  };
}
