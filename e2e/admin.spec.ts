/**
 * The ops console in a real browser (issue 7): the admin (#0) halts a market and a trader's (#6)
 * order is refused with the halt message, then resumes it; the admin overrides a mark price and
 * the leveraged long (#7, against #8) is liquidated — visible in the risk view with its steps
 * and in the audit log. Real chain, real signatures, the production build.
 */
import { expect, test, type Page } from "@playwright/test";
import { hardhatTestAccount } from "../core/chain/hardhat-test-accounts";
import { toBaseUnits } from "../core/money";
import { api, ApiError, ensureActiveChannel, market, placeOrder, referencePrice, traderSession } from "./fixtures";

test.describe.configure({ mode: "serial" });

const WHOLE = (decimals: number) => 10n ** BigInt(decimals);

async function reasonAction(page: Page, testId: string, reason: string) {
  await page.getByTestId(testId).click();
  const form = page.getByTestId(`${testId}-form`);
  await form.getByLabel("Reason (recorded in the audit log)").fill(reason);
  await form.getByRole("button", { name: /^(Halt|Resume) / }).click();
}

test("admin halts a market → a trader's order is refused with the halt message, nothing cancelled → resume", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const admin = await traderSession(browser, 0, "/admin/markets");
  await expect(admin.page.getByTestId("console-role")).toHaveText("admin: can act");
  const trader = await traderSession(browser, 6, "/");
  await ensureActiveChannel(trader.page, trader.privateKey, { USDC: "2000" });
  const m = await market(trader.page, "BTC-PERP");
  const size = WHOLE(m.base.decimals) / 100n; // 0.01 BTC
  const farBid = 20_000n * WHOLE(m.quote.decimals);
  const resting = await placeOrder(trader.page, {
    market: "BTC-PERP",
    side: "buy",
    type: "limit",
    size,
    price: farBid,
  });
  expect(resting.status).toBe("resting");

  const row = admin.page.getByTestId("market-row-BTC-PERP");
  await expect(row.getByTestId("market-status")).toHaveText("ACTIVE");
  await reasonAction(admin.page, "halt-BTC-PERP", "e2e: halt drill");
  await expect(row.getByTestId("market-status")).toHaveText("HALTED");
  await admin.page.screenshot({ path: testInfo.outputPath("admin-markets-halted.png") });

  // the trader's new order is refused with the halt message; the resting one is still there
  const refused = await placeOrder(trader.page, {
    market: "BTC-PERP",
    side: "buy",
    type: "limit",
    size,
    price: farBid,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(ApiError);
  expect((refused as ApiError).message).toContain("market BTC-PERP is halted");
  expect((refused as ApiError).code).toBe("PRECONDITION_FAILED");
  const open = await api(trader.page).query<{ orderId: number; market: string }[]>("account.openOrders");
  expect(open.map((o) => o.orderId)).toContain(resting.orderId);
  // the trade screen tells the trader too
  await trader.page.goto("/markets/BTC-PERP");
  await expect(trader.page.getByTestId("place-order")).toHaveText("Market halted");
  await trader.page.screenshot({ path: testInfo.outputPath("trader-market-halted.png") });

  await reasonAction(admin.page, "resume-BTC-PERP", "e2e: drill over");
  await expect(row.getByTestId("market-status")).toHaveText("ACTIVE");
  const again = await placeOrder(trader.page, { market: "BTC-PERP", side: "buy", type: "limit", size, price: farBid });
  expect(again.status).toBe("resting");
  for (const id of [resting.orderId, again.orderId])
    await api(trader.page).mutation("orders.cancel", { idempotencyKey: `e2e:${crypto.randomUUID()}`, orderId: id });

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  const audit = admin.page.getByTestId("audit-log");
  await expect(audit.getByTestId("audit-row").filter({ hasText: "e2e: halt drill" })).toHaveAttribute(
    "data-action",
    "market.halt",
  );
  await expect(audit.getByTestId("audit-row").filter({ hasText: "e2e: drill over" })).toHaveAttribute(
    "data-action",
    "market.resume",
  );
  await admin.page.screenshot({ path: testInfo.outputPath("admin-audit.png"), fullPage: true });
  for (const s of [admin, trader]) await s.context.close();
});

test("admin overrides a mark price → the leveraged long is liquidated → in the risk view with its steps and in the audit log", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const admin = await traderSession(browser, 0, "/admin");
  const long = await traderSession(browser, 7, "/");
  const short = await traderSession(browser, 8, "/");
  await ensureActiveChannel(long.page, long.privateKey, { USDC: "1000" });
  await ensureActiveChannel(short.page, short.privateKey, { USDC: "50000" });
  const m = await market(long.page, "ETH-PERP");
  const q = WHOLE(m.quote.decimals);
  const p1 = (referencePrice(m) / q) * q;
  const size = 2n * WHOLE(m.base.decimals);
  await placeOrder(short.page, { market: "ETH-PERP", side: "sell", type: "limit", size, price: p1 });
  const bought = await placeOrder(long.page, {
    market: "ETH-PERP",
    side: "buy",
    type: "limit",
    size,
    price: p1,
    timeInForce: "IOC",
  });
  expect(bought.filledSize).toEqual({ value: "2", symbol: m.base.symbol });
  const [pos] = await api(long.page).query<{ liquidationPrice: { value: string } | null }[]>("account.positions");
  expect(pos!.liquidationPrice).not.toBeNull();
  const liquidationPrice = toBaseUnits(pos!.liquidationPrice!.value, m.quote.decimals);
  const crash = ((liquidationPrice * 9_500n) / 10_000n / q).toString();

  // the overview before
  await expect(admin.page.getByTestId("verdict-healthy")).toBeVisible();
  await admin.page.screenshot({ path: testInfo.outputPath("admin-overview.png"), fullPage: true });

  await admin.page.getByRole("link", { name: "Prices" }).click();
  const form = admin.page.getByTestId("override-form");
  await form.getByLabel("Market").selectOption("ETH-PERP");
  await form.getByLabel("Price (quote per whole base token)").fill(crash);
  await form.getByLabel(/^Reason/).fill("e2e: crash below the long's liquidation price");
  await form.getByRole("button", { name: "Set index price" }).click();
  await expect(
    admin.page.getByTestId("toast-success").filter({ hasText: `ETH-PERP index set to ${crash}` }),
  ).toBeVisible();
  await expect(admin.page.getByTestId("toast-success").filter({ hasText: "liquidated" })).toBeVisible();
  await expect(admin.page.getByTestId("price-chart")).toBeVisible();
  await admin.page.screenshot({ path: testInfo.outputPath("admin-prices.png"), fullPage: true });

  await admin.page.getByRole("link", { name: "Risk" }).click();
  const liq = admin.page
    .getByTestId("liquidation")
    .and(admin.page.locator(`[data-account="${hardhatTestAccount(7).address}"]`));
  await expect(liq).toHaveCount(1);
  await liq.locator("summary").click();
  await expect(liq.getByText("liquidationFinished")).toBeVisible();
  await expect(liq.getByText("cause markPrice", { exact: false })).toBeVisible();
  await admin.page.screenshot({ path: testInfo.outputPath("admin-risk.png"), fullPage: true });
  expect(await api(long.page).query<unknown[]>("account.positions")).toEqual([]);

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  const row = admin.page.getByTestId("audit-row").filter({ hasText: "e2e: crash below the long's liquidation price" });
  await expect(row).toHaveAttribute("data-action", "price.override");
  await expect(row).toContainText(hardhatTestAccount(7).address);

  // phone-sized overview
  await admin.page.setViewportSize({ width: 390, height: 844 });
  await admin.page.getByRole("link", { name: "Overview" }).click();
  await expect(admin.page.getByTestId("verdict-safe")).toBeVisible();
  await expect(admin.page.getByTestId("stat-liquidations-24-h").locator("strong")).toHaveText("1");
  // the console itself fits the phone (no sideways scrolling of the page; wide tables scroll inside their panel)
  expect(
    await admin.page.evaluate(() => document.querySelector("main.admin")!.getBoundingClientRect().right),
  ).toBeLessThanOrEqual(390);
  expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await admin.page.screenshot({ path: testInfo.outputPath("admin-overview-phone.png"), fullPage: true });
  for (const s of [admin, long, short]) await s.context.close();
});
