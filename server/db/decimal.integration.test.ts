import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { bigintToDecimal, DECIMAL_78_MAX, decimalToBigint } from "./decimal";
import { createMigratedTestDatabase, TEST_DEPLOYMENT, type TestDatabase } from "./testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  const { tokens } = TEST_DEPLOYMENT;
  await t.handle.db.asset.createMany({
    data: [
      { symbol: "USDC", address: tokens.USDC.address, decimals: 6 },
      { symbol: "WETH", address: tokens.WETH.address, decimals: 18 },
    ],
  });
});
afterAll(async () => t?.drop());

describe(`Decimal(78,0) money columns (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it.each([
    ["2^255", 2n ** 255n],
    ["2^256 - 1", 2n ** 256n - 1n],
    ["10^78 - 1", DECIMAL_78_MAX],
    ["1", 1n],
    ["0", 0n],
  ])("round-trips %s exactly through bigint", async (label, value) => {
    const symbol = `T-${label}`;
    await t.handle.db.market.create({
      data: {
        symbol,
        kind: "PERP",
        baseAsset: "WETH",
        quoteAsset: "USDC",
        tickSize: bigintToDecimal(value),
        lotSize: bigintToDecimal(value),
        minNotional: bigintToDecimal(value),
        maxLeverage: 1,
        initialMarginBps: 10_000,
        maintenanceMarginBps: 10_000,
        makerFeePips: -100,
        takerFeePips: 500,
      },
    });
    const row = await t.handle.db.market.findUniqueOrThrow({ where: { symbol } });
    expect(decimalToBigint(row.tickSize)).toBe(value);
    expect(decimalToBigint(row.minNotional)).toBe(value);
    expect(row.makerFeePips).toBe(-100);
    // Filtering by an exact huge value works too.
    expect(await t.handle.db.market.count({ where: { lotSize: bigintToDecimal(value) } })).toBeGreaterThanOrEqual(1);
  });

  it("refuses values that do not fit and fractional decimals", () => {
    expect(() => bigintToDecimal(DECIMAL_78_MAX + 1n)).toThrow(RangeError);
    expect(() => decimalToBigint("1.5")).toThrow(RangeError);
  });
});
