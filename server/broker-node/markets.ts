/**
 * The node's catalogue and starting balances: the listed markets' assets and Market rows in its
 * own database (the demo parameters of prisma/seed.ts), and, once per account, a journaled
 * deposit of the configured credit for each peer and for the node's own (bot) account — what
 * they trade with until the B2B channel's collateral backs it (not built yet).
 */
import { getAddress } from "viem";
import { demoMarketRows, type SeedDeployment } from "../../prisma/seed";
import type { Db } from "../db";
import { bigintToDecimal } from "../db/decimal";
import type { EngineRuntime } from "../engine/runtime";
import type { BrokerNodeConfig } from "./config";

const PLACEHOLDER = { address: "0x0000000000000000000000000000000000000001", decimals: 18 };

/** Asset and Market rows for the listed markets; existing rows are left alone. */
export async function seedNodeMarkets(db: Db, config: BrokerNodeConfig): Promise<void> {
  const token = (symbol: "USDC" | "WETH" | "WBTC") => {
    const a = config.assets.find((x) => x.symbol === symbol);
    return a ? { symbol, address: a.token, decimals: a.decimals } : { symbol, ...PLACEHOLDER };
  };
  const deployment: SeedDeployment = { tokens: { USDC: token("USDC"), WETH: token("WETH"), WBTC: token("WBTC") } };
  await db.$transaction(async (tx) => {
    for (const a of config.assets)
      await tx.asset.upsert({
        where: { symbol: a.symbol },
        create: { symbol: a.symbol, address: getAddress(a.token), decimals: a.decimals },
        update: {},
      });
    for (const m of demoMarketRows(deployment)) {
      if (!config.markets.includes(m.symbol)) continue;
      if (await tx.market.findUnique({ where: { symbol: m.symbol } })) continue;
      await tx.market.create({
        data: {
          ...m,
          tickSize: bigintToDecimal(m.tickSize),
          lotSize: bigintToDecimal(m.lotSize),
          minNotional: bigintToDecimal(m.minNotional),
        },
      });
    }
  });
}

/** The configured credit for every peer and the node's own account, each deposited once (requestId). */
export async function creditAccounts(engine: EngineRuntime, config: BrokerNodeConfig): Promise<void> {
  const accounts = [config.account, ...config.peers.map((p) => getAddress(p.address))];
  for (const account of accounts)
    for (const [asset, amount] of config.peerCredit) {
      if (amount === 0n) continue;
      await engine.submit({ type: "deposit", account, asset, amount }, { requestId: `credit:${asset}` });
    }
}
