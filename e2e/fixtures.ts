/**
 * Helpers for the trading e2e flows: connect the test wallet and sign in through the UI, call
 * the API as the signed-in user (the browser context's cookie jar), and give a trader an ACTIVE
 * channel with funds quickly through the API and the chain (prepareOpen → co-sign version 0 with
 * the key → approve + depositAndOpen with viem → wait for the watcher), so trade tests do not
 * depend on the channel screen. The chain is real (the e2e Hardhat node), signatures are real.
 */
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import superjson from "superjson";
import { createPublicClient, createWalletClient, http, parseUnits, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { toBaseUnits } from "../core/money";
import type { MarketSummary } from "../app/_trade/market";
import type { OrderResultDto } from "../server/services/order-wire";
import { signState, toAbiState, type ChannelState } from "../core/channel";
import { hardhatTestAccount } from "../core/chain/hardhat-test-accounts";
import { custodyAbi, demoTokenAbi } from "../contracts/generated";
import { E2E_APP_URL, E2E_DEPLOYMENT_FILE, E2E_RPC_URL } from "./stack";
import { installTestWallet, type TestWallet } from "./test-wallet";

export interface E2EDeployment {
  chainId: number;
  custody: Address;
  exchange: Address;
  tokens: Record<string, { address: Address; decimals: number; symbol: string }>;
}

export function deployment(): E2EDeployment {
  return JSON.parse(readFileSync(E2E_DEPLOYMENT_FILE, "utf8")) as E2EDeployment;
}

/** Connect the test wallet (EIP-6963 list in the header) and sign in with Ethereum through the UI, on `path`. */
export async function connectAndSignIn(page: Page, privateKey: Hex, path = "/"): Promise<TestWallet> {
  const { chainId } = deployment();
  const wallet = await installTestWallet(page, { privateKey, rpcUrl: E2E_RPC_URL, chainId });
  await page.goto(path);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: "Clearline Test Wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", wallet.address);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("session-address")).toBeVisible();
  return wallet;
}

/** A signed-in trader in its own browser context (two traders = two contexts, two cookie jars). */
export async function traderSession(
  browser: Browser,
  accountIndex: number,
  path: string,
): Promise<{ context: BrowserContext; page: Page; wallet: TestWallet; privateKey: Hex; address: Address }> {
  const { privateKey, address } = hardhatTestAccount(accountIndex);
  const context = await browser.newContext();
  const page = await context.newPage();
  const wallet = await connectAndSignIn(page, privateKey, path);
  return { context, page, wallet, privateKey, address };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** tRPC over HTTP as the context's signed-in user (superjson on the wire; POSTs carry our Origin, as the request guard wants). */
export function api(page: Page) {
  const req = page.context().request;
  async function unwrap(res: Awaited<ReturnType<typeof req.get>>, path: string) {
    const body = (await res.json()) as {
      result?: { data: { json: unknown; meta?: unknown } };
      error?: { json: { message: string; data?: { clearline?: { clearlineCode: string } | null } } };
    };
    if (body.error)
      throw new ApiError(`${path}: ${body.error.json.message}`, body.error.json.data?.clearline?.clearlineCode ?? null);
    return superjson.deserialize(body.result!.data as Parameters<typeof superjson.deserialize>[0]);
  }
  return {
    async query<T = unknown>(path: string, input?: unknown): Promise<T> {
      const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
      return (await unwrap(await req.get(`${E2E_APP_URL}/api/trpc/${path}${qs}`), path)) as T;
    },
    async mutation<T = unknown>(path: string, input?: unknown): Promise<T> {
      const res = await req.post(`${E2E_APP_URL}/api/trpc/${path}`, {
        headers: { "content-type": "application/json", origin: E2E_APP_URL },
        data: JSON.stringify(input === undefined ? {} : superjson.serialize(input)),
      });
      return (await unwrap(res, path)) as T;
    },
  };
}

export async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(E2E_RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

interface ChannelStatus {
  channelId: Hex;
  status: "OPENING" | "ACTIVE" | "CHALLENGED" | "CLOSING" | "CLOSED";
  latestVersion: bigint;
  coSignedVersion: bigint | null;
}

/**
 * Make sure the signed-in trader of `page` has an ACTIVE channel funded with `deposits` (whole
 * tokens by symbol, e.g. { USDC: "10000", WETH: "10" }). Opens one through the API and the
 * chain when there is none; returns at once when one is ACTIVE already.
 */
export async function ensureActiveChannel(
  page: Page,
  privateKey: Hex,
  deposits: Record<string, string>,
): Promise<ChannelStatus> {
  const client = api(page);
  const existing = await client.query<ChannelStatus>("channel.status").catch((e: unknown) => {
    if (e instanceof ApiError && e.code === "CHANNEL_NOT_FOUND") return null;
    throw e;
  });
  if (existing && existing.status === "ACTIVE") return existing;
  if (existing && existing.status !== "CLOSED")
    throw new Error(`the trader's channel is ${existing.status}; a trade test needs a fresh account`);

  const dep = deployment();
  const account = privateKeyToAccount(privateKey);
  const chain = {
    id: dep.chainId,
    name: "e2e",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [E2E_RPC_URL] } },
  } as const;
  const wallet = createWalletClient({ account, chain, transport: http(E2E_RPC_URL) });
  const reader = createPublicClient({ chain, transport: http(E2E_RPC_URL) });

  const open = await client.mutation<{
    channelId: Hex;
    nonce: bigint;
    state: ChannelState;
    exchangeSignature: Hex;
    depositAndOpen: {
      custody: Address;
      trader: Address;
      nonce: bigint;
      approvals: { token: Address; amount: bigint }[];
    };
  }>("channel.prepareOpen", {
    deposits: Object.entries(deposits).map(([symbol, amount]) => ({
      token: dep.tokens[symbol]!.address,
      amount: parseUnits(amount, dep.tokens[symbol]!.decimals),
    })),
  });
  const domain = { chainId: dep.chainId, verifyingContract: dep.custody };
  const traderSig = signState(domain, open.state, privateKey);
  await client.mutation("channel.submitCoSignature", { channelId: open.channelId, version: 0n, signature: traderSig });
  for (const a of open.depositAndOpen.approvals) {
    await reader.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: a.token,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [dep.custody, a.amount],
      }),
    });
  }
  const s = open.state;
  const hash = await wallet.writeContract({
    address: dep.custody,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [account.address, open.nonce, toAbiState(s), { trader: traderSig, exchange: open.exchangeSignature }],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");

  // the chain watcher credits the deposit once the open has its confirmations
  let status: ChannelStatus | null = null;
  await expect
    .poll(
      async () => {
        await rpc("evm_mine");
        status = await client.query<ChannelStatus>("channel.status");
        return status.status;
      },
      { timeout: 30_000, intervals: [250, 500, 1_000] },
    )
    .toBe("ACTIVE");
  return status!;
}

/** Balances in the exchange (what the channel holds for the trader), by asset symbol, in base units for arithmetic. */
export async function exchangeBalances(page: Page): Promise<Record<string, { available: bigint; locked: bigint }>> {
  type Amount = { value: string; symbol: string };
  const rows = await api(page).query<{ asset: string; available: Amount; locked: Amount }[]>("account.balances");
  const decimals = new Map<string, number>();
  for (const m of await api(page).query<MarketRow[]>("markets.list"))
    for (const a of [m.base, m.quote]) decimals.set(a.symbol, a.decimals);
  const units = (t: Amount) => toBaseUnits(t.value, decimals.get(t.symbol)!);
  return Object.fromEntries(rows.map((r) => [r.asset, { available: units(r.available), locked: units(r.locked) }]));
}

/** A market as markets.list sends it: the app's one market shape (whole-token amounts with their symbol). */
export type MarketRow = MarketSummary;

/** The market's reference price for a test to trade at (mark, else index), in quote base units per whole token. */
export function referencePrice(m: MarketRow): bigint {
  const p = m.markPrice ?? m.indexPrice;
  if (p === null) throw new Error(`${m.symbol} has neither a mark nor an index price`);
  return toBaseUnits(p.value, m.quote.decimals);
}

export async function market(page: Page, symbol: string): Promise<MarketRow> {
  const all = await api(page).query<MarketRow[]>("markets.list");
  return all.find((m) => m.symbol === symbol)!;
}

/** Place an order through the API (for the counterparty whose clicks are not what a test is about). */
export async function placeOrder(page: Page, input: Record<string, unknown>) {
  return api(page).mutation<OrderResultDto>("orders.place", { idempotencyKey: `e2e:${crypto.randomUUID()}`, ...input });
}

/** The admin (test account #0) moves a market's index price: `price` in whole quote units per whole base token. */
export async function adminOverridePrice(adminPage: Page, marketSymbol: string, price: string, reason: string) {
  return api(adminPage).mutation<{ index: bigint; mark: bigint; liquidations: string[] }>("admin.prices.override", {
    market: marketSymbol,
    price,
    reason,
  });
}
