/**
 * Idempotent seed: the deployment's tokens as assets, the demo markets, the first admin.
 * Running it again changes nothing (asset addresses follow the deployment; market parameters
 * an admin has tuned are left alone). Called by the dev script after migrations and
 * bindChain(); `npx tsx scripts/db/seed.ts` seeds from DEPLOYMENT_FILE by hand.
 *
 * Units (see docs/DATABASE.md, "Market parameters"): a price is quote-asset base units per
 * one whole base token; tickSize is in those price units, lotSize in base-asset base units,
 * minNotional in quote-asset base units; fees in pips (1e-6), margins in basis points.
 */
import { getAddress } from "viem";
import type { Db } from "../server/db";
import { bigintToDecimal } from "../server/db/decimal";

export interface SeedToken {
  address: string;
  decimals: number;
  symbol: string;
}

export interface SeedDeployment {
  tokens: { USDC: SeedToken; WETH: SeedToken; WBTC: SeedToken };
}

type AssetSymbol = keyof SeedDeployment["tokens"];

interface DemoMarket {
  symbol: string;
  kind: "SPOT" | "PERP";
  base: AssetSymbol;
  quote: AssetSymbol;
  /** Whole-token fractions, turned into base units with the deployment's decimals. */
  tick: { quoteFractionDigits: number };
  lot: { baseFractionDigits: number };
  minNotionalWholeQuote: bigint;
  maxLeverage: number;
  initialMarginBps: number;
  maintenanceMarginBps: number;
  makerFeePips: number;
  takerFeePips: number;
  fundingIntervalSec: number | null;
  fundingCapPips: number | null;
}

export const DEMO_MARKETS: readonly DemoMarket[] = [
  {
    // Spot: fully funded, no leverage.
    symbol: "WETH-USDC",
    kind: "SPOT",
    base: "WETH",
    quote: "USDC",
    tick: { quoteFractionDigits: 2 }, // 0.01 USDC
    lot: { baseFractionDigits: 4 }, // 0.0001 WETH
    minNotionalWholeQuote: 10n,
    maxLeverage: 1,
    initialMarginBps: 10_000,
    maintenanceMarginBps: 10_000,
    makerFeePips: 100, // 0.01 %
    takerFeePips: 500, // 0.05 %
    fundingIntervalSec: null,
    fundingCapPips: null,
  },
  {
    symbol: "ETH-PERP",
    kind: "PERP",
    base: "WETH",
    quote: "USDC",
    tick: { quoteFractionDigits: 2 }, // 0.01 USDC
    lot: { baseFractionDigits: 3 }, // 0.001 ETH
    minNotionalWholeQuote: 10n,
    maxLeverage: 20,
    initialMarginBps: 500, // 5 % = 1 / 20x
    maintenanceMarginBps: 250,
    makerFeePips: 100,
    takerFeePips: 500,
    fundingIntervalSec: 3_600,
    fundingCapPips: 5_000, // 0.5 % per interval
  },
  {
    symbol: "BTC-PERP",
    kind: "PERP",
    base: "WBTC",
    quote: "USDC",
    tick: { quoteFractionDigits: 1 }, // 0.1 USDC
    lot: { baseFractionDigits: 4 }, // 0.0001 BTC
    minNotionalWholeQuote: 10n,
    maxLeverage: 25,
    initialMarginBps: 400, // 4 % = 1 / 25x
    maintenanceMarginBps: 200,
    makerFeePips: 100,
    takerFeePips: 500,
    fundingIntervalSec: 3_600,
    fundingCapPips: 5_000,
  },
];

function fraction(decimals: number, fractionDigits: number, symbol: string): bigint {
  if (!Number.isInteger(decimals) || decimals < fractionDigits || decimals > 77) {
    throw new RangeError(`${symbol}: ${decimals} decimals cannot express 1e-${fractionDigits}`);
  }
  return 10n ** BigInt(decimals - fractionDigits);
}

/** The demo market rows for a deployment (parameters in base units). */
export function demoMarketRows(deployment: SeedDeployment) {
  return DEMO_MARKETS.map((m) => {
    const base = deployment.tokens[m.base];
    const quote = deployment.tokens[m.quote];
    return {
      symbol: m.symbol,
      kind: m.kind,
      baseAsset: m.base,
      quoteAsset: m.quote,
      tickSize: fraction(quote.decimals, m.tick.quoteFractionDigits, m.quote),
      lotSize: fraction(base.decimals, m.lot.baseFractionDigits, m.base),
      minNotional: m.minNotionalWholeQuote * 10n ** BigInt(quote.decimals),
      maxLeverage: m.maxLeverage,
      initialMarginBps: m.initialMarginBps,
      maintenanceMarginBps: m.maintenanceMarginBps,
      makerFeePips: m.makerFeePips,
      takerFeePips: m.takerFeePips,
      fundingIntervalSec: m.fundingIntervalSec,
      fundingCapPips: m.fundingCapPips,
    };
  });
}

export interface SeedResult {
  assets: number;
  marketsCreated: string[];
  adminGranted: boolean;
}

export async function seedDatabase(
  db: Db,
  deployment: SeedDeployment,
  options: { adminAddress: string },
): Promise<SeedResult> {
  const symbols: AssetSymbol[] = ["USDC", "WETH", "WBTC"];
  const adminAddress = getAddress(options.adminAddress);
  return db.$transaction(async (tx) => {
    for (const symbol of symbols) {
      const t = deployment.tokens[symbol];
      const address = getAddress(t.address);
      await tx.asset.upsert({
        where: { symbol },
        create: { symbol, address, decimals: t.decimals },
        update: { address, decimals: t.decimals },
      });
    }

    const marketsCreated: string[] = [];
    for (const m of demoMarketRows(deployment)) {
      const existing = await tx.market.findUnique({ where: { symbol: m.symbol }, select: { symbol: true } });
      if (existing) continue; // an admin may have tuned it: leave it alone
      await tx.market.create({
        data: {
          ...m,
          tickSize: bigintToDecimal(m.tickSize),
          lotSize: bigintToDecimal(m.lotSize),
          minNotional: bigintToDecimal(m.minNotional),
        },
      });
      marketsCreated.push(m.symbol);
    }

    const user = await tx.user.findUnique({ where: { address: adminAddress } });
    const adminGranted = !user?.roles.includes("ADMIN");
    if (adminGranted) {
      const roles = user ? [...user.roles, "ADMIN" as const] : (["TRADER", "ADMIN"] as const);
      if (user) await tx.user.update({ where: { id: user.id }, data: { roles: [...roles] } });
      else await tx.user.create({ data: { address: adminAddress, roles: [...roles] } });
      await tx.auditLog.create({
        data: {
          actor: "system",
          action: "user.grant_role",
          target: adminAddress,
          before: user ? { roles: user.roles } : undefined,
          after: { roles: [...roles], reason: "ADMIN_ADDRESS (seed)" },
        },
      });
    }
    return { assets: symbols.length, marketsCreated, adminGranted };
  });
}
