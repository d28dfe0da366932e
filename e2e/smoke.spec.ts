import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createPublicClient, erc20Abi, formatUnits, http } from "viem";
import { hardhatTestAccount, LOCAL_ROLES } from "../core/chain/hardhat-test-accounts";
import { E2E_DEPLOYMENT_FILE, E2E_RPC_URL } from "./stack";
import { installTestWallet } from "./test-wallet";

const trader = hardhatTestAccount(LOCAL_ROLES.traders[0]);

test("the app shows markets, chain and database status; the test wallet connects and shows its token balances", async ({
  page,
}, testInfo) => {
  const deployment = JSON.parse(readFileSync(E2E_DEPLOYMENT_FILE, "utf8")) as {
    chainId: number;
    tokens: Record<string, { address: `0x${string}`; decimals: number; symbol: string }>;
  };
  const wallet = await installTestWallet(page, {
    privateKey: trader.privateKey,
    rpcUrl: E2E_RPC_URL,
    chainId: deployment.chainId,
  });

  await page.goto("/");
  for (const symbol of ["WETH-USDC", "ETH-PERP", "BTC-PERP"]) {
    await expect(page.getByTestId(`market-${symbol}`)).toBeVisible();
  }
  await expect(page.getByTestId("chain-status")).toContainText("connected");
  await expect(page.getByTestId("chain-status")).toContainText(`chain ${deployment.chainId}`);
  await expect(page.getByTestId("db-status")).toContainText("embedded PGlite");

  // No accounts are exposed before the user asks to connect (as with a real extension).
  await expect(page.getByTestId("wallet-address")).toHaveCount(0);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: "Clearline Test Wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", wallet.address);

  const chain = createPublicClient({ transport: http(E2E_RPC_URL) });
  for (const token of Object.values(deployment.tokens)) {
    const onChain = await chain.readContract({
      address: token.address,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [wallet.address],
    });
    expect(onChain).toBeGreaterThan(0n);
    await expect(page.getByTestId(`balance-${token.symbol}`)).toContainText(formatUnits(onChain, token.decimals));
  }
  expect(wallet.calls).toContain("eth_requestAccounts");
  await page.screenshot({ path: testInfo.outputPath("home-connected.png"), fullPage: true });
});
