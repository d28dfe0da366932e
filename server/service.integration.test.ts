/**
 * Issue 5, done-when: a trader is taken from sign-in through deposit, trading, fills,
 * liquidation and withdrawal entirely through the API against the local chain.
 *
 * Everything is real: a Hardhat node (port 8650) with the contracts deployed, a fresh database
 * (PGlite, or PostgreSQL in CI) migrated, bound and seeded, the services started as
 * server/app-services.ts starts them (engine runtime without a simulated feed — prices are set with
 * overrideMarkPrice as the admin would —, channels, chain watcher with 0 confirmations and a
 * 100 ms poll, watchtower), and every call goes over a loopback socket to the app server's own
 * routing (server/http/api-listener.ts → the request guard → tRPC) with Origin, JSON and the
 * session cookie. Signatures come from the well-known test
 * keys (#2 and #3 trade, #4 for the crash test, #1 is the exchange).
 */
import { toBaseUnits } from "../core/money";
import nodeHttp from "node:http";
import superjson from "superjson";
import type { AddressInfo } from "node:net";
import {
  createWalletClient,
  erc20Abi,
  http,
  parseEventLogs,
  type Address,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { custodyAbi, demoTokenAbi } from "../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../core/chain/hardhat-test-accounts";
import { Intent, stateTypedData, verifyStateSignature, type ChannelDomain, type ChannelState } from "../core/channel";
import { checkInvariants, INSURANCE_ACCOUNT } from "../core/engine";
import type { AppRouter } from "./api/root";
import { createTrpcHandler } from "./api/handler";
import { apiListener } from "./http/api-listener";
import { serveWithFetchHandler } from "./http/fetch-bridge";
import { orderEntryAnswered } from "./http/order-entry";
import { toAbiState } from "./channels/chain";
import { chainRequestId, createChannelCustodySink } from "./channels/custody-sink";
import { ChannelService } from "./channels/service";
import { startTestChain, type TestChain } from "./channels/testing";
import { createMigratedTestDatabase, type TestDatabase } from "./db/testing";
import type { CustodyEvent, EnginePort } from "./ports";
import { history as historyService } from "./services/account";
import { startTestServices, type TestServices } from "./testing/services";
import { inProcessClient, type BrowserLikeClient } from "./testing/trpc-client";

const APP = "http://localhost:3650";
const CHAIN_PORT = 8650;
const ADMIN = HARDHAT_TEST_ACCOUNTS[0]!;
const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const USDC = 1_000_000n;
const ETH = 10n ** 18n;
const usd = (whole: bigint) => whole * USDC;

const serverUrl = inject("testDatabaseUrl");
let chain: TestChain;
let t: TestDatabase;
let services: TestServices;
let handler: (req: Request) => Promise<Response>;
let appServer: nodeHttp.Server;
/** every request through tRPC's own HTTP handling (no direct order entry), to compare against */
let plainServer: nodeHttp.Server;
let domain: ChannelDomain;
let usdc: Address;

interface Trader {
  key: Hex;
  account: PrivateKeyAccount;
  address: Address;
  client: BrowserLikeClient;
  api: BrowserLikeClient["api"];
}

function trader(index: number): Trader {
  const a = HARDHAT_TEST_ACCOUNTS[index]!;
  const client = inProcessClient(handler, APP);
  return { key: a.privateKey, account: privateKeyToAccount(a.privateKey), address: a.address, client, api: client.api };
}

/** Polls until `probe` returns something other than null/undefined/false. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function refusal(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

function wallet(t: Trader) {
  const viemChain = {
    id: domain.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  };
  return createWalletClient({ account: t.account, chain: viemChain, transport: http(chain.rpcUrl) });
}

async function tokenBalance(owner: Address): Promise<bigint> {
  return chain.client.readContract({ address: usdc, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
}

/** What a wallet does with the typed data the API returns. */
function coSign(t: Trader, typedData: unknown): Promise<Hex> {
  return t.account.signTypedData(typedData as TypedDataDefinition);
}

async function signIn(t: Trader) {
  const { nonce } = await t.api.auth.nonce.mutate();
  const message = createSiweMessage({
    domain: new URL(APP).host,
    address: t.address,
    statement: "Sign in to Clearline.",
    uri: APP,
    version: "1",
    chainId: domain.chainId,
    nonce,
    issuedAt: new Date(),
  });
  const me = await t.api.auth.signIn.mutate({ message, signature: await t.account.signMessage({ message }) });
  expect(me.address).toBe(t.address);
  expect(t.client.cookie()).toMatch(/^clearline_session=/);
  expect(await t.api.auth.me.query()).toMatchObject({ address: t.address, roles: ["TRADER"] });
}

/** prepareOpen → co-sign the INITIALIZE state → approve + depositAndOpen from the trader's wallet. Returns the open tx hash. */
async function depositAndOpen(t: Trader, amount: bigint): Promise<{ channelId: Hex; hash: Hex }> {
  const open = await t.api.channel.prepareOpen.mutate({ deposits: [{ token: usdc, amount }] });
  expect(open.state.version).toBe(0n);
  expect(open.state.intent).toBe(Intent.INITIALIZE);
  expect(open.state.allocations).toEqual([
    { token: usdc.toLowerCase(), traderAmount: amount, exchangeAmount: 2n * amount },
  ]);
  expect(
    verifyStateSignature(domain, open.state as ChannelState, open.exchangeSignature as Hex, EXCHANGE.address),
  ).toBe(true);
  const traderSig = await coSign(t, open.typedData);
  expect(
    (await t.api.channel.submitCoSignature.mutate({ channelId: open.channelId, version: 0n, signature: traderSig }))
      .coSignedVersion,
  ).toBe(0n);
  const w = wallet(t);
  for (const a of open.depositAndOpen.approvals) {
    await chain.client.waitForTransactionReceipt({
      hash: await w.writeContract({
        address: a.token as Address,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, a.amount],
      }),
    });
  }
  const hash = await w.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [
      t.address,
      open.nonce,
      toAbiState(open.state as ChannelState),
      { trader: traderSig, exchange: open.exchangeSignature as Hex },
    ],
  });
  await chain.client.waitForTransactionReceipt({ hash });
  return { channelId: open.channelId, hash };
}

async function usdcAvailable(t: Trader): Promise<bigint> {
  return toBaseUnits((await t.api.account.balances.query()).find((b) => b.asset === "USDC")!.available.value, 6);
}

/** The newest exchange-signed state once its version is above `above`; checked: signature, conservation against the funding. */
async function newStateAbove(t: Trader, above: bigint) {
  const { latest } = await eventually(`a state above v${above} for ${t.address}`, async () => {
    const s = await t.api.channel.latestState.query();
    return s.latest.state.version > above ? s : null;
  });
  const status = await t.api.channel.status.query();
  const state = latest.state as ChannelState;
  expect(verifyStateSignature(domain, state, latest.exchangeSignature as Hex, EXCHANGE.address)).toBe(true);
  for (const a of state.allocations) {
    const funded = status.funding.find((f) => f.token === a.token.toLowerCase())!.total;
    expect(a.traderAmount + a.exchangeAmount).toBe(funded);
  }
  return latest;
}

let k = 0;
const key = (what: string) => `svc-${what}-${++k}-key`;

beforeAll(async () => {
  chain = await startTestChain(CHAIN_PORT);
  t = await createMigratedTestDatabase(serverUrl);
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  services = await startTestServices({
    handle: t.handle,
    chain,
    exchangeKey: EXCHANGE.privateKey,
    appUrl: APP,
    adminAddress: ADMIN.address,
    pollMs: 100,
    confirmations: 0,
  });
  appServer = nodeHttp.createServer(apiListener({ services, fallback: (_req, res) => void res.writeHead(404).end() }));
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  const api = createTrpcHandler(services);
  plainServer = nodeHttp.createServer(
    (req, res) => void serveWithFetchHandler(api, req, res, { origin: APP, maxBodyBytes: services.auth.maxBodyBytes }),
  );
  await new Promise<void>((resolve) => plainServer.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  // The client addresses APP (its Origin); the request travels to the test server's socket.
  handler = async (req) => {
    const u = new URL(req.url);
    const body = req.method === "GET" ? undefined : await req.arrayBuffer();
    return fetch(base + u.pathname + u.search, { method: req.method, headers: req.headers, body });
  };
}, 180_000);

afterAll(async () => {
  for (const server of [appServer, plainServer]) {
    server?.closeAllConnections();
    server?.close();
  }
  await services?.stop();
  await t?.drop();
  await chain?.stop();
});

describe(`the exchange service end to end through the API (${serverUrl ? "PostgreSQL" : "PGlite"}, Hardhat node)`, () => {
  it("channel router: deposit instructions, and prepareOpen's validation errors name the field", async () => {
    const anonymous = trader(5);
    const info = await anonymous.api.channel.depositInstructions.query();
    expect(info).toMatchObject({
      chainId: domain.chainId,
      custody: domain.verifyingContract,
      exchange: EXCHANGE.address,
      coverageBps: 20_000n,
    });
    expect(info.tokens).toContainEqual({ symbol: "USDC", address: usdc, decimals: 6 });
    expect(
      (await refusal(anonymous.api.channel.prepareOpen.mutate({ deposits: [{ token: usdc, amount: 1n }] }))).data?.code,
    ).toBe("UNAUTHORIZED");

    await signIn(anonymous);
    const cases: { deposits: { token: string; amount: bigint }[]; path: string; message: RegExp }[] = [
      { deposits: [{ token: "0x1234", amount: usd(1n) }], path: "deposits.0.token", message: /not an address/ },
      { deposits: [{ token: usdc, amount: 0n }], path: "deposits.0.amount", message: /must be positive/ },
      { deposits: [], path: "deposits", message: /at least one token/ },
      {
        deposits: Array.from({ length: 17 }, () => ({ token: usdc, amount: 1n })),
        path: "deposits",
        message: /at most 16 tokens/,
      },
    ];
    for (const c of cases) {
      const e = await refusal(
        anonymous.api.channel.prepareOpen.mutate({ deposits: c.deposits as { token: Address; amount: bigint }[] }),
      );
      expect(e.data?.code).toBe("BAD_REQUEST");
      expect(e.data?.zodIssues).toContainEqual({ path: c.path, message: expect.stringMatching(c.message) });
    }
    // well-formed but not what channels hold, or twice: the service's refusal, naming the field too
    const stranger = "0x000000000000000000000000000000000000dEaD";
    const notHeld = await refusal(
      anonymous.api.channel.prepareOpen.mutate({ deposits: [{ token: stranger, amount: usd(1n) }] }),
    );
    expect(notHeld.data?.code).toBe("BAD_REQUEST");
    expect(notHeld.message).toMatch(
      /^deposits\.0\.token: .* is not a channel token \(channels hold USDC, WETH, WBTC\)$/,
    );
    expect(notHeld.data?.clearline?.details).toMatchObject({ field: "deposits.0.token" });
    const twice = await refusal(
      anonymous.api.channel.prepareOpen.mutate({
        deposits: [
          { token: usdc, amount: 1n },
          { token: usdc, amount: 2n },
        ],
      }),
    );
    expect(twice.data?.code).toBe("BAD_REQUEST");
    expect(twice.message).toMatch(/^deposits\.1\.token: .* listed twice$/);
    // nothing was prepared by any of them
    expect(await t.handle.db.channel.count({ where: { trader: anonymous.address } })).toBe(0);
  });

  it("sign-in → deposit → trading and fills → new states co-signed → liquidation → partial withdrawal → cancelled withdrawal → cancelled close → cooperative close", async () => {
    const A = trader(2);
    const B = trader(3);
    const rt = services.engine;

    // ── sign in with Ethereum ──
    await signIn(A);
    await signIn(B);

    // ── deposit: prepareOpen, co-sign, depositAndOpen on-chain; the watcher sees ChannelOpened ──
    const aOpen = await depositAndOpen(A, usd(1000n));
    const bOpen = await depositAndOpen(B, usd(200n));
    for (const [who, open, amount] of [
      [A, aOpen, usd(1000n)],
      [B, bOpen, usd(200n)],
    ] as const) {
      const status = await eventually("the channel ACTIVE", async () => {
        const s = await who.api.channel.status.query();
        return s.status === "ACTIVE" ? s : null;
      });
      expect(status.channelId).toBe(open.channelId);
      expect(status.funding).toEqual([{ token: usdc.toLowerCase(), total: 3n * amount }]);
      expect(await eventually("the credit", async () => ((await usdcAvailable(who)) === amount ? true : null))).toBe(
        true,
      );
    }

    // ── trading: the admin sets the index; A rests a sell, B market-buys ──
    await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test: the admin sets the index");
    const aV = (await A.api.channel.latestState.query()).latest.state.version;
    const bV = (await B.api.channel.latestState.query()).latest.state.version;
    const ask = await A.api.orders.place.mutate({
      idempotencyKey: key("a-ask"),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: ETH,
      price: usd(3000n),
    });
    expect(ask.status).toBe("resting");
    const buyInput = {
      idempotencyKey: key("b-buy"),
      market: "ETH-PERP",
      side: "buy",
      type: "market",
      size: ETH,
      worstPrice: usd(3010n),
    } as const;
    const buy = await B.api.orders.place.mutate(buyInput);
    expect(buy).toEqual({
      v: 1,
      seq: expect.any(BigInt),
      orderId: expect.any(Number),
      market: "ETH-PERP",
      status: "filled",
      doneReason: "filled",
      filledSize: { value: "1", symbol: "WETH" },
      remainingSize: { value: "0", symbol: "WETH" },
      fills: [
        {
          price: { value: "3000", symbol: "USDC" },
          size: { value: "1", symbol: "WETH" },
          fee: { value: "1.5", symbol: "USDC" },
        },
      ],
    });
    expect(await B.api.orders.place.mutate(buyInput)).toEqual(buy); // a retry with the key: the first answer, nothing placed twice

    // fills, fees and positions on both sides
    expect((await A.api.account.fills.query({ limit: 10 })).fills).toEqual([
      expect.objectContaining({
        market: "ETH-PERP",
        side: "sell",
        role: "maker",
        price: { value: "3000", symbol: "USDC" },
        size: { value: "1", symbol: "WETH" },
        fee: { value: "0.3", symbol: "USDC" },
      }),
    ]);
    expect((await B.api.account.fills.query({ limit: 10 })).fills).toEqual([
      expect.objectContaining({
        market: "ETH-PERP",
        side: "buy",
        role: "taker",
        price: { value: "3000", symbol: "USDC" },
        size: { value: "1", symbol: "WETH" },
        fee: { value: "1.5", symbol: "USDC" },
      }),
    ]);
    expect((await A.api.account.fees.query({ limit: 10 })).totals).toEqual([{ fee: { value: "0.3", symbol: "USDC" } }]);
    expect((await B.api.account.fees.query({ limit: 10 })).totals).toEqual([{ fee: { value: "1.5", symbol: "USDC" } }]);
    const usdc3000 = { value: "3000", symbol: "USDC" };
    expect(await A.api.account.positions.query()).toEqual([
      expect.objectContaining({
        market: "ETH-PERP",
        size: { value: "-1", symbol: "WETH" },
        entryPrice: usdc3000,
        markPrice: usdc3000,
      }),
    ]);
    const [bPosition] = await B.api.account.positions.query();
    expect(bPosition).toMatchObject({
      market: "ETH-PERP",
      size: { value: "1", symbol: "WETH" },
      entryPrice: usdc3000,
      unrealizedPnl: { value: "0", symbol: "USDC" },
    });
    // ~14x leveraged: liquidated on a ~4.3 % drop
    expect(toBaseUnits(bPosition!.liquidationPrice!.value, 6)).toBeGreaterThan(usd(2860n));

    // ── both get new exchange-signed states (equity at the mark) and co-sign them ──
    const aState = await newStateAbove(A, aV);
    const bState = await newStateAbove(B, bV);
    expect(aState.state.allocations[0]!.traderAmount).toBe(usd(1000n) - 300_000n);
    expect(bState.state.allocations[0]!.traderAmount).toBe(usd(200n) - 1_500_000n);
    expect(bState.appData.positions).toHaveLength(1);
    expect(bState.appData.fees).toEqual([{ token: usdc.toLowerCase(), paid: 1_500_000n }]);
    for (const [who, s] of [
      [A, aState],
      [B, bState],
    ] as const) {
      // latestState serves the state; the wallet signs its EIP-712 form in the deposit instructions' domain
      const signature = await coSign(who, stateTypedData(domain, s.state as ChannelState));
      const signed = await who.api.channel.submitCoSignature.mutate({
        channelId: s.state.channelId,
        version: s.state.version,
        signature,
      });
      expect(signed.coSignedVersion).toBe(s.state.version);
      expect((await who.api.channel.latestState.query()).coSigned?.state.version).toBe(s.state.version);
    }

    // ── liquidation: A bids below; the admin moves the index down; B (long ~14x) is liquidated into A's bid ──
    await A.api.orders.place.mutate({
      idempotencyKey: key("a-bid"),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: ETH,
      price: usd(2850n),
    });
    const insurance = () => rt.read((ex) => ex.balance(INSURANCE_ACCOUNT, "USDC").available);
    const insuranceBefore = insurance();
    const bBefore = (await B.api.channel.latestState.query()).latest.state.version;
    await rt.overrideMarkPrice("ETH-PERP", usd(2860n), "test: the admin moves the index");
    const liquidation = await B.api.account.history.query({ kinds: ["liquidationStarted", "liquidationFinished"] });
    expect(liquidation.rows.map((r) => r.activity.kind).sort()).toEqual(["liquidationFinished", "liquidationStarted"]);
    expect(await B.api.account.positions.query()).toEqual([]);
    expect(await A.api.account.positions.query()).toEqual([]); // A's bid took the liquidation order: A is flat
    const liquidationFill = (await B.api.account.fills.query({ limit: 1 })).fills[0]!;
    expect(liquidationFill).toMatchObject({
      side: "sell",
      role: "taker",
      price: { value: "2850", symbol: "USDC" },
      liquidation: true,
    });
    // the liquidation fee (0.5 % of 2850) went to the insurance fund
    expect(insurance() - insuranceBefore).toBe(14_250_000n);
    expect(await usdcAvailable(B)).toBe(usd(200n) - 1_500_000n - usd(150n) - 14_250_000n);
    const bAfter = await newStateAbove(B, bBefore);
    expect(bAfter.state.allocations[0]!.traderAmount).toBe(usd(200n) - 1_500_000n - usd(150n) - 14_250_000n);
    expect(bAfter.appData.positions).toEqual([]);
    const aBalance = usd(1000n) - 300_000n + usd(150n) - 285_000n; // short 3000 → bought back 2850 as maker
    expect(await usdcAvailable(A)).toBe(aBalance);

    // ── partial withdrawal: RESIZE co-signed, the service submits it, the wallet gets exactly the amount ──
    const walletBefore = await tokenBalance(A.address);
    const withdraw = await A.api.channel.requestWithdraw.mutate({ token: usdc, amount: usd(100n) });
    const resize = withdraw.toSign.at(-1)!;
    expect(resize.state.intent).toBe(Intent.RESIZE);
    expect(resize.state.allocations[0]!.traderAmount + resize.state.allocations[0]!.exchangeAmount).toBe(
      usd(3000n) - usd(100n),
    );
    expect(await usdcAvailable(A)).toBe(aBalance - usd(100n)); // locked until the chain confirms
    let submitted: string | null = null;
    for (const s of withdraw.toSign) {
      submitted = (
        await A.api.channel.submitCoSignature.mutate({
          channelId: withdraw.channelId,
          version: s.state.version,
          signature: await coSign(A, s.typedData),
        })
      ).submittedTx;
    }
    expect(submitted).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await tokenBalance(A.address)).toBe(walletBefore + usd(100n));
    const afterResize = await eventually("the resize seen by the watcher", async () => {
      const s = await A.api.channel.status.query();
      return s.pendingOp === null && s.onChainVersion === resize.state.version ? s : null;
    });
    expect(afterResize.funding[0]!.total).toBe(usd(2900n));
    expect(await usdcAvailable(A)).toBe(aBalance - usd(100n));

    // ── a second withdrawal, cancelled before it is co-signed ──
    const aHeld = aBalance - usd(100n);
    const second = await A.api.channel.requestWithdraw.mutate({ token: usdc, amount: usd(50n) });
    const cancelled = second.toSign.at(-1)!;
    for (const s of second.toSign.slice(0, -1))
      await A.api.channel.submitCoSignature.mutate({
        channelId: second.channelId,
        version: s.state.version,
        signature: await coSign(A, s.typedData),
      });
    const predecessor = (await A.api.channel.latestState.query()).coSigned!;
    expect(predecessor.state.version).toBe(cancelled.state.version - 1n);
    const cancelledSig = await coSign(A, cancelled.typedData); // the trader could sign it any time: the exchange's signature is out
    const replacement = await A.api.channel.cancelWithdraw.mutate();
    const next = replacement.toSign[0]!;
    expect(next.state.version).toBe(cancelled.state.version + 1n);
    expect(next.state.intent).toBe(Intent.OPERATE);
    expect(next.state.allocations[0]).toMatchObject({ traderAmount: aHeld, exchangeAmount: usd(2900n) - aHeld }); // the old funding, the money back
    expect((await A.api.channel.status.query()).pendingOp).toBe("CANCEL");
    expect(await usdcAvailable(A)).toBe(aHeld - usd(50n)); // still locked: the RESIZE could be used until the replacement is on-chain
    const late = await refusal(
      A.api.channel.submitCoSignature.mutate({
        channelId: second.channelId,
        version: cancelled.state.version,
        signature: cancelledSig,
      }),
    );
    expect(late.data?.code).toBe("PRECONDITION_FAILED");
    const checkpoint = await A.api.channel.submitCoSignature.mutate({
      channelId: second.channelId,
      version: next.state.version,
      signature: await coSign(A, next.typedData),
    });
    expect(checkpoint.submittedTx).toMatch(/^0x[0-9a-f]{64}$/);
    await eventually("the checkpoint seen by the watcher", async () => {
      const s = await A.api.channel.status.query();
      return s.pendingOp === null && s.onChainVersion === next.state.version ? s : null;
    });
    expect(await usdcAvailable(A)).toBe(aHeld); // credited back once the RESIZE can no longer apply
    // on-chain, the cancelled RESIZE (now fully signed) is refused: a newer version is registered
    await expect(
      chain.client.simulateContract({
        account: A.address,
        address: domain.verifyingContract,
        abi: custodyAbi,
        functionName: "resize",
        args: [
          toAbiState(predecessor.state as ChannelState),
          { trader: predecessor.traderSignature as Hex, exchange: predecessor.exchangeSignature as Hex },
          toAbiState(cancelled.state as ChannelState),
          { trader: cancelledSig, exchange: cancelled.exchangeSignature as Hex },
        ],
      }),
    ).rejects.toThrow(/ChannelVersionTooOld|reverted/);

    // ── a cooperative close, cancelled before it is co-signed: the channel trades again ──
    const firstClose = await A.api.channel.requestClose.mutate();
    const cancelledClose = firstClose.toSign.at(-1)!;
    expect(cancelledClose.state.intent).toBe(Intent.CLOSE);
    expect((await A.api.channel.status.query()).status).toBe("CLOSING");
    expect(await usdcAvailable(A)).toBe(0n); // the whole balance is debited for the close
    const cancelledCloseSig = await coSign(A, cancelledClose.typedData);
    const reopened = (await A.api.channel.cancelClose.mutate()).toSign[0]!;
    expect(reopened.state.version).toBe(cancelledClose.state.version + 1n);
    expect(reopened.state.intent).toBe(Intent.OPERATE);
    expect(reopened.state.allocations[0]).toMatchObject({ traderAmount: aHeld, exchangeAmount: usd(2900n) - aHeld });
    const lateClose = await refusal(
      A.api.channel.submitCoSignature.mutate({
        channelId: firstClose.channelId,
        version: cancelledClose.state.version,
        signature: cancelledCloseSig,
      }),
    );
    expect(lateClose.data?.code).toBe("PRECONDITION_FAILED");
    expect((await refusal(A.api.channel.cancelClose.mutate())).data?.code).toBe("PRECONDITION_FAILED"); // nothing left to cancel
    const reopenTx = await A.api.channel.submitCoSignature.mutate({
      channelId: firstClose.channelId,
      version: reopened.state.version,
      signature: await coSign(A, reopened.typedData),
    });
    expect(reopenTx.submittedTx).toMatch(/^0x[0-9a-f]{64}$/);
    await eventually("ACTIVE again once the checkpoint is seen", async () => {
      const s = await A.api.channel.status.query();
      return s.status === "ACTIVE" && s.pendingOp === null && s.onChainVersion === reopened.state.version ? s : null;
    });
    expect(await usdcAvailable(A)).toBe(aHeld); // credited back
    // on-chain, the cancelled CLOSE (now fully signed) is refused: a newer version is registered
    await expect(
      chain.client.simulateContract({
        account: A.address,
        address: domain.verifyingContract,
        abi: custodyAbi,
        functionName: "close",
        args: [
          toAbiState(cancelledClose.state as ChannelState),
          { trader: cancelledCloseSig, exchange: cancelledClose.exchangeSignature as Hex },
        ],
      }),
    ).rejects.toThrow(/ChannelVersionTooOld|reverted/);

    // ── cooperative close: the wallet gets the final allocation, the channel is CLOSED ──
    const walletBeforeClose = await tokenBalance(A.address);
    const close = await A.api.channel.requestClose.mutate();
    const closeState = close.toSign.at(-1)!;
    expect(closeState.state.intent).toBe(Intent.CLOSE);
    expect(closeState.state.allocations[0]!.traderAmount).toBe(aHeld);
    const closed = await A.api.channel.submitCoSignature.mutate({
      channelId: close.channelId,
      version: closeState.state.version,
      signature: await coSign(A, closeState.typedData),
    });
    expect(closed.submittedTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await tokenBalance(A.address)).toBe(walletBeforeClose + aHeld);
    await eventually("CLOSED", async () => ((await A.api.channel.status.query()).status === "CLOSED" ? true : null));
    expect(await usdcAvailable(A)).toBe(0n);
    const history = await A.api.channel.history.query();
    expect(history.at(-1)!.state.version).toBe(closeState.state.version);
    for (const s of history)
      expect(verifyStateSignature(domain, s.state as ChannelState, s.traderSignature as Hex, A.address)).toBe(true);

    // ── the engine's invariants hold ──
    expect(checkInvariants(rt.read((ex) => ex.snapshot()))).toEqual([]);
  });

  it("a custody event re-delivered after a crash credits exactly once (engine requestId chain:<tx>:<log>), also across an engine restart", async () => {
    const C = trader(4);
    await signIn(C);
    await services.stopWatcher(); // the log is delivered by hand first, as a crashing process would have
    const { hash } = await depositAndOpen(C, usd(300n));
    const receipt = await chain.client.getTransactionReceipt({ hash });
    const opened = parseEventLogs({ abi: custodyAbi, logs: receipt.logs, eventName: "ChannelOpened" }).map(
      (log): CustodyEvent => ({
        name: log.eventName,
        args: log.args as unknown as Record<string, unknown>,
        txHash: log.transactionHash,
        logIndex: log.logIndex,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
      }),
    )[0]!;
    const engine = services.engine;
    const crashing = (mode: "before" | "after"): EnginePort => ({
      submit: async (command, options) => {
        if (mode === "after") await engine.submit(command, options);
        throw new Error(`process killed ${mode} the engine credit`);
      },
      read: (fn) => engine.read(fn),
      onCommitted: (l) => engine.onCommitted(l),
    });
    const sinkWith = (port: EnginePort) =>
      createChannelCustodySink(new ChannelService({ ...services.channels.deps, engine: port }));

    // 1. killed before the credit: nothing recorded, nothing credited
    await expect(sinkWith(crashing("before")).apply(opened)).rejects.toThrow("killed before");
    expect(await usdcAvailable(C)).toBe(0n);
    expect(await t.handle.db.channelChainEvent.count({ where: { txHash: hash.toLowerCase() } })).toBe(0);
    // 2. killed after the credit was journaled, before the event was recorded: re-delivered later
    await expect(sinkWith(crashing("after")).apply(opened)).rejects.toThrow("killed after");
    expect(await usdcAvailable(C)).toBe(usd(300n));
    expect((await C.api.channel.status.query()).status).toBe("OPENING");
    // 3. the engine restarts (memory gone: snapshot + journal); the watcher restarts from its cursor and delivers the log again
    await services.restartEngine();
    expect(services.engine).not.toBe(engine);
    await eventually("ACTIVE after the re-delivery", async () =>
      (await C.api.channel.status.query()).status === "ACTIVE" ? true : null,
    );
    expect(await usdcAvailable(C)).toBe(usd(300n));
    // 4. and once more (a crash before the watcher's APPLIED mark): skipped
    await createChannelCustodySink(services.channels).apply(opened);
    expect(await usdcAvailable(C)).toBe(usd(300n));
    // exactly one deposit journaled for C, under the chain request id
    const keys = await t.handle.db.idempotencyKey.findMany({ where: { account: C.address } });
    expect(keys.map((r) => r.key)).toEqual([chainRequestId(opened, 0)]);
    const deposits = await historyService(t.handle.db, C.address, { limit: 100 }, ["balance"]);
    expect(deposits.rows).toHaveLength(1);
    expect(checkInvariants(services.engine.read((ex) => ex.snapshot()))).toEqual([]);
  });

  it("plain orders.place answered by the direct order entry sends the same bytes as tRPC's own handling", async () => {
    const C = trader(6);
    await signIn(C);
    const urlOf = (server: nodeHttp.Server) =>
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc/orders.place`;
    const post = async (server: nodeHttp.Server, input: unknown, cookie: string | null) => {
      const res = await fetch(urlOf(server), {
        method: "POST",
        headers: { "content-type": "application/json", origin: APP, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(superjson.serialize(input)),
      });
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    };
    const order = (idempotencyKey: string, extra: Record<string, unknown> = {}) => ({
      idempotencyKey,
      market: "WETH-USDC",
      side: "buy",
      type: "limit",
      size: ETH / 100n,
      price: usd(2_000n),
      timeInForce: "GTC",
      ...extra,
    });

    // an order C cannot pay for: the engine's answer, then the same key again through tRPC (the stored answer)
    const answeredBefore = orderEntryAnswered();
    const used = key("direct");
    const first = await post(appServer, order(used), C.client.cookie());
    expect(first.type).toBe("application/json");
    expect(await post(plainServer, order(used), C.client.cookie())).toEqual(first);
    // bad input, signed out, and a different body under a used key: the same refusals both ways
    for (const [input, cookie] of [
      [order(key("bad"), { size: -1n }), C.client.cookie()],
      [order(key("anon")), null],
      [order(used, { size: ETH }), C.client.cookie()],
    ] as const) {
      const [direct, viaTrpc] = [await post(appServer, input, cookie), await post(plainServer, input, cookie)];
      expect(direct).toEqual(viaTrpc);
      expect(direct.status).toBeGreaterThanOrEqual(400);
    }
    // the app server's four answers came from the direct order entry, not from tRPC
    expect(orderEntryAnswered() - answeredBefore).toBe(4);
  });
});
