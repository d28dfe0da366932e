/**
 * Changing a live market's parameters through the admin router on a real database and engine
 * runtime: a fee change applies to the next fill; a maintenance-margin increase liquidates
 * exactly the accounts the preview named; both audited with before/after; refusals change
 * nothing; a restart keeps the new parameters and brings a stale Market row in line.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { FEE_ACCOUNT } from "../../../core/engine";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import { decimalToBigint } from "../../db/decimal";
import type { EngineRuntime } from "../../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../../engine/testing";
import { createCaller } from "../root";
import { ADMIN, contextsOver, engineOnlyServices, OPERATOR } from "../testing";

const serverUrl = inject("testDatabaseUrl");
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC;
let t: TestDatabase;
let rt: EngineRuntime;
const ctxFor = contextsOver(() => engineOnlyServices(t.handle, () => rt));
let k = 0;
const key = () => `params-test-${++k}-key`;
const admin = () => createCaller(ctxFor(ADMIN, ["TRADER", "ADMIN"]));
const operator = () => createCaller(ctxFor(OPERATOR, ["TRADER", "OPERATOR"]));
const trader = (i: number) => createCaller(ctxFor(TRADERS[i]!));
const engineParams = (symbol: string) =>
  rt.read((ex) => ex.snapshot().markets.find((m) => m.params.symbol === symbol)!.params);

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  await rt.submit({ type: "deposit", account: TRADERS[0], asset: "USDC", amount: usd(1_000n) });
  for (const a of [TRADERS[1], TRADERS[2]])
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: usd(1_000_000n) });
  await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test start");
});
afterAll(async () => {
  await rt?.stop();
  await t?.drop();
});

describe(`market parameter changes (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("a fee change applies to the next fill; the Market row, the runtime's view and the audit log follow", async () => {
    const preview = await operator().admin.markets.previewParams({
      market: "ETH-PERP",
      takerFeePips: 1_000,
      makerFeePips: 0,
    });
    expect(preview).toMatchObject({ valid: true, liquidations: [], ordersCancelled: [] });
    expect(preview.changes).toEqual([
      { field: "makerFeePips", before: 100n, after: 0n },
      { field: "takerFeePips", before: 500n, after: 1_000n },
    ]);
    // the preview changed nothing
    expect(engineParams("ETH-PERP").takerFeePips).toBe(500n);

    const applied = await admin().admin.markets.updateParams({
      market: "ETH-PERP",
      takerFeePips: 1_000,
      makerFeePips: 0,
      reason: "fee schedule v2",
    });
    expect(applied).toMatchObject({ market: "ETH-PERP", liquidations: [], changes: preview.changes });
    expect(engineParams("ETH-PERP")).toMatchObject({ takerFeePips: 1_000n, makerFeePips: 0n });
    expect(rt.market("ETH-PERP")).toMatchObject({ takerFeePips: 1_000, makerFeePips: 0 });
    expect(await t.handle.db.market.findUniqueOrThrow({ where: { symbol: "ETH-PERP" } })).toMatchObject({
      takerFeePips: 1_000,
      makerFeePips: 0,
    });

    const feesBefore = rt.read((ex) => ex.balance(FEE_ACCOUNT, "USDC").available);
    await trader(1).orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: WETH,
      price: usd(3000n),
    });
    const fill = await trader(2).orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: WETH,
      price: usd(3000n),
      timeInForce: "IOC",
    });
    expect(fill.status).toBe("filled");
    // 3000 USDC notional: taker 0.1 % = 3 USDC, maker 0
    expect(rt.read((ex) => ex.balance(FEE_ACCOUNT, "USDC").available) - feesBefore).toBe(3n * USDC);

    const audit = await operator().admin.audit.list({ action: "market.updateParams" });
    expect(audit.rows[0]).toMatchObject({
      id: applied.auditId,
      actor: ADMIN,
      target: "ETH-PERP",
      before: { takerFeePips: "500", makerFeePips: "100", maintenanceMarginBps: "250" },
      after: {
        takerFeePips: "1000",
        makerFeePips: "0",
        reason: "fee schedule v2",
        seq: applied.seq.toString(),
        liquidated: [],
      },
    });
  });

  it("a maintenance-margin increase liquidates exactly the accounts the preview named", async () => {
    // TRADERS[0]: 1000 USDC behind a 15 000 USDC long (MM 2.5 % = 375 now, 7 % = 1050 after)
    await trader(1).orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: 5n * WETH,
      price: usd(3000n),
    });
    await trader(0).orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: 5n * WETH,
      price: usd(3000n),
      timeInForce: "IOC",
    });
    // liquidity for the liquidation to sell into
    await trader(2).orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: 10n * WETH,
      price: usd(2990n),
    });
    const change = { market: "ETH-PERP", maxLeverage: 10, initialMarginBps: 1_000, maintenanceMarginBps: 700 };

    const preview = await operator().admin.markets.previewParams(change);
    expect(preview.valid).toBe(true);
    expect(preview.liquidations.map((l) => l.account)).toEqual([TRADERS[0]]);
    const named = preview.positions.filter((p) => p.outcome === "liquidated").map((p) => p.account);
    expect(named).toEqual([TRADERS[0]]);
    // others hold positions too and are not touched
    expect(
      preview.positions
        .filter((p) => p.outcome !== "liquidated")
        .map((p) => p.account)
        .sort(),
    ).toEqual([TRADERS[1], TRADERS[2]].sort());
    expect((await trader(0).account.positions())[0]).toMatchObject({ size: { value: "5", symbol: "WETH" } });

    const applied = await admin().admin.markets.updateParams({ ...change, reason: "volatility: raise margins" });
    expect(applied.liquidations.map((l) => l.account)).toEqual(named);
    expect(applied.liquidations[0]!.equity).toBeLessThan(applied.liquidations[0]!.maintenance);
    expect(applied.liquidations).toEqual(preview.liquidations);
    expect(await trader(0).account.positions()).toEqual([]);
    // the risk view shows the liquidation with its steps, caused by this journal entry
    const liqs = await operator().admin.risk.liquidations({ account: TRADERS[0] });
    expect(liqs[0]).toMatchObject({ seq: applied.seq, account: TRADERS[0] });
    expect(liqs[0]!.steps.map((s) => s.type).at(-1)).toBe("liquidationFinished");

    const audit = await operator().admin.audit.list({ action: "market.updateParams" });
    expect(audit.rows[0]).toMatchObject({
      id: applied.auditId,
      before: { maintenanceMarginBps: "250", initialMarginBps: "500", maxLeverage: "20" },
      after: {
        maintenanceMarginBps: "700",
        initialMarginBps: "1000",
        maxLeverage: "10",
        reason: "volatility: raise margins",
        liquidated: [TRADERS[0]],
      },
    });
    expect(await t.handle.db.market.findUniqueOrThrow({ where: { symbol: "ETH-PERP" } })).toMatchObject({
      maintenanceMarginBps: 700,
      initialMarginBps: 1_000,
      maxLeverage: 10,
    });
  });

  it("refusals name the value and change nothing (no row, no audit)", async () => {
    const auditBefore = (await operator().admin.audit.list({ action: "market.updateParams" })).rows.length;
    const preview = await operator().admin.markets.previewParams({ market: "ETH-PERP", maintenanceMarginBps: 1_000 });
    expect(preview).toMatchObject({ valid: false, invalidCode: "MARKET_CONFIG_INVALID" });
    expect(preview.invalidReason).toMatch(/maintenanceMarginBps must be positive and below initialMarginBps/);
    await expect(
      admin().admin.markets.updateParams({ market: "ETH-PERP", maintenanceMarginBps: 1_000, reason: "too high" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/maintenanceMarginBps/),
    });
    await expect(
      admin().admin.markets.updateParams({ market: "WETH-USDC", maintenanceMarginBps: 100, reason: "spot margin" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/spot/) });
    await expect(
      admin().admin.markets.updateParams({ market: "ETH-PERP", takerFeePips: 1_000, reason: "same" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/no parameter differs/) });
    // tick and lot are not in the input: refused by the schema, never silently dropped
    await expect(
      admin().admin.markets.updateParams({ market: "ETH-PERP", tickSize: 1n, reason: "tick" } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      admin().admin.markets.updateParams({ market: "ETH-PERP", takerFeePips: 0, reason: "free" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/taker fee \(pips\): at least 1/) });
    await expect(
      admin().admin.markets.updateParams({ market: "ETH-PERP", takerFeePips: 600, reason: "" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      admin().admin.markets.updateParams({ market: "NOPE", takerFeePips: 600, reason: "no market" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      operator().admin.markets.updateParams({ market: "ETH-PERP", takerFeePips: 600, reason: "operator" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await operator().admin.audit.list({ action: "market.updateParams" })).rows.length).toBe(auditBefore);
    expect(engineParams("ETH-PERP")).toMatchObject({ maintenanceMarginBps: 700n, takerFeePips: 1_000n });
  });

  it("a restart keeps the new parameters (journal), and a Market row that missed the change follows the engine", async () => {
    await admin().admin.markets.updateParams({
      market: "ETH-PERP",
      minNotional: usd(20n),
      markBandBps: 300,
      liquidationFeePips: 2_000,
      reason: "tidy up",
    });
    const expected = engineParams("ETH-PERP");
    await rt.stop();
    // as if the row write had failed after the command was journaled
    await t.handle.db.market.update({
      where: { symbol: "ETH-PERP" },
      data: { takerFeePips: 500, maintenanceMarginBps: 250 },
    });
    rt = await startQuietRuntime(t.handle.db);
    expect(engineParams("ETH-PERP")).toEqual(expected);
    const row = await t.handle.db.market.findUniqueOrThrow({ where: { symbol: "ETH-PERP" } });
    expect(row).toMatchObject({ takerFeePips: 1_000, maintenanceMarginBps: 700 });
    expect(decimalToBigint(row.minNotional)).toBe(usd(20n));
    expect(rt.market("ETH-PERP")).toMatchObject({
      takerFeePips: 1_000,
      maintenanceMarginBps: 700,
      minNotional: usd(20n),
    });
    expect((await operator().admin.markets.list()).find((m) => m.symbol === "ETH-PERP")).toMatchObject({
      markBandBps: 300,
      liquidationFeePips: 2_000,
    });
  });
});
