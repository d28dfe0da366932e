/**
 * Channel flows of issue 6 in a real browser against the e2e stack (its own chain, app and
 * database): 2 deposit → channel active, 6 partial withdraw → the wallet's on-chain balance
 * rises, 7 cooperative close (account #4, in that order), 8 the exchange stops answering → the
 * trader challenges with the latest co-signed state → after the challenge period the funds are
 * paid out (account #5).
 *
 * The local Hardhat node mines only when a transaction arrives, so the tests mine an empty
 * block (evm_mine) where a real chain would simply produce the next one: the exchange applies
 * a custody event once it is CHAIN_CONFIRMATIONS deep.
 */
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createPublicClient, erc20Abi, http, parseUnits, type Address } from "viem";
import { hardhatTestAccount } from "../core/chain/hardhat-test-accounts";
import { Intent } from "../core/channel";
import { custodyAbi } from "../contracts/generated";
import { E2E_DEPLOYMENT_FILE, E2E_RPC_URL } from "./stack";
import { installTestWallet, type TestWallet } from "./test-wallet";

interface E2EDeployment {
  chainId: number;
  custody: Address;
  challengePeriodSeconds: number;
  tokens: Record<string, { address: Address; decimals: number; symbol: string }>;
}
const deployment = (): E2EDeployment => JSON.parse(readFileSync(E2E_DEPLOYMENT_FILE, "utf8")) as E2EDeployment;
const chain = createPublicClient({ transport: http(E2E_RPC_URL) });

async function rpc(method: string, params: unknown[] = []) {
  const res = await fetch(E2E_RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { error?: { message: string }; result?: unknown };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
/** The next block(s) a real chain would produce on its own. */
const mine = async (blocks = 1) => {
  for (let i = 0; i < blocks; i++) await rpc("evm_mine");
};
const usdcOf = (address: Address) =>
  chain.readContract({
    address: deployment().tokens.USDC!.address,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [address],
  });

async function openChannelScreen(page: Page, privateKey: `0x${string}`): Promise<TestWallet> {
  const wallet = await installTestWallet(page, { privateKey, rpcUrl: E2E_RPC_URL, chainId: deployment().chainId });
  await page.goto("/channel");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: "Clearline Test Wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", wallet.address);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("session-address")).toBeVisible();
  return wallet;
}

/** Deposit through the form and wait until the exchange has applied the ChannelOpened event. */
async function depositAndOpen(page: Page, amount: string) {
  await expect(page.getByTestId("channel-none")).toBeVisible();
  await page.getByTestId("deposit-token").selectOption({ label: "USDC" });
  await page.getByTestId("deposit-amount").fill(amount);
  await page.getByTestId("deposit-submit").click();
  // mined, then counted in confirmations until the exchange credits it
  await expect(page.getByTestId("deposit-confirmations")).toContainText(/\d+ of \d+ confirmation/);
  await mine(2);
  await expect(page.getByTestId("channel-status")).toHaveText("Active", { timeout: 20_000 });
  await expect(page.getByTestId("deposit-done")).toBeVisible();
}

/** Co-sign whatever the exchange signed since (the screen's button), so the browser holds the newest co-signed state. */
async function coSignLatest(page: Page) {
  const button = page.getByTestId("cosign-latest");
  if (await button.isVisible()) {
    await button.click();
    await expect(page.getByTestId("cosign-box")).toHaveCount(0);
  }
  const status = page.getByTestId("channel-cosigned-version");
  await expect(status).toHaveText(
    await page
      .getByTestId("channel-latest-version")
      .innerText()
      .then((t) => t.split(" ")[0]!),
  );
}

test.describe.serial("channel flows (account #4)", () => {
  const trader = hardhatTestAccount(4);

  test("flow 2: deposit → the INITIALIZE state is co-signed, approve + depositAndOpen, confirmations, channel active; the history verifies in the browser", async ({
    page,
  }, testInfo) => {
    const wallet = await openChannelScreen(page, trader.privateKey);
    const before = await usdcOf(wallet.address);
    await depositAndOpen(page, "1000");
    // v0 co-signed with readable typed data, approve + depositAndOpen sent from the wallet
    expect(wallet.calls).toContain("eth_signTypedData_v4");
    expect(wallet.calls.filter((c) => c === "eth_sendTransaction").length).toBeGreaterThanOrEqual(2);
    expect(await usdcOf(wallet.address)).toBe(before - parseUnits("1000", 6));
    await expect(page.getByTestId("channel-yours-USDC")).toContainText("1,000");

    await coSignLatest(page);
    // verify both signatures of every co-signed state in the browser
    await page.getByTestId("verify-all").click();
    await expect(page.getByTestId("verdict-exchange-0")).toHaveText("✓");
    await expect(page.getByTestId("verdict-trader-0")).toHaveText("✓");
    await page.screenshot({ path: testInfo.outputPath("channel-active.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // the channel screen fits a phone: nothing wider than the viewport (tables scroll inside their panel)
    const rightEdges = await page
      .locator(".ch-grid .panel")
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
    expect(Math.max(...rightEdges)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath("channel-active-phone.png"), fullPage: true });
  });

  test("flow 6: partial withdraw → the RESIZE is co-signed, the exchange submits it, the wallet's on-chain balance rises; pending until confirmed", async ({
    page,
  }, testInfo) => {
    const wallet = await openChannelScreen(page, trader.privateKey);
    await expect(page.getByTestId("channel-status")).toHaveText("Active");
    const before = await usdcOf(wallet.address);
    await page.getByTestId("withdraw-token").selectOption({ label: "USDC" });
    await page.getByTestId("withdraw-amount").fill("250");
    await page.getByTestId("withdraw-submit").click();
    await expect(page.getByTestId("withdraw-pending")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("channel-withdraw-pending.png"), fullPage: true });
    // custody.resize pays the trader's share to the wallet in the same transaction
    await expect.poll(() => usdcOf(wallet.address), { timeout: 20_000 }).toBe(before + parseUnits("250", 6));
    await mine(2);
    await expect(page.getByTestId("withdraw-pending")).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId("channel-yours-USDC")).toContainText("750");
    await expect(page.getByTestId("withdraw-wallet-balance")).toContainText("USDC");
  });

  test("flow 7: cooperative close → the CLOSE state is co-signed, custody.close pays the rest to the wallet, the channel is closed", async ({
    page,
  }, testInfo) => {
    const wallet = await openChannelScreen(page, trader.privateKey);
    await expect(page.getByTestId("channel-status")).toHaveText("Active");
    const before = await usdcOf(wallet.address);

    // the wallet prompt for the CLOSE state is refused: the close waits for a signature, and the trader cancels it
    wallet.refuseNextSignature((typed) => Number((typed.message as { intent?: unknown }).intent) === Intent.CLOSE);
    await page.getByTestId("close-start").click();
    await page.getByTestId("close-confirm").click();
    await expect(page.getByTestId("close-unsigned")).toContainText("waiting for your signature");
    await expect(page.getByTestId("channel-status")).toHaveText("Closing");
    await page.screenshot({ path: testInfo.outputPath("channel-close-unsigned.png"), fullPage: true });
    await page.getByTestId("close-unsigned-cancel").click();
    await expect(page.getByTestId("close-pending")).toContainText("Cancelling the close");
    await mine(2);
    await expect(page.getByTestId("channel-status")).toHaveText("Active", { timeout: 20_000 });
    await expect(page.getByTestId("channel-yours-USDC")).toContainText("750");
    expect(await usdcOf(wallet.address)).toBe(before); // nothing paid out

    await page.getByTestId("close-start").click();
    await page.getByTestId("close-confirm").click();
    await expect(page.getByTestId("close-pending")).toBeVisible();
    await expect.poll(() => usdcOf(wallet.address), { timeout: 20_000 }).toBe(before + parseUnits("750", 6));
    await mine(2);
    await expect(page.getByTestId("channel-status")).toHaveText("Closed", { timeout: 20_000 });
    await expect(page.getByTestId("dispute-onchain-status")).toHaveText("on-chain: Closed");
    // a closed channel lets the trader open a new one
    await expect(page.getByTestId("deposit-form")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("channel-closed.png"), fullPage: true });
  });
});

test("flow 8: the exchange stops answering → the trader challenges with the latest co-signed state from the browser → after the challenge period the funds are paid out (account #5)", async ({
  page,
}, testInfo) => {
  const dep = deployment();
  const trader = hardhatTestAccount(5);
  const wallet = await openChannelScreen(page, trader.privateKey);
  const initial = await usdcOf(wallet.address);
  await depositAndOpen(page, "500");
  await coSignLatest(page);
  const channelId = (await page.getByTestId("channel-id").getAttribute("title")) as `0x${string}`;

  // The exchange stops answering: every API call fails from now on; the chain still works.
  await page.route("**/api/trpc/**", (route) => route.abort("connectionrefused"));
  await page.reload();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", wallet.address);
  await expect(page.getByTestId("channel-unreachable")).toBeVisible();
  await expect(page.getByTestId("dispute-version")).toContainText("✓ both signatures valid");
  await expect(page.getByTestId("dispute-onchain-status")).toHaveText("on-chain: Active");
  await page.getByTestId("dispute-challenge-start").click();
  await page.getByTestId("dispute-challenge-confirm").click();
  await expect(page.getByTestId("dispute-onchain-status")).toHaveText("on-chain: Challenged", { timeout: 20_000 });
  await expect(page.getByTestId("dispute-remaining")).toContainText(/\d+m/);
  await page.screenshot({ path: testInfo.outputPath("dispute-countdown.png"), fullPage: true });

  const view = await chain.readContract({
    address: dep.custody,
    abi: custodyAbi,
    functionName: "channel",
    args: [channelId],
  });
  expect(view.status).toBe(2); // Challenged, nobody answered with a newer state (there is none)

  // the challenge period passes on the chain
  await rpc("evm_increaseTime", [dep.challengePeriodSeconds + 1]);
  await mine();
  await expect(page.getByTestId("dispute-ready")).toBeVisible({ timeout: 15_000 });
  await page.getByTestId("dispute-claim").click();
  // conclude credits the custody account, then the screen withdraws it to the wallet
  await expect.poll(() => usdcOf(wallet.address), { timeout: 30_000 }).toBe(initial);
  await expect(page.getByTestId("dispute-paid")).toBeVisible({ timeout: 15_000 });
  expect(
    (await chain.readContract({ address: dep.custody, abi: custodyAbi, functionName: "channel", args: [channelId] }))
      .status,
  ).toBe(3);
  await page.screenshot({ path: testInfo.outputPath("dispute-paid.png"), fullPage: true });
});
