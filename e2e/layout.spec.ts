import { expect, test, type Page } from "@playwright/test";
import { hardhatTestAccount } from "../core/chain/hardhat-test-accounts";
import { connectAndSignIn } from "./fixtures";

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

test("phone (390×844): after connect + sign in, the header and the pages fit the screen width", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  // trader #9: no other spec uses it; it only signs in
  await connectAndSignIn(page, hardhatTestAccount(9).privateKey);
  for (const path of ["/", "/markets/ETH-PERP"]) {
    if (path !== "/") await page.goto(path);
    await expect(page.getByTestId("session-address")).toBeVisible();
    await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(
      scrollWidth,
      `${path} is ${scrollWidth} px wide; past the edge: ${(await overflowing(page)).join(", ")}`,
    ).toBeLessThanOrEqual(390);
    // the header itself stays within the screen
    const bar = await page.locator("header.topbar").boundingBox();
    expect(bar!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath(`phone${path.replaceAll("/", "_")}.png`) });
  }
});
