/**
 * Background retry of the exchange's own channel submissions (submissions.ts): a real Hardhat
 * node (port 8730), real database, real signatures, the real engine. The service reaches the
 * chain only through a TCP proxy (port 8731) that the test cuts and restores — a failing RPC
 * without stopping the node (a restarted Hardhat node would lose its chain). The trader's own
 * transactions go to the node directly. Custody events are delivered to the sink from receipts,
 * as the chain watcher would (it lags; here it is as late as the test wants).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  erc20Abi,
  hexToBytes,
  http,
  parseEventLogs,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import {
  hashChallenge,
  hashStateStruct,
  signDigest,
  stateTypedData,
  toAbiState,
  type ChannelDomain,
  type ChannelState,
  type CoSignatures,
} from "../../core/channel";
import type { CustodyEvent } from "../ports";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { custodyChannelChain, type ChannelChain, type OnChainChannel } from "./chain";
import { createChannelCustodySink } from "./custody-sink";
import { ChannelService, engineAccountOf } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const CHAIN_PORT = 8730;
const PROXY_PORT = 8731;
const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const USDC_1000 = 1_000_000_000n;
const USDC_100 = 100_000_000n;

/** A TCP proxy to the node that can be cut (listener closed, every connection destroyed: ECONNREFUSED) and restored. */
class RpcProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly port: number,
    private readonly target: number,
  ) {}

  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) =>
      server.once("error", reject).listen(this.port, "127.0.0.1", () => resolve()),
    );
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let domain: ChannelDomain;
let usdc: Address;
let proxy: RpcProxy;
/** the service's view of the chain, through the proxy; `lagOnce` serves the next successful read from an older block (a lagging RPC node) */
let serviceChain: ChannelChain & { lagOnce(block: bigint): void; laggedReads: number };

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

function trader(index: number) {
  const key = HARDHAT_TEST_ACCOUNTS[index]!;
  const account = privateKeyToAccount(key.privateKey);
  const viemChain = {
    id: domain.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  };
  const wallet = createWalletClient({ account, chain: viemChain, transport: http(chain.rpcUrl) });
  const cosign = (state: ChannelState) => account.signTypedData(stateTypedData(domain, state));
  const send = async (
    functionName: "close" | "resize" | "challenge" | "conclude" | "depositAndOpen",
    args: readonly unknown[],
  ) => {
    const hash = await wallet.writeContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName,
      args,
    } as never);
    const receipt = await chain.client.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return hash;
  };
  return {
    address: key.address,
    privateKey: key.privateKey,
    account: engineAccountOf(key.address),
    wallet,
    cosign,
    send,
  };
}

function custodyEvents(logs: Parameters<typeof parseEventLogs>[0]["logs"]): CustodyEvent[] {
  return parseEventLogs({ abi: custodyAbi, logs }).map((log) => ({
    name: log.eventName,
    args: log.args as unknown as Record<string, unknown>,
    txHash: log.transactionHash!,
    logIndex: log.logIndex!,
    blockNumber: log.blockNumber!,
    blockHash: log.blockHash!,
  }));
}

/** What the chain watcher would do, later: the transaction's custody events to the channels' sink. */
async function deliver(hash: Hex): Promise<string[]> {
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  const events = custodyEvents(receipt.logs);
  const sink = createChannelCustodySink(service);
  for (const e of events) await sink.apply(e);
  return events.map((e) => e.name);
}

async function openChannel(who: ReturnType<typeof trader>) {
  const open = await service.prepareOpen(who.address, [{ token: usdc, amount: USDC_1000 }]);
  const sig = await who.cosign(open.state);
  await service.submitCoSignature(who.address, open.channelId, 0n, sig);
  for (const a of open.depositAndOpen.approvals) {
    await chain.client.waitForTransactionReceipt({
      hash: await who.wallet.writeContract({
        address: a.token,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, a.amount],
      }),
    });
  }
  await deliver(
    await who.send("depositAndOpen", [
      who.address,
      open.nonce,
      toAbiState(open.state),
      { trader: sig, exchange: open.exchangeSignature },
    ]),
  );
  expect((await service.status(who.address)).status).toBe("ACTIVE");
  return {
    channelId: open.channelId,
    v0: open.state,
    v0Sigs: { trader: sig, exchange: open.exchangeSignature } as CoSignatures,
  };
}

const available = (account: string) => engine.read((ex) => ex.balance(account, "USDC").available);
const walletUsdc = (owner: Address) =>
  chain.client.readContract({ address: usdc, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
const exchangeNonce = () => chain.client.getTransactionCount({ address: EXCHANGE.address, blockTag: "pending" });

beforeAll(async () => {
  // the database first: the chain client (no retries) must not sit idle past the node's keep-alive before its first call
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(CHAIN_PORT);
  proxy = new RpcProxy(PROXY_PORT, CHAIN_PORT);
  await proxy.restore();
  const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
  const proxied: PublicClient = createPublicClient({ transport: http(proxyUrl, { retryCount: 0 }) });
  const real = custodyChannelChain(proxied, chain.deployment.custody);
  let lagBlock: bigint | null = null;
  serviceChain = {
    ...real,
    async channel(id): Promise<OnChainChannel> {
      if (lagBlock === null) return real.channel(id);
      const blockNumber = lagBlock;
      // the same read as custodyChannelChain's, at an older block: what a node that has not seen the newest blocks answers
      const [view, block] = await Promise.all([
        proxied.readContract({
          address: chain.deployment.custody,
          abi: custodyAbi,
          functionName: "channel",
          args: [id],
          blockNumber,
        }),
        proxied.getBlock({ blockNumber }),
      ]);
      lagBlock = null; // consumed only by a read that got through
      this.laggedReads += 1;
      const status = (["NONE", "ACTIVE", "CHALLENGED", "CLOSED"] as const)[view.status]!;
      return {
        status,
        version: BigInt(view.version),
        challengeDeadline: BigInt(view.challengeDeadline),
        fundingHash: view.fundingHash,
        chainTime: block.timestamp,
      };
    },
    lagOnce(block) {
      lagBlock = block;
    },
    laggedReads: 0,
  };
  engine = new SyncEngine();
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey, rpcUrl: proxyUrl }),
    chain: serviceChain,
    submissionRetry: { pollMs: 100, initialBackoffMs: 200, maxBackoffMs: 1_000 },
  });
  service.start();
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await proxy?.cut();
  await t?.drop();
  await chain?.stop();
});

describe("background retry of resize / close submissions", () => {
  const a = () => trader(2);

  it("RPC cut while the co-signed withdrawal is submitted: the trader's call answers 'retrying', the funds stay locked, the loop submits once the RPC is back", async () => {
    const A = a();
    const { channelId } = await openChannel(A);
    expect(available(A.account)).toBe(USDC_1000);
    const pending = await service.requestWithdraw(A.address, usdc, USDC_100);
    const resize = pending.toSign.at(-1)!.state;
    const walletBefore = await walletUsdc(A.address);

    await proxy.cut();
    let answer = {
      submittedTx: null as Hex | null,
      submission: null as Awaited<ReturnType<ChannelService["submitCoSignature"]>>["submission"],
    };
    for (const s of pending.toSign)
      answer = await service.submitCoSignature(A.address, channelId, s.state.version, await A.cosign(s.state));
    // the co-signature is stored; the submission failed for a passing reason and is retried by the service itself
    expect(answer.submittedTx).toBeNull();
    expect(answer.submission).toMatchObject({ op: "RESIZE", version: resize.version, state: "retrying", txHash: null });
    expect(answer.submission!.lastError).toBeTruthy();
    expect(answer.submission!.nextAttemptAt).toBeInstanceOf(Date);
    expect((await service.status(A.address)).coSignedVersion).toBe(resize.version);

    // the loop keeps trying while the RPC is down; the withdrawal stays debited and locked
    const retried = await waitFor(
      "a second attempt",
      () => service.status(A.address),
      (s) => (s.submission?.attempts ?? 0) >= 3 && s.submission?.state === "retrying",
    ); // between attempts (during one it reads "submitting")
    expect(retried).toMatchObject({
      pendingOp: "RESIZE",
      pendingPurpose: "WITHDRAWAL",
      pendingVersion: resize.version,
      alert: null,
    });
    expect(retried.submission!.state).toBe("retrying");
    expect(available(A.account)).toBe(USDC_1000 - USDC_100);
    expect(await walletUsdc(A.address)).toBe(walletBefore);

    await proxy.restore();
    const submitted = await waitFor(
      "the resize mined",
      () => service.status(A.address),
      (s) => s.submission?.state === "submitted",
    );
    expect(submitted.submission!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await walletUsdc(A.address)).toBe(walletBefore + USDC_100);
    // mined but not reported by the watcher yet: still locked, and not sent again
    expect(submitted.pendingOp).toBe("RESIZE");
    const nonce = await exchangeNonce();
    await service.submissions!.runRound();
    await new Promise((r) => setTimeout(r, 1_500)); // past the re-check interval (maxBackoffMs)
    expect(await exchangeNonce()).toBe(nonce);

    expect(await deliver(submitted.submission!.txHash as Hex)).toContain("ChannelResized");
    const done = await service.status(A.address);
    expect(done).toMatchObject({ pendingOp: null, onChainVersion: resize.version, alert: null });
    expect(done.funding[0]!.total).toBe(3n * USDC_1000 - USDC_100);
    expect(available(A.account)).toBe(USDC_1000 - USDC_100);
  }, 60_000);

  it("a withdrawal already mined by the trader (the watcher lags, the RPC node lags too): recognised as on-chain after the revert, not alerted, not resubmitted", async () => {
    const A = a();
    const { channelId } = (await service.status(A.address)) as unknown as { channelId: Hex };
    const pending = await service.requestWithdraw(A.address, usdc, USDC_100);
    const [previous, resize] = [(await service.latestState(A.address)).coSigned!, pending.toSign.at(-1)!];
    await proxy.cut();
    const resizeSig = await A.cosign(resize.state);
    for (const s of pending.toSign)
      await service.submitCoSignature(
        A.address,
        channelId,
        s.state.version,
        s.state === resize.state ? resizeSig : await A.cosign(s.state),
      );
    // failed and being retried (the loop may already be in its next attempt, 200 ms later)
    expect(["retrying", "submitting"]).toContain((await service.status(A.address)).submission?.state);

    // the trader holds both signatures and gets the resize mined themselves
    const before = await chain.client.getBlockNumber();
    const walletBefore = await walletUsdc(A.address);
    const hash = await A.send("resize", [
      toAbiState(previous.state),
      { trader: previous.traderSignature!, exchange: previous.exchangeSignature },
      toAbiState(resize.state),
      { trader: resizeSig, exchange: resize.exchangeSignature },
    ]);
    expect(await walletUsdc(A.address)).toBe(walletBefore + USDC_100);
    const nonce = await exchangeNonce();

    // the service's next read is answered from before the trader's block: it looks submittable, the send reverts, the re-read sees it on-chain
    serviceChain.lagOnce(before);
    await proxy.restore();
    const seen = await waitFor(
      "the resize recognised on-chain",
      () => service.status(A.address),
      (s) => s.submission?.state === "onChain",
    );
    expect(seen).toMatchObject({ pendingOp: "RESIZE", alert: null });
    expect(serviceChain.laggedReads).toBe(1); // the stale read said "submit": only the re-read after the revert can have found it on-chain
    expect(seen.submission!.txHash).toBeNull();
    expect(await exchangeNonce()).toBe(nonce); // the revert came from gas estimation: nothing was sent
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await service.status(A.address)).submission?.state).toBe("onChain");
    expect(await exchangeNonce()).toBe(nonce);

    await deliver(hash);
    expect(await service.status(A.address)).toMatchObject({
      pendingOp: null,
      onChainVersion: resize.state.version,
      alert: null,
      submission: null,
    });
    expect(available(A.account)).toBe(USDC_1000 - 2n * USDC_100);
  }, 60_000);

  it("a close the trader got mined while the RPC was down is recognised as done before sending anything", async () => {
    const A = a();
    const { channelId } = await service.status(A.address);
    const balance = available(A.account);
    const pending = await service.requestClose(A.address);
    const close = pending.toSign.at(-1)!;
    await proxy.cut();
    const sig = await A.cosign(close.state);
    expect(
      (await service.submitCoSignature(A.address, channelId as Hex, close.state.version, sig)).submission?.state,
    ).toBe("retrying");
    const walletBefore = await walletUsdc(A.address);
    const hash = await A.send("close", [toAbiState(close.state), { trader: sig, exchange: close.exchangeSignature }]);
    expect(await walletUsdc(A.address)).toBe(walletBefore + balance);
    const nonce = await exchangeNonce();

    await proxy.restore();
    const seen = await waitFor(
      "the close recognised on-chain",
      () => service.status(A.address),
      (s) => s.submission?.state === "onChain",
    );
    expect(seen).toMatchObject({ status: "CLOSING", pendingOp: "CLOSE", alert: null });
    expect(await exchangeNonce()).toBe(nonce);
    await deliver(hash);
    expect(await service.status(A.address)).toMatchObject({ status: "CLOSED", pendingOp: null });
    expect(available(A.account)).toBe(0n);
  }, 60_000);

  it("a cancelled close the trader gets mined anyway (both signatures were theirs to use) completes once: the debit stands, nothing comes back", async () => {
    const C = trader(4);
    const { channelId } = await openChannel(C);
    const balance = available(C.account);
    const close = (await service.requestClose(C.address)).toSign.at(-1)!;
    const replacement = (await service.cancelClose(C.address)).toSign[0]!;
    expect(replacement.state.version).toBe(close.state.version + 1n);
    expect(await service.status(C.address)).toMatchObject({
      status: "CLOSING",
      pendingOp: "CANCEL",
      pendingVersion: replacement.state.version,
    });
    expect(available(C.account)).toBe(0n); // the debit stands until the chain decides
    const sig = await C.cosign(close.state);
    await expect(service.submitCoSignature(C.address, channelId, close.state.version, sig)).rejects.toThrow(
      /the close at v\d+ was cancelled/,
    );
    const walletBefore = await walletUsdc(C.address);
    const hash = await C.send("close", [toAbiState(close.state), { trader: sig, exchange: close.exchangeSignature }]);
    expect(await walletUsdc(C.address)).toBe(walletBefore + balance);

    await deliver(hash);
    expect(await service.status(C.address)).toMatchObject({ status: "CLOSED", pendingOp: null, alert: null });
    expect(available(C.account)).toBe(0n); // paid once: in the wallet, not back in the engine
  }, 60_000);

  it("a withdrawal that can never apply (the channel was concluded on-chain at an older state): alert with the reason, no retry; the close gives the debit back", async () => {
    const B = trader(3);
    const { channelId, v0, v0Sigs } = await openChannel(B);
    const pending = await service.requestWithdraw(B.address, usdc, USDC_100);
    await proxy.cut();
    for (const s of pending.toSign)
      await service.submitCoSignature(B.address, channelId, s.state.version, await B.cosign(s.state));
    expect(available(B.account)).toBe(USDC_1000 - USDC_100);

    // meanwhile the trader challenges with the opening state and, the period over, concludes it
    const challengeSig = signDigest(
      hexToBytes(hashChallenge(domain, { channelId, version: 0n, stateHash: hashStateStruct(v0) })),
      B.privateKey,
    );
    const challenged = await B.send("challenge", [toAbiState(v0), v0Sigs, B.address, challengeSig]);
    const testClient = createTestClient({ mode: "hardhat", transport: http(chain.rpcUrl) });
    await testClient.increaseTime({ seconds: chain.deployment.challengePeriodSeconds });
    await testClient.mine({ blocks: 1 });
    const concluded = await B.send("conclude", [toAbiState(v0)]);
    const nonce = await exchangeNonce();

    await proxy.restore();
    const failed = await waitFor(
      "the resize refused for good",
      () => service.status(B.address),
      (s) => s.submission?.state === "failed",
    );
    expect(failed.alert).toContain("can never apply: the channel was closed on-chain at v0");
    expect(failed.submission!.nextAttemptAt).toBeNull();
    expect((await t.handle.db.channel.findUniqueOrThrow({ where: { id: channelId.toLowerCase() } })).alert).toBe(
      failed.alert,
    ); // what admin.channels.list shows
    const attempts = failed.submission!.attempts;
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await service.status(B.address)).submission?.attempts).toBe(attempts);
    expect(await exchangeNonce()).toBe(nonce);
    expect(available(B.account)).toBe(USDC_1000 - USDC_100); // locked until the chain's close is reported

    await deliver(challenged);
    await deliver(concluded);
    // the withdrawal is credited back and the conclude's payout (the whole 1000, to B's custody account) taken out
    expect(await service.status(B.address)).toMatchObject({ status: "CLOSED", pendingOp: null });
    expect(available(B.account)).toBe(0n);
  }, 60_000);
});
