import { expect, test } from "@playwright/test";
import { hardhatTestAccount, LOCAL_ROLES } from "../core/chain/hardhat-test-accounts";
import { connectAndSignIn } from "./fixtures";
import { E2E_APP_URL } from "./stack";

const trader = hardhatTestAccount(LOCAL_ROLES.traders[1]);
const admin = hardhatTestAccount(LOCAL_ROLES.deployer);

test("sign in with Ethereum: the wallet signs an EIP-4361 message, the header shows the address and role; sign out ends the session", async ({
  page,
  context,
}, testInfo) => {
  const wallet = await connectAndSignIn(page, trader.privateKey);
  await expect(page.getByTestId("session-address")).toHaveText(
    `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`,
  );
  await expect(page.getByTestId("session-roles")).toHaveText("TRADER");
  expect(wallet.calls).toContain("personal_sign");

  // The session is an HttpOnly cookie: scripts cannot read it, a reload keeps it.
  const cookie = (await context.cookies(E2E_APP_URL)).find((c) => c.name === "clearline_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("clearline_session");
  await page.reload();
  await expect(page.getByTestId("session-address")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("signed-in.png") });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("session")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  // The old cookie value no longer works, even if someone kept a copy.
  const me = await page.request.get("/api/trpc/auth.me", { headers: { cookie: `clearline_session=${cookie!.value}` } });
  expect(((await me.json()) as { result: { data: { json: unknown } } }).result.data.json).toBeNull();
});

test("the configured admin signs in and is shown as ADMIN", async ({ page }) => {
  await connectAndSignIn(page, admin.privateKey);
  await expect(page.getByTestId("session-roles")).toHaveText("TRADER · ADMIN");
});
