/**
 * Issue 21 in a real browser: trigger orders are listed, cancelled one by one and all at once; a
 * stop on the wrong side of the mark is refused with a reason in whole tokens (flow 4); "0,5" and
 * absurd prices and sizes never become an order by surprise, a refusal is said once and cleared
 * when the input changes, and the leverage slider at its maximum sizes an order the engine
 * accepts (flow 5). Trader #9 on ETH-PERP: layout.spec (which runs before, alphabetically) only
 * signs it in without a channel; here it gets one.
 */
import { expect, test, type Page } from "@playwright/test";
import { formatAmount } from "../app/_components/format";
import { api, ensureActiveChannel, market, placeOrder, referencePrice, traderSession } from "./fixtures";

const TRADER = 9;
const M = "ETH-PERP";

test.describe.configure({ mode: "serial" });

/** A price `bps` away from `ref` (per whole token), on the market's tick, as the form takes it. */
function away(ref: bigint, bps: bigint, tick: bigint, decimals: number): string {
  const raw = (ref * (10_000n + bps)) / 10_000n;
  return formatAmount(raw - (raw % tick), decimals, { group: false });
}

async function form(page: Page, side: "Long" | "Short", type: "Limit" | "Market" | "Stop") {
  const f = page.getByTestId("order-form");
  await f.getByRole("group", { name: "Side" }).getByRole("button", { name: side, exact: true }).click();
  await f.getByRole("group", { name: "Order type" }).getByRole("button", { name: type, exact: true }).click();
  return f;
}

test("flow 4 — a stop order is listed with its type, trigger and size, cancelled; cancel-all; a wrong-side stop is refused with a reason", async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const t = await traderSession(browser, TRADER, `/markets/${M}`);
  await ensureActiveChannel(t.page, t.privateKey, { USDC: "20000" });
  await t.page.reload();
  const m = await market(t.page, M);
  const q = m.quote.decimals;
  const tick = 10n ** BigInt(q - (m.tickSize.value.split(".")[1]?.length ?? 0));
  const mark = referencePrice(m);
  // the account summary shows, with no negative figure
  await expect(t.page.getByTestId("account-value")).toContainText("USDC");
  await expect(t.page.getByTestId("free-collateral")).not.toContainText("−");

  // a buy stop 5 % above the mark waits for its trigger
  const trigger = away(mark, 500n, tick, q);
  let f = await form(t.page, "Long", "Stop");
  await f.getByRole("textbox", { name: /^Trigger price/ }).fill(trigger);
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.1");
  await t.page.getByTestId("place-order").click();
  await expect(t.page.getByTestId("toast-success").filter({ hasText: "Stop order placed" })).toBeVisible();
  await t.page.getByTestId("tab-orders").click();
  const row = t.page.getByTestId("trigger-order");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Stop market");
  await expect(row).toContainText(formatAmount(toUnits(trigger, q), q, { minFraction: 2, maxFraction: 2 }));
  await expect(row).toContainText(`0.1 ${m.base.symbol}`);
  await expect(row).toContainText("Waiting for trigger");
  await t.page.screenshot({ path: testInfo.outputPath("trade-trigger-orders.png"), fullPage: true });
  await row.getByTestId("cancel-trigger").click();
  await expect(t.page.getByTestId("toast-success").filter({ hasText: "Trigger order cancelled" })).toBeVisible();
  await expect(t.page.getByTestId("trigger-order")).toHaveCount(0);

  // two more through the API, then "cancel all" removes both
  for (const bps of [600n, 700n])
    await placeOrder(t.page, {
      market: M,
      side: "buy",
      type: "stopMarket",
      size: 10n ** BigInt(m.base.decimals) / 10n,
      triggerPrice: toUnits(away(mark, bps, tick, q), q),
      worstPrice: toUnits(away(mark, bps + 100n, tick, q), q),
    });
  await t.page.reload();
  await t.page.getByTestId("tab-orders").click();
  await expect(t.page.getByTestId("trigger-order")).toHaveCount(2);
  await t.page.getByTestId("cancel-all").click();
  await expect(t.page.getByTestId("toast-success").filter({ hasText: "All orders cancelled" })).toBeVisible();
  await expect(t.page.getByTestId("trigger-order")).toHaveCount(0);
  expect(await api(t.page).query<unknown[]>("account.triggerOrders")).toEqual([]);

  // a buy stop BELOW the mark would fire at once: refused, with the reason in whole tokens, one toast
  f = await form(t.page, "Long", "Stop");
  await f.getByRole("textbox", { name: /^Trigger price/ }).fill(away(mark, -500n, tick, q));
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.1");
  await t.page.getByTestId("place-order").click();
  const error = f.getByTestId("error");
  await expect(error).toHaveAttribute("data-code", "STOP_WRONG_SIDE");
  await expect(error).toContainText("would fire at once");
  await expect(error).toContainText(`USDC per ${m.base.symbol}`);
  await expect(error).not.toContainText(/\d{10,}/);
  await expect(t.page.getByTestId("toast-error")).toHaveCount(1);
  await expect(t.page.getByTestId("trigger-order")).toHaveCount(0);
  // the stale refusal goes when the input changes
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.2");
  await expect(f.getByTestId("error")).toHaveCount(0);
  await t.context.close();
});

test('flow 5 — "0,5" is refused, never read as 5; absurd prices and sizes ask twice; refusals are in whole tokens; 20× at 100 % is accepted', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const t = await traderSession(browser, TRADER, `/markets/${M}`);
  await ensureActiveChannel(t.page, t.privateKey, { USDC: "20000" });
  await t.page.reload();
  const m = await market(t.page, M);
  const q = m.quote.decimals;
  const tick = 10n ** BigInt(q - (m.tickSize.value.split(".")[1]?.length ?? 0));
  const mark = referencePrice(m);
  const submit = t.page.getByTestId("place-order");

  // "0,5": a reason, and no order can be sent
  const f = await form(t.page, "Long", "Limit");
  await f.getByRole("textbox", { name: /^Price/ }).fill(away(mark, -100n, tick, q));
  await f.getByRole("textbox", { name: /^Size/ }).fill("0,5");
  await expect(f.getByTestId("field-problem")).toContainText("Size: Use a point for decimals");
  await expect(submit).toBeDisabled();
  await f.getByRole("textbox", { name: /^Price/ }).fill("3000,5");
  await expect(f.getByTestId("field-problem").filter({ hasText: "Price: Use a point" })).toBeVisible();
  // TP/SL too
  await f.getByRole("textbox", { name: /^Price/ }).fill(away(mark, -100n, tick, q));
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.5");
  await f.getByRole("checkbox", { name: "TP / SL" }).check();
  await f.getByRole("textbox", { name: /^Take profit/ }).fill("4000,5");
  await expect(f.getByTestId("field-problem").filter({ hasText: "Take-profit: Use a point" })).toBeVisible();
  await expect(submit).toBeDisabled();
  await t.page.screenshot({ path: testInfo.outputPath("trade-comma-refused.png") });
  await f.getByRole("checkbox", { name: "TP / SL" }).uncheck();

  // a price 50 % below the mark asks for a second click; the first sends nothing
  await f.getByRole("textbox", { name: /^Price/ }).fill(away(mark, -5_000n, tick, q));
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.01");
  await submit.click();
  await expect(f.getByTestId("order-confirm")).toContainText("below the mark");
  await expect(submit).toHaveText(/^Confirm/);
  expect(await api(t.page).query<unknown[]>("account.openOrders")).toEqual([]);
  // changing the input withdraws the question
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.02");
  await expect(f.getByTestId("order-confirm")).toHaveCount(0);

  // an absurd size: asks twice (value over the threshold), then the engine's refusal in whole tokens, said once
  await f.getByRole("textbox", { name: /^Price/ }).fill(away(mark, -100n, tick, q));
  await f.getByRole("textbox", { name: /^Size/ }).fill("99999");
  await submit.click();
  await expect(f.getByTestId("order-confirm")).toContainText("its value is");
  await submit.click();
  const error = f.getByTestId("error");
  await expect(error).toHaveAttribute("data-code", "INSUFFICIENT_MARGIN");
  await expect(error).toContainText("USDC");
  await expect(error).not.toContainText(/\d{10,}/);
  await expect(t.page.getByTestId("toast-error")).toHaveCount(1);
  await f.getByRole("textbox", { name: /^Size/ }).fill("0.5");
  await expect(f.getByTestId("error")).toHaveCount(0);

  // leverage at its maximum, 100 %: the engine accepts the order the button sized
  await f.getByRole("slider", { name: "Leverage" }).evaluate((el: HTMLInputElement, max) => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
    set.call(el, String(max));
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, m.maxLeverage);
  await expect(f.getByText(`${m.maxLeverage}×`)).toBeVisible();
  await f.getByRole("textbox", { name: /^Price/ }).fill(away(mark, -100n, tick, q));
  await t.page.getByTestId("size-100").click();
  await expect(f.getByRole("textbox", { name: /^Size/ })).not.toHaveValue("0.5");
  await submit.click();
  if (await f.getByTestId("order-confirm").isVisible()) await submit.click();
  await expect(t.page.getByTestId("toast-success").filter({ hasText: "Order placed" })).toBeVisible();
  await expect(f.getByTestId("error")).toHaveCount(0);
  await t.page.screenshot({ path: testInfo.outputPath("trade-20x-accepted.png"), fullPage: true });

  // amend with "0,5" is refused with the reason too
  await t.page.getByTestId("tab-orders").click();
  const order = t.page.getByTestId("open-order").first();
  await order.getByRole("button", { name: "Amend" }).click();
  await t.page.getByRole("textbox", { name: "New size" }).fill("0,5");
  await t.page.locator(".edit-row").getByRole("button", { name: "Amend" }).click();
  await expect(t.page.getByTestId("toast-error").filter({ hasText: "Use a point for decimals" })).toBeVisible();
  await t.page.getByTestId("cancel-all").click();
  await expect(t.page.getByTestId("open-order")).toHaveCount(0);
  await t.context.close();
});

/** Whole-token decimal text to base units. */
function toUnits(text: string, decimals: number): bigint {
  const [i, f = ""] = text.split(".");
  return BigInt(i! + f.padEnd(decimals, "0").slice(0, decimals));
}
