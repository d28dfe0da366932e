/**
 * prepareOpen and the admin fee withdrawal both read the exchange's free custody balance and act
 * on it; the coverage lock makes them take turns. Real Hardhat node (port 8700), real database,
 * real signatures; the two are started together, without awaiting the first.
 */
import { createWalletClient, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { ClearlineError } from "../../core/errors";
import { fromBaseUnits } from "../../core/money/units";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { withdrawFees, type FeeWithdrawalChain } from "../services/admin-fees";
import { ChannelService } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const ADMIN = HARDHAT_TEST_ACCOUNTS[0]!;
const TREASURY = HARDHAT_TEST_ACCOUNTS[9]!.address;
const USDC = 1_000_000n;

let chain: TestChain;
let t: TestDatabase;
let service: ChannelService;
let fees: FeeWithdrawalChain;
let usdc: Address;

const free = () => service.deps.chain.exchangeAvailable(usdc);
const withdraw = (amount: bigint) =>
  withdrawFees(
    t.handle.db,
    ADMIN.address,
    { token: usdc, amount: fromBaseUnits(amount, 6), to: TREASURY, reason: "fee sweep" },
    fees,
  );

beforeAll(async () => {
  // the database first: the chain client (no retries) must not sit idle past the node's 5 s keep-alive before its first call
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(8700);
  usdc = chain.deployment.tokens.USDC.address;
  const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  // no submitter: these tests only prepare opens and withdraw fees
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine: new SyncEngine(), chain, exchangeKey: EXCHANGE.privateKey }),
    submitter: undefined,
  });
  const viemChain = {
    id: domain.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  };
  fees = {
    coverageLock: service.coverageLock,
    client: chain.client,
    wallet: createWalletClient({
      account: privateKeyToAccount(EXCHANGE.privateKey),
      chain: viemChain,
      transport: http(chain.rpcUrl),
    }),
    deployment: chain.deployment,
  };
}, 180_000);

afterAll(async () => {
  await t?.drop();
  await chain?.stop();
});

describe("prepareOpen and fee withdrawal take turns on the exchange's free custody balance", () => {
  it("an open started first: the withdrawal overlapping it sees the coverage the open reserved and is refused", async () => {
    const balance = await free();
    const opening = service.prepareOpen(HARDHAT_TEST_ACCOUNTS[2]!.address, [{ token: usdc, amount: 1_000n * USDC }]);
    const everything = withdraw(balance); // started before the open finished
    const open = await opening;
    expect(open.state.allocations[0]!.exchangeAmount).toBe(2_000n * USDC);
    const refused = await everything.then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ClearlineError);
    expect((refused as ClearlineError).code).toBe("INSUFFICIENT_BALANCE");
    expect((refused as ClearlineError).details).toMatchObject({
      reservedForOpening: 2_000n * USDC,
      available: balance - 2_000n * USDC,
    });
    expect(await free()).toBe(balance); // nothing left
  });

  it("a withdrawal started first: the open overlapping it promises only what the withdrawal left", async () => {
    // leave 3000 USDC free: 2000 reserved by the first open, 1000 available
    await withdraw((await free()) - 3_000n * USDC);
    expect(await free()).toBe(3_000n * USDC);
    const sweep = withdraw(1_000n * USDC);
    const opening = service.prepareOpen(HARDHAT_TEST_ACCOUNTS[3]!.address, [{ token: usdc, amount: 500n * USDC }]); // wants 1000 coverage
    const [done, open] = await Promise.all([sweep, opening]);
    expect(done.balanceAfter).toBe(2_000n * USDC);
    // everything left is reserved for the first open: nothing to promise, and nothing promised twice
    expect(open.state.allocations[0]!.exchangeAmount).toBe(0n);
    expect(await free()).toBe(2_000n * USDC);
  });
});
