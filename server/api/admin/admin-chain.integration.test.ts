/**
 * The ops console's on-chain actions through the real admin router, on a real Hardhat node
 * (port 8720) with the contracts deployed and the whole service running (startTestServices):
 * - admin.fees.withdraw moves exactly the amount from the exchange's custody account to `to`
 *   and is audited; above what is available (free balance minus what channels being opened
 *   reserve) it is refused naming both numbers and nothing changes;
 * - admin.channels.checkpoint puts a channel's newer co-signed state on-chain (the custody
 *   contract's channel view shows its version) and is audited;
 * - admin.overview counts what openings reserve, and admin.channels.releaseOpening frees an
 *   unfunded opening's reservation, audited (attack 16);
 * - a traded deposit reorged out (a real Hardhat reorg, the running watcher): taken back as far as
 *   it can be, the account suspended, the shortfall in the overview (attack 20).
 */
import {
  createTestClient,
  createWalletClient,
  erc20Abi,
  http,
  keccak256,
  stringToHex,
  type Address,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { custodyAbi, demoTokenAbi } from "../../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../../core/chain/hardhat-test-accounts";
import { stateTypedData, type ChannelDomain, type ChannelState } from "../../../core/channel";
import { toAbiState } from "../../channels/chain";
import { startTestChain, type TestChain } from "../../channels/testing";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import { startTestServices, type TestServices } from "../../testing/services";
import { createCaller } from "../root";
import { contextsOver, OPERATOR } from "../testing";

const CHAIN_PORT = 8720;
const ADMIN = HARDHAT_TEST_ACCOUNTS[0]!;
const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const TRADER = HARDHAT_TEST_ACCOUNTS[4]!;
const MAKER = HARDHAT_TEST_ACCOUNTS[5]!;
const USDC = 1_000_000n;
const ETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC;

const serverUrl = inject("testDatabaseUrl");
let chain: TestChain;
let t: TestDatabase;
let services: TestServices;
let domain: ChannelDomain;
let usdc: Address;

const ctxFor = contextsOver(() => services);
const admin = () => createCaller(ctxFor(ADMIN.address, ["TRADER", "ADMIN"]));
const operator = () => createCaller(ctxFor(OPERATOR, ["TRADER", "OPERATOR"]));

async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const custodyBalance = (account: Address) =>
  chain.client.readContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "balanceOf",
    args: [account, usdc],
  });
const tokenBalance = (owner: Address) =>
  chain.client.readContract({ address: usdc, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
const sign = (typedData: unknown) =>
  privateKeyToAccount(TRADER.privateKey).signTypedData(typedData as TypedDataDefinition);

/** prepareOpen (the exchange reserves coverage), co-sign, approve + depositAndOpen from the trader's wallet. */
async function openChannel(amount: bigint, who: (typeof HARDHAT_TEST_ACCOUNTS)[number] = TRADER): Promise<Hex> {
  const open = await services.channels.prepareOpen(who.address, [{ token: usdc, amount }]);
  const traderSig = await privateKeyToAccount(who.privateKey).signTypedData(open.typedData as TypedDataDefinition);
  await services.channels.submitCoSignature(who.address, open.channelId, 0n, traderSig);
  const w = createWalletClient({
    account: privateKeyToAccount(who.privateKey),
    chain: {
      id: domain.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    },
    transport: http(chain.rpcUrl),
  });
  await chain.client.waitForTransactionReceipt({
    hash: await w.writeContract({
      address: usdc,
      abi: demoTokenAbi,
      functionName: "approve",
      args: [domain.verifyingContract, amount],
    }),
  });
  const hash = await w.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [who.address, open.nonce, toAbiState(open.state), { trader: traderSig, exchange: open.exchangeSignature }],
  });
  await chain.client.waitForTransactionReceipt({ hash });
  return open.channelId;
}

beforeAll(async () => {
  chain = await startTestChain(CHAIN_PORT);
  t = await createMigratedTestDatabase(serverUrl);
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  services = await startTestServices({
    handle: t.handle,
    chain,
    exchangeKey: EXCHANGE.privateKey,
    appUrl: "http://localhost:8721",
    adminAddress: ADMIN.address,
    pollMs: 100,
    confirmations: 0,
  });
}, 180_000);

afterAll(async () => {
  await services?.stop();
  await t?.drop();
  await chain?.stop();
});

describe(`ops console on-chain actions (${serverUrl ? "PostgreSQL server" : "PGlite"}, Hardhat node)`, () => {
  it("fees.withdraw: exactly the amount moves from the exchange's custody account to `to`, audited; above what is available (channels being opened reserve theirs) it is refused and nothing changes", async () => {
    const to = HARDHAT_TEST_ACCOUNTS[7]!.address;
    const [custodyBefore, toBefore] = await Promise.all([custodyBalance(EXCHANGE.address), tokenBalance(to)]);
    expect(custodyBefore).toBeGreaterThan(usd(1_000n));
    const view = (await operator().admin.fees.withdrawable()).rows.find((r) => r.asset === "USDC")!;
    expect(view).toMatchObject({
      token: usdc.toLowerCase(),
      balance: custodyBefore,
      reservedForOpening: 0n,
      available: custodyBefore,
    });

    const done = await admin().admin.fees.withdraw({
      token: usdc,
      amount: "125.5",
      to,
      reason: "fee sweep to treasury",
    });
    expect(done).toMatchObject({
      asset: "USDC",
      amount: 125_500_000n,
      to,
      balanceBefore: custodyBefore,
      balanceAfter: custodyBefore - 125_500_000n,
    });
    expect(await custodyBalance(EXCHANGE.address)).toBe(custodyBefore - 125_500_000n);
    expect(await tokenBalance(to)).toBe(toBefore + 125_500_000n);
    expect((await chain.client.getTransactionReceipt({ hash: done.txHash as Hex })).status).toBe("success");
    const audit = await operator().admin.audit.list({ action: "fees.withdraw" });
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      id: done.auditId,
      actor: ADMIN.address,
      target: "USDC",
      before: {
        custodyBalance: custodyBefore.toString(),
        reservedForOpening: "0",
        available: custodyBefore.toString(),
      },
      after: {
        custodyBalance: (custodyBefore - 125_500_000n).toString(),
        amount: "125500000",
        to,
        reason: "fee sweep to treasury",
        txHash: done.txHash,
      },
    });

    // a channel being opened (signed INITIALIZE, not mined) reserves its coverage: 2 × 1000 USDC
    const pending = await services.channels.prepareOpen(HARDHAT_TEST_ACCOUNTS[6]!.address, [
      { token: usdc, amount: usd(1_000n) },
    ]);
    expect(pending.state.allocations[0]!.exchangeAmount).toBe(usd(2_000n));
    const balance = custodyBefore - 125_500_000n;
    const available = balance - usd(2_000n);
    expect((await operator().admin.fees.withdrawable()).rows.find((r) => r.asset === "USDC")).toMatchObject({
      balance,
      reservedForOpening: usd(2_000n),
      available,
    });

    // the whole free balance would starve that open: refused, naming the amount and what is available
    const fmt = (v: bigint) =>
      `${v / USDC}${v % USDC === 0n ? "" : `.${(v % USDC).toString().padStart(6, "0").replace(/0+$/, "")}`} USDC`;
    const auditCount = await t.handle.db.auditLog.count();
    await expect(
      admin().admin.fees.withdraw({ token: usdc, amount: `${balance / USDC}`, to, reason: "too much" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(
        `amount ${fmt((balance / USDC) * USDC)} is above what is available: ${fmt(available)}`,
      ),
    });
    expect(await custodyBalance(EXCHANGE.address)).toBe(balance);
    expect(await tokenBalance(to)).toBe(toBefore + 125_500_000n);
    expect(await t.handle.db.auditLog.count()).toBe(auditCount);
    // bad inputs name the field
    await expect(
      admin().admin.fees.withdraw({ token: usdc, amount: "1.0000001", to, reason: "too precise" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("at most 6 decimals") });
    await expect(
      admin().admin.fees.withdraw({ token: to, amount: "1", to, reason: "not a token" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("is not a custody token") });
    // an operator reads but cannot withdraw
    await expect(
      operator().admin.fees.withdraw({ token: usdc, amount: "1", to, reason: "operator tries" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await custodyBalance(EXCHANGE.address)).toBe(balance);
  });

  it("channels.checkpoint: a channel with a newer co-signed state than on-chain gets it registered (custody channel view shows the version), audited", async () => {
    const channelId = await openChannel(usd(1_000n));
    await eventually("the channel ACTIVE and credited", async () => {
      const c = await t.handle.db.channel.findUnique({ where: { id: channelId.toLowerCase() } });
      return (
        c?.status === "ACTIVE" &&
        services.engine.read((ex) => ex.balance(TRADER.address, "USDC").available) === usd(1_000n)
      );
    });
    const onChainBefore = await chain.client.readContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "channel",
      args: [channelId],
    });
    expect(BigInt(onChainBefore.version)).toBe(0n); // uint64: viem reads it as a number

    // a fill charges the trader a fee: the service issues a new OPERATE state, the trader co-signs it
    const rt = services.engine;
    await rt.submit({ type: "deposit", account: MAKER.address, asset: "USDC", amount: usd(100_000n) });
    await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test: the admin sets the index");
    const maker = createCaller(ctxFor(MAKER.address));
    const taker = createCaller(ctxFor(TRADER.address));
    expect(
      (
        await maker.orders.place({
          idempotencyKey: "chk-ask-key-1",
          market: "ETH-PERP",
          side: "sell",
          type: "limit",
          size: ETH / 10n,
          price: usd(3000n),
        })
      ).status,
    ).toBe("resting");
    expect(
      (
        await taker.orders.place({
          idempotencyKey: "chk-buy-key-1",
          market: "ETH-PERP",
          side: "buy",
          type: "market",
          size: ETH / 10n,
          worstPrice: usd(3010n),
        })
      ).status,
    ).toBe("filled");
    const latest = await eventually("a new OPERATE state", async () => {
      const s = await services.channels.latestState(TRADER.address);
      return s.latest.state.version > 0n ? s.latest : null;
    });
    const signed = await services.channels.submitCoSignature(
      TRADER.address,
      channelId,
      latest.state.version,
      await sign(stateTypedData(domain, latest.state as ChannelState)),
    );
    expect(signed).toMatchObject({ coSignedVersion: latest.state.version, submittedTx: null }); // an OPERATE state stays off-chain
    expect(
      (
        await chain.client.readContract({
          address: domain.verifyingContract,
          abi: custodyAbi,
          functionName: "channel",
          args: [channelId],
        })
      ).version,
    ).toBe(0);

    const done = await admin().admin.channels.checkpoint({ channelId });
    expect(done).toMatchObject({ channelId: channelId.toLowerCase(), version: latest.state.version });
    const onChain = await chain.client.readContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "channel",
      args: [channelId],
    });
    expect(BigInt(onChain.version)).toBe(latest.state.version);
    expect((await chain.client.getTransactionReceipt({ hash: done.txHash as Hex })).status).toBe("success");
    const audit = await operator().admin.audit.list({ action: "channel.checkpoint" });
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      id: done.auditId,
      actor: ADMIN.address,
      target: channelId.toLowerCase(),
      before: { onChainVersion: "0" },
      after: { onChainVersion: latest.state.version.toString(), txHash: done.txHash },
    });

    // the watcher records the checkpoint; then there is nothing newer to register
    await eventually(
      "the watcher records the on-chain version",
      async () =>
        (await t.handle.db.channel.findUnique({ where: { id: channelId.toLowerCase() } }))?.onChainVersion ===
        latest.state.version,
    );
    await expect(admin().admin.channels.checkpoint({ channelId })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("nothing newer to register"),
    });
  });
  it("the solvency view counts what openings reserve; channels.releaseOpening frees a reservation, audited (attack 16)", async () => {
    // test 1's opening (signed, never funded) still reserves 2 × 1000 USDC
    const opener = HARDHAT_TEST_ACCOUNTS[6]!.address;
    const pending = await t.handle.db.channel.findFirstOrThrow({ where: { trader: opener, status: "OPENING" } });
    const usdcRow = async () => (await operator().admin.overview()).coverage.find((r) => r.asset === "USDC")!;
    const before = await usdcRow();
    expect(before).toMatchObject({ reservedForOpenings: usd(2_000n), openingChannels: 1 });
    expect(before.unreserved).toBe(before.exchangeAvailable! - usd(2_000n) - before.reservedForTopUps);
    const listed = (await operator().admin.channels.list({ status: "OPENING" })).channels.find(
      (c) => c.id === pending.id,
    );
    expect(listed?.openingExpiresAt).toBeInstanceOf(Date);

    await expect(
      operator().admin.channels.releaseOpening({ channelId: pending.id, reason: "operator tries" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const done = await admin().admin.channels.releaseOpening({
      channelId: pending.id,
      reason: "unfunded for too long",
    });
    expect(done).toMatchObject({
      channelId: pending.id,
      trader: opener,
      released: [{ token: usdc.toLowerCase(), amount: usd(2_000n) }],
    });
    expect(await usdcRow()).toMatchObject({ reservedForOpenings: 0n, openingChannels: 0 });
    expect((await operator().admin.fees.withdrawable()).rows.find((r) => r.asset === "USDC")?.reservedForOpening).toBe(
      0n,
    );
    const audit = await operator().admin.audit.list({ action: "channel.release_opening" });
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      id: done.auditId,
      actor: ADMIN.address,
      target: pending.id,
      after: { status: "CLOSED", reason: "released by ops: unfunded for too long" },
    });
    // only an opening nobody funded: test 2's ACTIVE channel, or the released one again, is refused naming why
    const active = await t.handle.db.channel.findFirstOrThrow({ where: { status: "ACTIVE" } });
    await expect(
      admin().admin.channels.releaseOpening({ channelId: active.id, reason: "not an opening" }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("only an opening nobody funded"),
    });
    await expect(
      admin().admin.channels.releaseOpening({ channelId: pending.id, reason: "twice" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    // a swarm of fresh addresses asking for absurd amounts: one opening gets 10 % of the free balance, all together
    // stop at half, and the solvent verdict says new opens get nothing more
    const swarm = [];
    for (let i = 0; i < 6; i++) {
      const address = privateKeyToAccount(keccak256(stringToHex(`swarm ${i}`))).address;
      swarm.push(await services.channels.prepareOpen(address, [{ token: usdc, amount: 10n ** 30n }]));
    }
    const full = await operator().admin.overview();
    const row = full.coverage.find((r) => r.asset === "USDC")!;
    expect(row.reservedForOpenings).toBe(row.exchangeAvailable! / 2n);
    expect(full.solvent.reasons).toContain(
      `USDC: 6 unfunded opening(s) reserve ${row.reservedForOpenings} base units, all that openings may (5000 bps of the free balance): new opens get no coverage until they expire or are released`,
    );
    for (const open of swarm)
      await admin().admin.channels.releaseOpening({ channelId: open.channelId, reason: "griefing swarm" });
    expect(await usdcRow()).toMatchObject({ reservedForOpenings: 0n, openingChannels: 0 });
  });

  it("a deposit reorged out after it was traded (attack 20), end to end: the watcher reverts it, the engine takes back what is free, the account's orders are refused, the overview shows the shortfall", async () => {
    const who = HARDHAT_TEST_ACCOUNTS[8]!;
    const rt = services.engine;
    const testClient = createTestClient({ mode: "hardhat", transport: http(chain.rpcUrl) });
    const snapshot = await testClient.snapshot();
    const channelId = (await openChannel(usd(1_000n), who)).toLowerCase();
    await eventually("the channel ACTIVE and credited", async () => {
      const c = await t.handle.db.channel.findUnique({ where: { id: channelId } });
      return c?.status === "ACTIVE" && rt.read((ex) => ex.balance(who.address, "USDC").available) === usd(1_000n);
    });
    // traded: 0.2 WETH bought for 600 USDC (taker fee 0.3 USDC), straight through the engine
    const perLot = (wholePrice: bigint) => (usd(wholePrice) * rt.market("WETH-USDC")!.lotSize) / ETH;
    await rt.submit({ type: "deposit", account: MAKER.address, asset: "WETH", amount: ETH });
    await rt.submit({
      type: "place",
      account: MAKER.address,
      market: "WETH-USDC",
      side: "sell",
      kind: "limit",
      sizeBase: ETH / 5n,
      pricePerLot: perLot(3000n),
    });
    const buy = await rt.submit({
      type: "place",
      account: who.address,
      market: "WETH-USDC",
      side: "buy",
      kind: "market",
      sizeBase: ETH / 5n,
      worstPricePerLot: perLot(3010n),
    });
    expect(buy.events.filter((e) => e.type === "fill")).toHaveLength(1);
    const left = usd(400n) - 300_000n;
    expect(rt.read((ex) => ex.balance(who.address, "USDC").available)).toBe(left);

    // a reorg deeper than the confirmations (0 here): the open's block is gone, the new chain is longer
    await testClient.revert({ id: snapshot });
    await testClient.mine({ blocks: 3 });
    const shortfall = await eventually("the watcher's revert recorded a shortfall", async () =>
      t.handle.db.channelShortfall.findFirst({ where: { trader: who.address } }),
    );
    expect(shortfall).toMatchObject({ channelId, asset: "USDC", event: "ChannelOpened" });
    expect(rt.read((ex) => ex.balance(who.address, "USDC"))).toEqual({ available: 0n, locked: 0n });
    expect((await t.handle.db.channel.findUniqueOrThrow({ where: { id: channelId } })).status).toBe("OPENING");
    // suspended: the runtime's guard (which every order service checks) refuses the account, the User row says why
    expect(() => rt.checkTradingAllowed(who.address, null)).toThrow("this account is suspended");
    const detail = await operator().admin.users.search({ query: who.address });
    expect(detail.find((u) => u.address === who.address)?.suspendedAt).toBeInstanceOf(Date);
    const audit = await operator().admin.audit.list({ action: "user.suspend" });
    expect(audit.rows.find((r) => r.target === who.address)).toMatchObject({ actor: "system" });

    const overview = await operator().admin.overview();
    expect(overview.solvent.ok).toBe(false);
    expect(overview.solvent.reasons).toContain(
      `USDC: 1 deposit(s) reorged out after they were traded; ${usd(1_000n) - left} base units could not be taken back (accounts suspended)`,
    );
    expect(overview.reorgShortfalls).toMatchObject([
      { trader: who.address, channelId, owed: usd(1_000n), takenBack: left, shortfall: usd(1_000n) - left },
    ]);
    expect(overview.coverage.find((r) => r.asset === "USDC")).toMatchObject({
      reorgShortfall: usd(1_000n) - left,
      reorgShortfallCount: 1,
    });
    expect(overview.channelAlerts.find((a) => a.id === channelId)?.alert).toContain("shortfall");
  });
});
