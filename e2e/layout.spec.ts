/**
 * Flow 6 (issue 21): every page on a phone (390×844) is measured at the DOCUMENT's width (no
 * sideways scroll anywhere, not only in the panels), signed out and signed in; a trader without a
 * channel causes no 404 from the API; the 404 page is styled; disconnecting signs out. Desktop
 * screenshots of the landing, trade and channel pages for review.
 */
import { expect, test, type Page } from "@playwright/test";
import { hardhatTestAccount } from "../core/chain/hardhat-test-accounts";
import { api, connectAndSignIn, ensureActiveChannel, traderSession } from "./fixtures";

const PAGES = ["/", "/markets/ETH-PERP", "/markets/WETH-USDC", "/channel", "/no-such-page"] as const;
const PHONE = { width: 390, height: 844 };

/** The elements reaching past the viewport's right edge (for the failure message). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > w + 0.5)
      .slice(0, 12)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.className && typeof e.className === "string" ? `.${e.className.trim().split(/\s+/).join(".")}` : ""} right=${Math.round(e.getBoundingClientRect().right)}`,
      );
  });
}

/** The document is no wider than the screen: nothing scrolls sideways. */
async function fitsPhone(page: Page, path: string) {
  const width = await page.evaluate(() =>
    Math.max(document.documentElement.scrollWidth, document.body.scrollWidth, document.documentElement.offsetWidth),
  );
  expect(
    width,
    `${path} is ${width} px wide; past the edge: ${(await overflowing(page)).join(", ")}`,
  ).toBeLessThanOrEqual(PHONE.width);
}

const shotName = (prefix: string, path: string) => `${prefix}${path.replaceAll("/", "_")}.png`;

test("flow 6 — phone (390×844): every page fits the document width, signed out and signed in; no API 404 without a channel; disconnect signs out", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize(PHONE);
  const notFound: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404 && r.url().includes("/api/")) notFound.push(r.url());
  });
  // console errors on the pages that exist (the 404 page's own document answer is meant)
  const consoleErrors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !page.url().includes("/no-such-page"))
      consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });

  for (const path of PAGES) {
    await page.goto(path);
    await page.waitForTimeout(1_500);
    await fitsPhone(page, path);
  }
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();

  // trader #9 has no channel: it only signs in
  await connectAndSignIn(page, hardhatTestAccount(9).privateKey);
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.getByTestId("session-address")).toBeVisible();
    await page.waitForTimeout(1_500);
    await fitsPhone(page, path);
    const bar = await page.locator("header.topbar").boundingBox();
    expect(bar!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: testInfo.outputPath(shotName("phone", path)), fullPage: true });
  }
  expect(notFound, "API answers 404 for a trader without a channel").toEqual([]);
  expect(consoleErrors.filter((e) => /404|Not Found/i.test(e))).toEqual([]);

  // disconnect ends the session too
  await page.goto("/");
  await page.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByTestId("session-address")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Connect wallet" })).toBeVisible();
  expect(await api(page).query("auth.me")).toBeNull();
});

test("phone (390×844): a trader WITH an active channel — the channel and trade screens fit the document width", async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  // trader #3 with exactly what trade.spec gives it (ensureActiveChannel is idempotent), and no trade
  const t = await traderSession(browser, 3, "/channel");
  await ensureActiveChannel(t.page, t.privateKey, { USDC: "20000" });
  await t.page.setViewportSize(PHONE);
  for (const path of ["/channel", "/markets/ETH-PERP"]) {
    await t.page.goto(path);
    await expect(t.page.getByTestId("session-address")).toBeVisible();
    if (path === "/channel") await expect(t.page.getByTestId("channel-status")).toHaveText("Active");
    await t.page.waitForTimeout(1_500);
    await fitsPhone(t.page, path);
    await t.page.screenshot({ path: testInfo.outputPath(shotName("phone-active", path)), fullPage: true });
  }
  await t.context.close();
});

test("desktop screenshots: landing, trade and channel pages", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Trade at exchange speed/ })).toBeVisible();
  await expect(page.getByTestId("start")).toHaveAttribute("href", "/channel");
  await page.screenshot({ path: testInfo.outputPath("desktop-landing.png"), fullPage: true });
  await connectAndSignIn(page, hardhatTestAccount(9).privateKey, "/markets/ETH-PERP");
  await expect(page.getByTestId("funding-rate")).toBeVisible();
  await expect(page.getByTestId("open-interest")).toBeVisible();
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: testInfo.outputPath("desktop-trade.png"), fullPage: true });
  await page.goto("/channel");
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: testInfo.outputPath("desktop-channel.png"), fullPage: true });
});
