import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { decimalToBigint } from "../server/db/decimal";
import { createMigratedTestDatabase, TEST_DEPLOYMENT, type TestDatabase } from "../server/db/testing";
import { seedDatabase } from "./seed";

const serverUrl = inject("testDatabaseUrl");
const admin = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
let t: TestDatabase;
beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
});
afterAll(async () => t?.drop());

async function snapshot() {
  const db = t.handle.db;
  return {
    assets: await db.asset.findMany({ orderBy: { symbol: "asc" } }),
    markets: await db.market.findMany({ orderBy: { symbol: "asc" } }),
    users: await db.user.findMany(),
    audit: await db.auditLog.count(),
  };
}

describe(`seedDatabase (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("seeds assets, demo markets and the first admin, and a second run changes nothing", async () => {
    const first = await seedDatabase(t.handle.db, TEST_DEPLOYMENT, { adminAddress: admin });
    expect(first).toEqual({ assets: 3, marketsCreated: ["WETH-USDC", "ETH-PERP", "BTC-PERP"], adminGranted: true });
    const before = await snapshot();
    expect(before.assets.map((a) => [a.symbol, a.decimals])).toEqual([
      ["USDC", 6],
      ["WBTC", 8],
      ["WETH", 18],
    ]);
    // Addresses are stored checksummed.
    expect(before.assets.find((a) => a.symbol === "USDC")?.address).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(before.users).toHaveLength(1);
    expect(before.users[0]).toMatchObject({
      address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      roles: ["TRADER", "ADMIN"],
    });
    expect(before.audit).toBe(1);

    const eth = before.markets.find((m) => m.symbol === "ETH-PERP")!;
    expect(eth).toMatchObject({
      kind: "PERP",
      baseAsset: "WETH",
      quoteAsset: "USDC",
      maxLeverage: 20,
      initialMarginBps: 500,
      maintenanceMarginBps: 250,
      makerFeePips: 100,
      takerFeePips: 500,
      fundingIntervalSec: 3600,
      fundingCapPips: 5000,
      status: "ACTIVE",
    });
    expect(decimalToBigint(eth.tickSize)).toBe(10_000n); // 0.01 USDC
    expect(decimalToBigint(eth.lotSize)).toBe(10n ** 15n); // 0.001 ETH
    expect(decimalToBigint(eth.minNotional)).toBe(10_000_000n); // 10 USDC
    const btc = before.markets.find((m) => m.symbol === "BTC-PERP")!;
    expect(decimalToBigint(btc.lotSize)).toBe(10_000n); // 0.0001 BTC at 8 decimals
    expect(btc.maxLeverage).toBe(25);

    const second = await seedDatabase(t.handle.db, TEST_DEPLOYMENT, { adminAddress: admin });
    expect(second).toEqual({ assets: 3, marketsCreated: [], adminGranted: false });
    expect(await snapshot()).toEqual(before);
  });

  it("keeps a market an admin tuned, and grants ADMIN to an existing trader", async () => {
    await t.handle.db.market.update({ where: { symbol: "ETH-PERP" }, data: { status: "HALTED", takerFeePips: 700 } });
    const trader = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    await t.handle.db.user.create({ data: { address: trader } });
    const out = await seedDatabase(t.handle.db, TEST_DEPLOYMENT, { adminAddress: trader });
    expect(out.adminGranted).toBe(true);
    expect((await t.handle.db.user.findUniqueOrThrow({ where: { address: trader } })).roles).toEqual([
      "TRADER",
      "ADMIN",
    ]);
    expect(await t.handle.db.market.findUniqueOrThrow({ where: { symbol: "ETH-PERP" } })).toMatchObject({
      status: "HALTED",
      takerFeePips: 700,
    });
  });
});
