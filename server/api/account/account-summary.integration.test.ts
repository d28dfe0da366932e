/**
 * Issue 21 through the real router: account.summary (whole tokens, nothing negative), pending
 * trigger orders listed and cancelled, a wrong-side stop refused with a whole-token reason,
 * markets.perpStats, and account.channelPresence for a process without channels.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import type { EngineRuntime } from "../../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../../engine/testing";
import { createCaller } from "../root";
import { contextsOver, engineOnlyServices } from "../testing";

const serverUrl = inject("testDatabaseUrl");
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC;
let t: TestDatabase;
let rt: EngineRuntime;
const ctxFor = contextsOver(() => engineOnlyServices(t.handle, () => rt));
let k = 0;
const key = () => `summary-test-${++k}-key`;

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  for (const a of TRADERS.slice(0, 2))
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: usd(10_000n) });
  await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test");
});
afterAll(async () => {
  await rt?.stop();
  await t?.drop();
});

describe(`account summary, trigger orders, perp stats (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("summarises a fresh account, then a long: value, margin used, free collateral, withdrawable, leverage", async () => {
    const [alice, bob] = [createCaller(ctxFor(TRADERS[0])), createCaller(ctxFor(TRADERS[1]))];
    const before = await alice.account.summary();
    const usdc = before.margin.find((x) => x.asset === "USDC")!;
    expect(usdc).toMatchObject({
      accountValue: { value: "10000", symbol: "USDC" },
      marginUsed: { value: "0", symbol: "USDC" },
      freeCollateral: { value: "10000", symbol: "USDC" },
      withdrawable: { value: "10000", symbol: "USDC" },
      crossLeverageBps: 0n,
    });
    expect(before.withdrawable.find((w) => w.symbol === "USDC")).toEqual({ value: "10000", symbol: "USDC" });

    // bob rests a sell, alice buys 1 at 3000: a long of 3000 notional
    await bob.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: WETH,
      price: usd(3000n),
    });
    await alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: WETH,
      price: usd(3000n),
      timeInForce: "IOC",
    });
    const after = (await alice.account.summary()).margin.find((x) => x.asset === "USDC")!;
    const n = (s: string) => Number(s);
    expect(n(after.marginUsed.value)).toBeGreaterThan(0);
    expect(n(after.freeCollateral.value)).toBeLessThan(n(after.accountValue.value));
    expect(n(after.freeCollateral.value)).toBeGreaterThan(0);
    expect(n(after.withdrawable.value)).toBeGreaterThanOrEqual(0);
    // ~3000 / ~9998.5: just over 0.3×, rounded up
    expect(after.crossLeverageBps).toBeGreaterThan(3_000n);
    expect(after.crossLeverageBps).toBeLessThan(3_010n);
    // the balances' "available" USDC of a long is below its deposit; the summary never shows a negative figure
    for (const f of [after.accountValue, after.marginUsed, after.freeCollateral, after.withdrawable])
      expect(f.value.startsWith("-")).toBe(false);
  });

  it("lists a pending stop with its type, trigger and size, and cancels it", async () => {
    const alice = createCaller(ctxFor(TRADERS[0]));
    const placed = await alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "stopMarket",
      size: WETH / 10n,
      triggerPrice: usd(3150n),
      worstPrice: usd(3200n),
    });
    expect(placed.status).toBe("triggerPending");
    const listed = await alice.account.triggerOrders();
    expect(listed).toEqual([
      expect.objectContaining({
        orderId: placed.orderId,
        market: "ETH-PERP",
        type: "stopMarket",
        side: "buy",
        trigger: { value: "3150", symbol: "USDC" },
        price: { value: "3200", symbol: "USDC" },
        size: expect.objectContaining({ value: "0.1" }),
        status: "pending",
      }),
    ]);
    // another trader does not see it
    expect(await createCaller(ctxFor(TRADERS[1])).account.triggerOrders()).toEqual([]);
    await alice.orders.cancel({ idempotencyKey: key(), orderId: placed.orderId });
    expect(await alice.account.triggerOrders()).toEqual([]);
  });

  it("refuses a stop on the wrong side of the mark, in whole tokens", async () => {
    const alice = createCaller(ctxFor(TRADERS[0]));
    const refusal = alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "stopMarket",
      size: WETH / 10n,
      triggerPrice: usd(2900n),
      worstPrice: usd(3000n),
    });
    await expect(refusal).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { code: "STOP_WRONG_SIDE" } });
    await expect(refusal).rejects.toThrow(
      /A buy stop at 2,900 USDC per \S+ would fire at once: the mark price is 3,000 USDC/,
    );
    expect(await alice.account.triggerOrders()).toEqual([]);
  });

  it("says an order's missing margin in whole tokens, not base units", async () => {
    const alice = createCaller(ctxFor(TRADERS[0]));
    const refusal = alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: 1_000n * WETH,
      price: usd(2990n),
    });
    await expect(refusal).rejects.toMatchObject({ cause: { code: "INSUFFICIENT_MARGIN" } });
    await expect(refusal).rejects.toThrow(/needs [\d.,]+ USDC of margin/);
    await expect(refusal).rejects.not.toThrow(/\d{10,}/);
  });

  it("perpStats: funding rate, next funding time, open interest; channelPresence without channels", async () => {
    const caller = createCaller(ctxFor(TRADERS[0]));
    const stats = await caller.markets.perpStats();
    const eth = stats.find((s) => s.market === "ETH-PERP")!;
    expect(typeof eth.fundingRatePips).toBe("number");
    expect(eth.nextFundingMs).toBeGreaterThan(Date.now());
    expect(eth.openInterest.value).toBe("1");
    expect(await caller.account.channelPresence()).toEqual({ hasChannel: false });
  });
});
