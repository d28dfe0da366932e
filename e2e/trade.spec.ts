/**
 * Trading flows in a real browser (issue 6): two traders in two browser contexts (#2 = A, #3 =
 * B), each with an ACTIVE channel opened through the API and the chain (e2e/fixtures.ts); the
 * admin (#0) moves perpetual prices with admin.prices.override. Flow 1 (connect + sign in) is
 * e2e/auth.spec.ts; the fixtures reuse the same UI steps. Tests run in order on one stack.
 */
import { expect, test, type Page } from "@playwright/test";
import { formatAmount } from "../app/_components/format";
import { feeForNotional } from "../core/fees";
import { toBaseUnits } from "../core/money";
import {
  adminOverridePrice,
  api,
  ensureActiveChannel,
  exchangeBalances,
  market,
  placeOrder,
  referencePrice,
  traderSession,
} from "./fixtures";

const A = 2;
const B = 3;
const WHOLE = (decimals: number) => 10n ** BigInt(decimals);

async function pickTab(page: Page, tab: "positions" | "orders" | "history" | "fills" | "funding" | "balances") {
  await page.getByTestId(`tab-${tab}`).click();
}

async function fillOrderForm(
  page: Page,
  o: {
    side: "Buy" | "Sell" | "Long" | "Short";
    type: "Limit" | "Market";
    price?: string;
    size: string;
    tp?: string;
    sl?: string;
  },
) {
  const form = page.getByTestId("order-form");
  await form.getByRole("group", { name: "Side" }).getByRole("button", { name: o.side, exact: true }).click();
  await form.getByRole("group", { name: "Order type" }).getByRole("button", { name: o.type, exact: true }).click();
  if (o.price !== undefined) await form.getByRole("textbox", { name: /^Price/ }).fill(o.price);
  await form.getByRole("textbox", { name: /^Size/ }).fill(o.size);
  if (o.tp !== undefined || o.sl !== undefined) {
    await form.getByRole("checkbox", { name: "TP / SL" }).check();
    if (o.tp !== undefined) await form.getByRole("textbox", { name: /^Take profit/ }).fill(o.tp);
    if (o.sl !== undefined) await form.getByRole("textbox", { name: /^Stop loss/ }).fill(o.sl);
  }
}

interface Latest {
  latest: { state: { version: bigint }; traderSignature: string | null };
  coSigned: { state: { version: bigint } } | null;
}

test.describe.configure({ mode: "serial" });

test("flow 3 — A rests a limit sell, B market-buys: both see the fill, balances and fees; new states get co-signed", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const a = await traderSession(browser, A, "/markets/WETH-USDC");
  const b = await traderSession(browser, B, "/markets/WETH-USDC");
  await ensureActiveChannel(a.page, a.privateKey, { USDC: "20000", WETH: "20" });
  await ensureActiveChannel(b.page, b.privateKey, { USDC: "20000" });
  const m = await market(a.page, "WETH-USDC");
  const q = m.quote.decimals;
  const size = WHOLE(m.base.decimals); // 1 WETH
  const notional = 3_000n * WHOLE(q);
  const takerFee = feeForNotional(notional, BigInt(m.takerFeePips)); // rounded up, as the exchange charges
  const makerFee = feeForNotional(notional, BigInt(m.makerFeePips));
  const aBefore = await exchangeBalances(a.page);
  const bBefore = await exchangeBalances(b.page);
  expect(bBefore.USDC!.available).toBe(20_000n * WHOLE(q));

  // A: limit sell 1 WETH at 3000 through the form; it rests and shows in A's open orders
  await a.page.reload();
  await fillOrderForm(a.page, { side: "Sell", type: "Limit", price: "3000", size: "1" });
  await a.page.getByTestId("place-order").click();
  await expect(a.page.getByTestId("toast-success").filter({ hasText: "Order placed" })).toBeVisible();
  await pickTab(a.page, "orders");
  await expect(a.page.getByTestId("open-order")).toHaveCount(1);
  await expect(a.page.getByTestId("open-order")).toContainText("3,000.00");

  // B sees the ask in the live book, then buys at market
  await b.page.reload();
  await expect(b.page.getByTestId("book-ask").first()).toContainText("3,000.00");
  await fillOrderForm(b.page, { side: "Buy", type: "Market", size: "1" });
  await expect(b.page.getByTestId("worst-price")).toHaveText("3,030.00"); // 1 % slippage bound
  // the form's fee preview is core's, so it is what the fill will charge
  await expect(b.page.getByTestId("fee-estimate")).toHaveText(`${formatAmount(takerFee, q, { maxFraction: q })} USDC`);
  await b.page.getByTestId("place-order").click();

  // both see the fill: a toast each, the trade in the market's tape, the fill with its fee
  await expect(b.page.getByTestId("toast-fill")).toContainText("Bought 1 WETH at 3,000.00 USDC");
  await expect(a.page.getByTestId("toast-fill")).toContainText("Sold 1 WETH at 3,000.00 USDC");
  for (const [p, fee] of [
    [a.page, makerFee],
    [b.page, takerFee],
  ] as const) {
    await expect(p.getByTestId("trade-row").first()).toContainText("3,000.00");
    await pickTab(p, "fills");
    await expect(p.getByTestId("fill-row").first()).toContainText("3,000.00");
    await expect(p.getByTestId("fill-fee").first()).toHaveText(`${formatAmount(fee, q)} USDC`);
  }
  await pickTab(a.page, "orders");
  await expect(a.page.getByText("No open orders.")).toBeVisible();

  // balances moved by exactly the trade and the fees, in the API and on screen
  const aAfter = await exchangeBalances(a.page);
  const bAfter = await exchangeBalances(b.page);
  expect(bAfter.USDC!.available).toBe(bBefore.USDC!.available - notional - takerFee);
  expect(bAfter.WETH!.available).toBe((bBefore.WETH?.available ?? 0n) + size);
  expect(aAfter.USDC!.available).toBe(aBefore.USDC!.available + notional - makerFee);
  expect(aAfter.WETH!.available).toBe(aBefore.WETH!.available - size);
  await pickTab(b.page, "balances");
  await expect(b.page.getByTestId("exchange-balance-USDC").getByTestId("available")).toHaveText(
    formatAmount(bAfter.USDC!.available, q),
  );
  await expect(b.page.getByTestId("exchange-balance-WETH").getByTestId("available")).toHaveText("1");

  // the fill made the exchange sign new states; the header badge counts them (no prompt per fill)
  // and leads to the channel screen, where B co-signs the latest on demand
  const badge = b.page.getByTestId("pending-states-badge");
  await expect(badge).toContainText(/\d+ to co-sign/);
  await b.page.screenshot({ path: testInfo.outputPath("trade-spot-desktop.png") });
  const signsBefore = b.wallet.calls.filter((c) => c === "eth_signTypedData_v4").length;
  await badge.click();
  await expect(b.page).toHaveURL(/\/channel$/);
  await b.page.getByTestId("cosign-latest").click();
  await expect(badge).toHaveCount(0);
  expect(b.wallet.calls.filter((c) => c === "eth_signTypedData_v4").length).toBe(signsBefore + 1);
  const bLatest = await api(b.page).query<Latest>("channel.latestState");
  expect(bLatest.latest.traderSignature).not.toBeNull();

  // A co-signs by placing the next order: the state before it is co-signed first
  const aLatestBefore = await api(a.page).query<Latest>("channel.latestState");
  expect(aLatestBefore.latest.traderSignature).toBeNull();
  const aSignsBefore = a.wallet.calls.filter((c) => c === "eth_signTypedData_v4").length;
  await pickTab(a.page, "orders");
  await fillOrderForm(a.page, { side: "Sell", type: "Limit", price: "3100", size: "1" });
  await a.page.getByTestId("place-order").click();
  await expect(a.page.getByTestId("open-order")).toContainText("3,100.00");
  expect(a.wallet.calls.filter((c) => c === "eth_signTypedData_v4").length).toBeGreaterThan(aSignsBefore);
  const aLatestAfter = await api(a.page).query<Latest>("channel.latestState");
  expect(aLatestAfter.coSigned!.state.version).toBeGreaterThanOrEqual(aLatestBefore.latest.state.version);
  await a.page.getByTestId("cancel-order").click();
  await expect(a.page.getByTestId("toast-success").filter({ hasText: "Order cancelled" })).toBeVisible();

  await b.page.goto("/markets/WETH-USDC");
  await b.page.setViewportSize({ width: 390, height: 844 });
  await b.page.screenshot({ path: testInfo.outputPath("trade-spot-phone.png"), fullPage: true });
  await a.context.close();
  await b.context.close();
});

test("flow 4 — perp long with TP and SL: the admin moves the mark through the TP; TP fires once, SL is cancelled", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const admin = await traderSession(browser, 0, "/");
  const a = await traderSession(browser, A, "/");
  const b = await traderSession(browser, B, "/markets/ETH-PERP");
  await ensureActiveChannel(a.page, a.privateKey, { USDC: "20000", WETH: "20" });
  await ensureActiveChannel(b.page, b.privateKey, { USDC: "20000" });
  const m = await market(a.page, "ETH-PERP");
  const q = WHOLE(m.quote.decimals);
  const p0 = (referencePrice(m) / q) * q; // whole USDC, on the tick
  const at = (bps: bigint) => ((p0 * bps) / 10_000n / q) * q;
  const whole = (v: bigint) => (v / q).toString();
  const half = WHOLE(m.base.decimals) / 2n;

  // A makes the market: an ask at p0 for B to take
  await placeOrder(a.page, { market: "ETH-PERP", side: "sell", type: "limit", size: half, price: p0 });

  // B goes long 0.5 ETH at market with TP +3 % and SL −3 %; the form shows the estimated PnL of each
  await fillOrderForm(b.page, {
    side: "Long",
    type: "Market",
    size: "0.5",
    tp: whole(at(10_300n)),
    sl: whole(at(9_700n)),
  });
  await expect(b.page.getByTestId("tp-pnl")).toHaveText(/^\+/);
  await expect(b.page.getByTestId("sl-pnl")).toHaveText(/^−/);
  await b.page.getByTestId("place-order").click();
  await expect(b.page.getByTestId("toast-fill")).toContainText("Long 0.5 WETH");
  const row = b.page.getByTestId("position-ETH-PERP");
  await expect(row.getByTestId("position-size")).toHaveText("0.5 WETH");
  await expect(row.getByTestId("position-tpsl")).toContainText(
    formatAmount(at(10_300n), m.quote.decimals, { maxFraction: 2, minFraction: 2 }),
  );
  await expect(row.getByTestId("position-tpsl")).toContainText(
    formatAmount(at(9_700n), m.quote.decimals, { maxFraction: 2, minFraction: 2 }),
  );
  await expect(row).toContainText(formatAmount(p0, m.quote.decimals, { maxFraction: 2, minFraction: 2 })); // entry
  await b.page.screenshot({ path: testInfo.outputPath("trade-perp-position.png") });

  // liquidity for the take-profit to sell into (within its 5 % slippage), then the mark jumps +5 %
  await placeOrder(a.page, { market: "ETH-PERP", side: "buy", type: "limit", size: half, price: at(10_200n) });
  await adminOverridePrice(
    admin.page,
    "ETH-PERP",
    whole(at(10_500n)),
    "e2e flow 4: move the mark through the take-profit",
  );

  await expect(b.page.getByTestId("toast-info").filter({ hasText: "Take-profit triggered on ETH-PERP" })).toBeVisible();
  await expect(b.page.getByTestId("position-ETH-PERP")).toHaveCount(0);
  await pickTab(b.page, "history");
  await expect(b.page.getByTestId("history-row").filter({ hasText: /Take-profit #\d+ triggered/ })).toHaveCount(1);
  await expect(b.page.getByTestId("history-row").filter({ hasText: "its TP/SL partner fired" })).toHaveCount(1);
  await b.page.screenshot({ path: testInfo.outputPath("trade-perp-tp-fired.png") });

  // exactly once, even as the mark keeps moving; the stop-loss is gone
  await b.page.waitForTimeout(2_500);
  type Row = { activity: { kind: string; triggerKind?: string; reason?: string } };
  const hist = await api(b.page).query<{ rows: Row[] }>("account.history", {
    limit: 200,
    kinds: ["triggered", "triggerCancelled"],
  });
  const count = (kind: string, match: (a: Row["activity"]) => boolean) =>
    hist.rows.filter((r) => r.activity.kind === kind && match(r.activity)).length;
  expect(count("triggered", (a) => a.triggerKind === "takeProfit")).toBe(1);
  expect(count("triggerCancelled", (a) => a.reason === "oco")).toBe(1);
  expect(count("triggered", (a) => a.triggerKind === "stopLoss")).toBe(0);
  expect(await api(b.page).query<unknown[]>("account.positions")).toEqual([]);
  for (const s of [admin, a, b]) await s.context.close();
});

test("flow 5 — liquidation when the mark moves against a leveraged long", async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const admin = await traderSession(browser, 0, "/");
  const a = await traderSession(browser, A, "/");
  const b = await traderSession(browser, B, "/markets/ETH-PERP");
  await ensureActiveChannel(a.page, a.privateKey, { USDC: "20000", WETH: "20" });
  await ensureActiveChannel(b.page, b.privateKey, { USDC: "20000" });
  const m = await market(a.page, "ETH-PERP");
  const q = WHOLE(m.quote.decimals);
  const p1 = (referencePrice(m) / q) * q;
  const size = 40n * WHOLE(m.base.decimals);

  await placeOrder(a.page, { market: "ETH-PERP", side: "sell", type: "limit", size, price: p1 });
  await fillOrderForm(b.page, { side: "Long", type: "Market", size: "40" });
  // ~120,000 USDC is above the order form's notional threshold: it asks for a second click (issue 21)
  await b.page.getByTestId("place-order").click();
  await expect(b.page.getByTestId("order-confirm")).toContainText("its value is");
  await b.page.getByTestId("place-order").click();
  const row = b.page.getByTestId("position-ETH-PERP");
  await expect(row.getByTestId("position-size")).toHaveText("40 WETH");
  const [pos] = await api(b.page).query<
    { liquidationPrice: { value: string } | null; marginRatioBps: bigint | null }[]
  >("account.positions");
  expect(pos!.liquidationPrice).not.toBeNull();
  const liquidationPrice = toBaseUnits(pos!.liquidationPrice!.value, m.quote.decimals);
  await expect(row.getByTestId("position-liq")).toHaveText(
    formatAmount(liquidationPrice, m.quote.decimals, { maxFraction: 2, minFraction: 2 }),
  );
  await b.page.screenshot({ path: testInfo.outputPath("trade-perp-leveraged.png") });

  // the admin moves the index 5 % below the estimated liquidation price
  const crash = ((liquidationPrice * 9_500n) / 10_000n / q).toString();
  const moved = await adminOverridePrice(
    admin.page,
    "ETH-PERP",
    crash,
    "e2e flow 5: crash below the long's liquidation price",
  );
  expect(moved.liquidations.map((x) => x.toLowerCase())).toContain(b.address.toLowerCase());

  await expect(b.page.getByTestId("toast-warn").filter({ hasText: "Liquidation" }).first()).toBeVisible();
  await expect(b.page.getByTestId("position-ETH-PERP")).toHaveCount(0);
  await pickTab(b.page, "history");
  await expect(b.page.getByTestId("history-row").filter({ hasText: "Liquidation started" })).toHaveCount(1);
  await b.page.screenshot({ path: testInfo.outputPath("trade-perp-liquidated.png") });
  for (const s of [admin, a, b]) await s.context.close();
});
