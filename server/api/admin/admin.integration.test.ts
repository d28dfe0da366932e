/**
 * The ops console's actions through the real router on a real database and engine runtime:
 * halt/resume (orders refused with the halt message, nothing cancelled), mark override →
 * liquidation (in the risk view with its steps) → audit record, suspension, roles, market
 * creation into the running engine, the parameter preview, and the audit log's append-only rule.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
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
const key = () => `admin-test-${++k}-key`;
const admin = () => createCaller(ctxFor(ADMIN, ["TRADER", "ADMIN"]));
const operator = () => createCaller(ctxFor(OPERATOR, ["TRADER", "OPERATOR"]));
const trader = (i: number) => createCaller(ctxFor(TRADERS[i]!));

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  await rt.submit({ type: "deposit", account: TRADERS[0], asset: "USDC", amount: usd(1_000n) });
  for (const a of [TRADERS[1], TRADERS[2]]) {
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: usd(1_000_000n) });
    await rt.submit({ type: "deposit", account: a, asset: "WETH", amount: 100n * WETH });
  }
  await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test start");
});
afterAll(async () => {
  await rt?.stop();
  await t?.drop();
});

describe(`ops console actions (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("halt: orders are refused with the halt message, resting orders stay; resume: trading again; both audited", async () => {
    const bob = trader(1);
    const resting = await bob.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "sell",
      type: "limit",
      size: WETH,
      price: usd(2500n),
    });
    expect(resting.status).toBe("resting");
    const booksBefore = rt.read((ex) => ex.restingCount("WETH-USDC"));

    const halted = await admin().admin.markets.halt({ market: "WETH-USDC", reason: "incident drill" });
    expect(halted).toMatchObject({ market: "WETH-USDC", status: "HALTED", restingOrders: booksBefore });
    await expect(
      bob.orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "sell",
        type: "limit",
        size: WETH,
        price: usd(2600n),
      }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "market WETH-USDC is halted",
    });
    await expect(
      trader(2).orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "buy",
        type: "market",
        size: WETH,
        worstPrice: usd(2600n),
      }),
    ).rejects.toMatchObject({ message: "market WETH-USDC is halted" });
    // nothing was cancelled: the resting order is still on the book and still the trader's
    expect(rt.read((ex) => ex.restingCount("WETH-USDC"))).toBe(booksBefore);
    expect(await bob.account.openOrders()).toContainEqual(
      expect.objectContaining({ orderId: resting.orderId, market: "WETH-USDC", size: { value: "1", symbol: "WETH" } }),
    );
    // other markets trade on
    expect(
      (
        await bob.orders.place({
          idempotencyKey: key(),
          market: "ETH-PERP",
          side: "sell",
          type: "limit",
          size: WETH,
          price: usd(3100n),
        })
      ).status,
    ).toBe("resting");
    // the database says HALTED (a restart keeps it halted) and the console shows both sides
    expect((await t.handle.db.market.findUniqueOrThrow({ where: { symbol: "WETH-USDC" } })).status).toBe("HALTED");
    expect((await operator().admin.markets.list()).find((m) => m.symbol === "WETH-USDC")).toMatchObject({
      status: "HALTED",
      haltedInEngine: true,
      restingOrders: booksBefore,
    });
    await expect(admin().admin.markets.halt({ market: "WETH-USDC", reason: "again" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const resumed = await admin().admin.markets.resume({ market: "WETH-USDC", reason: "drill over" });
    expect(resumed.status).toBe("ACTIVE");
    const fill = await trader(2).orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "buy",
      type: "market",
      size: WETH,
      worstPrice: usd(2600n),
    });
    expect(fill).toMatchObject({ status: "filled", filledSize: { value: "1", symbol: "WETH" } });

    const audit = await operator().admin.audit.list({ target: "WETH-USDC" });
    expect(audit.rows.map((r) => r.action)).toEqual(["market.resume", "market.halt"]);
    expect(audit.rows[1]).toMatchObject({
      actor: ADMIN,
      before: { status: "ACTIVE" },
      after: { status: "HALTED", reason: "incident drill", restingOrdersKept: booksBefore },
    });
    expect(audit.rows[0]).toMatchObject({
      before: { status: "HALTED" },
      after: { status: "ACTIVE", reason: "drill over" },
    });
  });

  it("override the mark → the leveraged long is liquidated → the risk view shows every step → the audit log has the override", async () => {
    const alice = trader(0); // 1000 USDC
    const bob = trader(1);
    await bob.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: 5n * WETH,
      price: usd(3000n),
    });
    await alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: 5n * WETH,
      price: usd(3000n),
      timeInForce: "IOC",
    });
    expect((await alice.account.positions())[0]).toMatchObject({
      market: "ETH-PERP",
      size: { value: "5", symbol: "WETH" },
    });
    // 15 000 notional on ~1000 equity: near maintenance (750 IM, 375 MM) is not yet "below"
    const before = await operator().admin.risk.accounts({});
    expect(before.rows.find((r) => r.account === TRADERS[0])).toMatchObject({ status: "ok" });
    // the preview of a higher maintenance margin says this position would be liquidated (and changes nothing)
    const preview = await operator().admin.markets.previewParams({
      market: "ETH-PERP",
      maintenanceMarginBps: 4_000,
      initialMarginBps: 5_000,
      maxLeverage: 2,
    });
    expect(preview).toMatchObject({ valid: true });
    expect(preview.liquidations.map((l) => l.account)).toEqual([TRADERS[0]]);
    expect(preview.positions.find((p) => p.account === TRADERS[0])).toMatchObject({ outcome: "liquidated" });
    expect(rt.market("ETH-PERP")!.maintenanceMarginBps).toBe(250);

    const result = await admin().admin.prices.override({
      market: "ETH-PERP",
      price: "2820.5",
      reason: "feed outage: manual price",
    });
    expect(result).toMatchObject({ market: "ETH-PERP", index: usd(2820n) + USDC / 2n, liquidations: [TRADERS[0]] });
    expect(await alice.account.positions()).toEqual([]);

    const liqs = await operator().admin.risk.liquidations({ account: TRADERS[0] });
    expect(liqs).toHaveLength(1);
    const liq = liqs[0]!;
    expect(liq).toMatchObject({ seq: result.seq, account: TRADERS[0], asset: "USDC", cause: "markPrice" });
    expect(liq.equityBefore).toBeLessThan(liq.maintenanceMargin);
    const types = liq.steps.map((s) => s.type);
    expect(types.at(-1)).toBe("liquidationFinished");
    expect(types.some((x) => x === "adl" || x === "fill")).toBe(true);
    expect(types).toContain("orderAccepted"); // the closing IOC at the bankruptcy limit
    // steps read in whole units with their assets
    expect(liq.steps.find((s) => s.type === "orderAccepted")!.text).toMatch(
      /^closing order #\d+: sell 5 WETH ETH-PERP, IOC limited at the bankruptcy price \d+(\.\d+)? USDC$/,
    );

    const audit = await operator().admin.audit.list({ action: "price." });
    expect(audit.rows[0]).toMatchObject({
      id: result.auditId,
      actor: ADMIN,
      action: "price.override",
      target: "ETH-PERP",
      before: { index: usd(3000n).toString(), mark: usd(3000n).toString() },
      after: {
        requested: (usd(2820n) + USDC / 2n).toString(),
        seq: result.seq.toString(),
        reason: "feed outage: manual price",
        liquidations: [TRADERS[0]],
      },
    });
    // the journal carries the origin and reason too; the price history shows the admin point
    const history = await operator().admin.prices.history({ market: "ETH-PERP" });
    expect(history.at(-1)).toMatchObject({ seq: result.seq, origin: "admin", index: usd(2820n) + USDC / 2n });
    await expect(
      admin().admin.prices.override({ market: "ETH-PERP", price: "1.0000001", reason: "too precise" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      admin().admin.prices.override({ market: "NOPE", price: "1", reason: "no market" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("suspend: the runtime refuses the account's orders, User.suspendedAt and the reason are stored and audited; resume lifts it", async () => {
    const carol = TRADERS[2];
    const s = await admin().admin.users.suspend({ address: carol.toLowerCase(), reason: "KYC review" });
    expect(s.address).toBe(carol);
    const row = await t.handle.db.user.findUniqueOrThrow({ where: { address: carol } });
    expect(row).toMatchObject({ suspendReason: "KYC review" });
    expect(row.suspendedAt).toBeInstanceOf(Date);
    // a session loaded before the suspension still cannot trade: the engine guard refuses
    await expect(
      trader(2).orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: WETH,
        price: usd(2000n),
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await operator().admin.users.detail({ address: carol })).suspendedInEngine).toBe(true);
    await admin().admin.users.resume({ address: carol, reason: "cleared" });
    expect(
      (
        await trader(2).orders.place({
          idempotencyKey: key(),
          market: "WETH-USDC",
          side: "buy",
          type: "limit",
          size: WETH,
          price: usd(2000n),
        })
      ).status,
    ).toBe("resting");
    const audit = await operator().admin.audit.list({ target: carol });
    expect(audit.rows.map((r) => [r.action, (r.after as { reason: string }).reason])).toEqual([
      ["user.resume", "cleared"],
      ["user.suspend", "KYC review"],
    ]);
    const found = await operator().admin.users.search({ query: carol.slice(2, 10).toLowerCase() });
    expect(found.map((u) => u.address)).toContain(carol);
  });

  it("roles: grants and revokes are audited and the last admin cannot be removed", async () => {
    const granted = await admin().admin.roles.grant({ address: OPERATOR, role: "OPERATOR", reason: "night shift" });
    expect(granted.roles).toEqual(["TRADER", "OPERATOR"]);
    expect((await operator().admin.roles.list()).map((r) => [r.address, r.roles])).toEqual(
      expect.arrayContaining([
        [ADMIN, ["TRADER", "ADMIN"]],
        [OPERATOR, ["TRADER", "OPERATOR"]],
      ]),
    );
    await expect(admin().admin.roles.revoke({ address: ADMIN, role: "ADMIN", reason: "oops" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    await admin().admin.roles.revoke({ address: OPERATOR, role: "OPERATOR", reason: "shift over" });
    const audit = await operator().admin.audit.list({ action: "role." });
    expect(audit.rows.map((r) => [r.action, r.before, r.after])).toEqual([
      ["role.revoke", { roles: ["TRADER", "OPERATOR"] }, { roles: ["TRADER"], reason: "shift over" }],
      ["role.grant", { roles: [] }, { roles: ["TRADER", "OPERATOR"], reason: "night shift" }],
    ]);
  });

  it("creates a market: stored, audited, in the running engine and tradable; invalid parameters are refused before anything is written", async () => {
    const created = await admin().admin.markets.create({
      symbol: "WBTC-USDC",
      kind: "SPOT",
      baseAsset: "WBTC",
      quoteAsset: "USDC",
      tickSize: 10_000n,
      lotSize: 10_000n,
      minNotional: usd(10n),
      maxLeverage: 1,
      initialMarginBps: 10_000,
      maintenanceMarginBps: 10_000,
      makerFeePips: 100,
      takerFeePips: 500,
      fundingIntervalSec: null,
      fundingCapPips: null,
    });
    expect(created).toMatchObject({
      addedToEngine: true,
      market: { symbol: "WBTC-USDC", inEngine: true, status: "ACTIVE" },
    });
    await rt.submit({ type: "deposit", account: TRADERS[1], asset: "WBTC", amount: 10n ** 8n });
    expect(
      (
        await trader(1).orders.place({
          idempotencyKey: key(),
          market: "WBTC-USDC",
          side: "sell",
          type: "limit",
          size: 10n ** 8n,
          price: usd(60_000n),
        })
      ).status,
    ).toBe("resting");
    const invalid = {
      symbol: "BAD-PERP",
      kind: "PERP" as const,
      baseAsset: "WETH",
      quoteAsset: "USDC",
      tickSize: 10_000n,
      lotSize: 10n ** 15n,
      minNotional: usd(10n),
      maxLeverage: 50,
      initialMarginBps: 150, // below 1/50 = 200 bps
      maintenanceMarginBps: 100,
      makerFeePips: 100,
      takerFeePips: 500,
      fundingIntervalSec: 3600,
      fundingCapPips: 5000,
    };
    await expect(admin().admin.markets.create(invalid)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { code: "MARKET_CONFIG_INVALID" },
    });
    expect(await t.handle.db.market.findUnique({ where: { symbol: "BAD-PERP" } })).toBeNull();
    await expect(
      admin().admin.markets.create({ ...invalid, symbol: "WBTC-USDC", kind: "SPOT", baseAsset: "WBTC" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await operator().admin.audit.list({ action: "market.create" })).rows.map((r) => r.target)).toEqual([
      "WBTC-USDC",
    ]);
  });

  it("the overview and health answer; subscriptions are counted; the audit log cannot be edited", async () => {
    const hub = ctxFor(null).services.feeds;
    const q = hub.trades("ETH-PERP");
    const h = await operator().admin.health();
    expect(h.engine).toMatchObject({ failed: null, journalLag: 0 });
    expect(h.engine!.sequence).toBe(rt.status().sequence);
    expect(h.database.reachable).toBe(true);
    expect(h.subscriptions.events).toBe(1);
    q.close();
    expect((await operator().admin.health()).subscriptions.events).toBe(0);

    const o = await operator().admin.overview();
    expect(o.healthy.ok).toBe(false); // no watcher / watchtower in this test process
    expect(o.healthy.reasons.join(" ")).toContain("watcher is not running");
    expect(o.coverage.map((c) => c.asset)).toEqual(expect.arrayContaining(["USDC", "WETH"]));
    expect(o.coverage.find((c) => c.asset === "USDC")!.owedToTraders).toBeGreaterThan(0n);

    const fees = await operator().admin.fees.summary({});
    expect(fees.buckets.filter((b) => b.market === "WETH-USDC").reduce((s, b) => s + b.fees, 0n)).toBeGreaterThan(0n);
    const feeUsdc = fees.account.find((a) => a.asset === "USDC")!;
    expect(feeUsdc.current).toBe(rt.read((ex) => ex.balance("@fees", "USDC").available));
    // every USDC fee the fee account holds came from these fills, and its series ends at its balance
    expect(fees.buckets.filter((b) => b.asset === "USDC").reduce((s, b) => s + b.fees, 0n)).toBe(feeUsdc.current);
    expect(feeUsdc.points.at(-1)!.balance).toBe(feeUsdc.current);
    expect(feeUsdc.points.reduce((s, p) => s + p.delta, 0n)).toBe(feeUsdc.current);

    await expect(t.handle.db.$executeRawUnsafe(`UPDATE "AuditLog" SET action = 'x'`)).rejects.toThrow();
    await expect(t.handle.db.$executeRawUnsafe(`DELETE FROM "AuditLog"`)).rejects.toThrow();
  });
});
