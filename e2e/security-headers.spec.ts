/**
 * SECURITY attack 24 on the running app: every page (and the API) answers with a CSP that
 * forbids framing, nosniff and a referrer policy; a page still renders and runs its scripts
 * under the CSP (no violation reported), and another site cannot frame it.
 */
import { expect, test } from "@playwright/test";

const PAGES = ["/", "/channel"];

test("every page sends CSP with frame-ancestors 'none', nosniff and a referrer policy, and renders without a CSP violation", async ({
  page,
  request,
}) => {
  for (const path of PAGES) {
    const res = await request.get(path, { maxRedirects: 0 });
    const h = res.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toContain("default-src 'self'");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"], path).toBe("DENY");
  }
  const api = await request.get("/api/trpc/markets.list");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");

  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto("/");
  await expect(page.getByTestId("market-WETH-USDC")).toBeVisible();
  expect(violations).toEqual([]);
});

test("another site cannot frame the app", async ({ page, baseURL }) => {
  await page.setContent(`<iframe id="f" src="${baseURL}/"></iframe>`);
  // give the frame the time the page takes to render at top level (the test above), then look:
  // blocked by frame-ancestors, none of the app's content is inside it
  await page.waitForTimeout(5_000);
  await expect(page.frameLocator("#f").getByTestId("market-WETH-USDC")).toHaveCount(0);
});
