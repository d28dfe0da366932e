/**
 * Seed 004's desync property, begun: random command streams through core/engine's Exchange and,
 * batch by batch, converted into evidence events (contracts/testing/evidence-mirror.ts) and
 * anchored on the in-process chain. After every batch the Asset and Perp services equal the
 * engine: every trader's collateral (available + locked), every position's lots and entry cost,
 * the fee account, the marks. Liquidations are not converted yet: the streams keep accounts far
 * from maintenance margin, and the converter throws if one happens anyway.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { network } from "hardhat";
import { type Address, type Hex, type PublicClient } from "viem";
import { channelId, Intent, signState, toAbiState, type ChannelState } from "../../../core/channel";
import { HARDHAT_TEST_ACCOUNTS, LOCAL_ROLES } from "../../../core/chain/hardhat-test-accounts";
import { hashToHex, journalRowLeaf, journalRowLeafHash, type JournalRow } from "../../../core/evidence";
import { Exchange } from "../../../core/engine/exchange";
import type { Command } from "../../../core/engine/events";
import { BTC_PERP, ETH_PERP } from "../../../core/engine/fixtures";
import { FEE_ACCOUNT, INSURANCE_ACCOUNT } from "../../../core/engine/state";
import { custodyAbi, evidenceEntrypointAbi } from "../../generated";
import { Anchorer, concatEvents, deployEvidence, EVIDENCE_KIND } from "../../testing/evidence";
import { EvidenceMirror } from "../../testing/evidence-mirror";
import { deployFixture, EXCHANGE, type Fixture, type Wallet } from "../../testing/fixture";

const TRADERS = ["alice", "bob", "carol"] as const;
const TRADER_KEYS = LOCAL_ROLES.traders.slice(0, 3).map((i) => HARDHAT_TEST_ACCOUNTS[i]!);
const MARKETS = [ETH_PERP, BTC_PERP] as const;
const START_MARK = { [ETH_PERP.symbol]: 3_000_000n, [BTC_PERP.symbol]: 6_000_000n } as Record<string, bigint>;
const FUNDING = 10n ** 12n; // each trader's channel: 1M USDC from the trader
const USD = 1_000_000n;
const EIGHT_HOURS = 8 * 3600 * 1000;

/** What the generator draws; resolved against the engine's current mark when applied. */
type Step =
  | { kind: "deposit"; trader: number; usd: bigint }
  | { kind: "withdraw"; trader: number; usd: bigint }
  | { kind: "limit"; trader: number; market: number; buy: boolean; lots: bigint; ticksFromMark: bigint }
  | { kind: "market"; trader: number; market: number; buy: boolean; lots: bigint }
  | { kind: "mark"; market: number; bps: bigint }
  | { kind: "funding"; market: number }
  | { kind: "cancel"; trader: number; orderId: number }
  /** a command as written (scripted scenarios) */
  | { kind: "command"; command: Command };

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("deposit" as const), trader: fc.nat(2), usd: fc.bigInt(1n, 5_000n) }),
  fc.record({ kind: fc.constant("withdraw" as const), trader: fc.nat(2), usd: fc.bigInt(1n, 50n) }),
  {
    arbitrary: fc.record({
      kind: fc.constant("limit" as const),
      trader: fc.nat(2),
      market: fc.nat(1),
      buy: fc.boolean(),
      lots: fc.bigInt(1n, 10n),
      ticksFromMark: fc.bigInt(-30n, 30n),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("market" as const),
      trader: fc.nat(2),
      market: fc.nat(1),
      buy: fc.boolean(),
      lots: fc.bigInt(1n, 10n),
    }),
    weight: 2,
  },
  fc.record({ kind: fc.constant("mark" as const), market: fc.nat(1), bps: fc.bigInt(-100n, 100n) }),
  fc.record({ kind: fc.constant("funding" as const), market: fc.nat(1) }),
  fc.record({ kind: fc.constant("cancel" as const), trader: fc.nat(2), orderId: fc.integer({ min: 1, max: 40 }) }),
);

describe("Evidence ↔ engine (differential, in-process chain)", () => {
  let f: Fixture;
  let publicClient: PublicClient;
  let chainId: number;
  const channels = new Map<string, { channelId: Hex; funding: { token: Address; total: bigint }[] }>();
  let nonce = 0n;
  /** evidence events sent, by kind byte, over every run: the streams must exercise what they claim to */
  const sent = new Map<number, number>();

  before(async () => {
    const { viem } = await network.create();
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    f = await deployFixture(publicClient, (await viem.getWalletClients()) as unknown as Wallet[]);
    chainId = await publicClient.getChainId();
  });

  /** A fresh channel per trader (a run's deposits point at it), paid by the exchange's wallet. */
  async function openChannels() {
    nonce++;
    for (let i = 0; i < TRADERS.length; i++) {
      const trader = TRADER_KEYS[i]!;
      const id = channelId({ chainId, custody: f.custody, trader: trader.address, exchange: EXCHANGE.address, nonce });
      const state: ChannelState = {
        channelId: id,
        version: 0n,
        intent: Intent.INITIALIZE,
        allocations: [{ token: f.usdc, traderAmount: FUNDING, exchangeAmount: 0n }],
        appDataHash: `0x${"00".repeat(32)}`,
      };
      const sigs = {
        trader: signState(f.domain, state, trader.privateKey),
        exchange: signState(f.domain, state, EXCHANGE.privateKey),
      };
      await f.send(
        f.wallets.exchange.writeContract({
          address: f.custody,
          abi: custodyAbi,
          functionName: "depositAndOpen",
          args: [trader.address, nonce, toAbiState(state), sigs],
        } as never),
      );
      channels.set(TRADERS[i]!, { channelId: id, funding: [{ token: f.usdc, total: FUNDING }] });
    }
  }

  function resolve(ex: Exchange, intent: Step, timeMs: number): Command {
    if (intent.kind === "command") return intent.command;
    const account = TRADERS[intent.kind === "mark" || intent.kind === "funding" ? 0 : intent.trader]!;
    if (intent.kind === "deposit") return { type: "deposit", account, asset: "USDC", amount: intent.usd * USD };
    if (intent.kind === "withdraw") return { type: "withdraw", account, asset: "USDC", amount: intent.usd * USD };
    if (intent.kind === "cancel") return { type: "cancel", account, orderId: intent.orderId };
    const market = MARKETS[intent.market]!;
    const mark = ex.prices(market.symbol).markPerLot ?? START_MARK[market.symbol]!;
    const onTick = (p: bigint) => (p / market.tickSizeQuote) * market.tickSizeQuote;
    if (intent.kind === "mark")
      return { type: "markPrice", market: market.symbol, indexPerLot: onTick(mark + (mark * intent.bps) / 10_000n) };
    if (intent.kind === "funding") return { type: "fundingTick", market: market.symbol, timeMs };
    const side = intent.buy ? "buy" : "sell";
    const sizeBase = intent.lots * market.lotSizeBase;
    if (intent.kind === "market")
      return {
        type: "place",
        account,
        market: market.symbol,
        side,
        kind: "market",
        sizeBase,
        worstPricePerLot: onTick(intent.buy ? mark * 2n : mark / 2n),
      };
    const pricePerLot = onTick(mark + intent.ticksFromMark * 100n * market.tickSizeQuote);
    return { type: "place", account, market: market.symbol, side, kind: "limit", sizeBase, pricePerLot };
  }

  async function run(intents: Step[], batchSizes: number[]) {
    await openChannels();
    const entrypoint = await deployEvidence(publicClient, f.wallets.deployer, f.custody);
    const anchorer = new Anchorer(publicClient, f.wallets.other, entrypoint, EXCHANGE.privateKey, chainId);
    const ex = Exchange.create();
    const accounts = new Map<string, Address>([[FEE_ACCOUNT, "0x000000000000000000000000000000000000fee5"]]);
    accounts.set(INSURANCE_ACCOUNT, "0x000000000000000000000000000000000000a5a5");
    TRADERS.forEach((t, i) => accounts.set(t, TRADER_KEYS[i]!.address));
    const mirror = new EvidenceMirror({ accounts, tokens: new Map([["USDC", f.usdc]]), channels }, ex);
    const read = <T>(functionName: string, args: readonly unknown[]) =>
      publicClient.readContract({
        address: entrypoint,
        abi: evidenceEntrypointAbi,
        functionName,
        args,
      } as never) as Promise<T>;
    let seq = 0n;
    let timeMs = 0;
    // the journal as rows of (seq, command text, events text), committed as the server's rows are
    const rows: JournalRow[] = [];
    const text = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    const anchorBatch = async (commands: Command[], leading: Hex[] = []) => {
      const entries: Uint8Array[] = [];
      for (const command of commands) {
        const engineEvents = ex.apply(command);
        mirror.add(command, engineEvents);
        const row = { seq: ++seq, command: text(command), events: text(engineEvents) };
        rows.push(row);
        entries.push(journalRowLeaf(row));
      }
      const events = [...leading, ...mirror.takeBatch()];
      for (const e of events)
        sent.set(Number.parseInt(e.slice(2, 4), 16), (sent.get(Number.parseInt(e.slice(2, 4), 16)) ?? 0) + 1);
      await anchorer.anchor(entries, concatEvents(events));
      // the services equal the engine at the batch boundary
      for (const [name, address] of accounts) {
        if (name === INSURANCE_ACCOUNT && !mirror.insuranceMirrored) continue;
        const b = ex.balance(name, "USDC");
        assert.equal(await read<bigint>("collateralOf", [address, f.usdc]), b.available + b.locked, `${name}'s USDC`);
        if (name === FEE_ACCOUNT || name === INSURANCE_ACCOUNT) continue;
        for (const market of MARKETS) {
          const p = ex.position(name, market.symbol);
          const [lots, entry] = await read<[bigint, bigint]>("positionOf", [
            address,
            mirror.markets.get(market.symbol)!.id,
          ]);
          assert.equal(lots * market.lotSizeBase, p.sizeBase, `${name}'s ${market.symbol} size`);
          assert.equal(entry, p.entryQuote, `${name}'s ${market.symbol} entry`);
        }
      }
      for (const market of MARKETS) {
        const [, mark] = await read<[unknown, bigint]>("marketOf", [mirror.markets.get(market.symbol)!.id]);
        assert.equal(mark, ex.prices(market.symbol).markPerLot ?? 0n, `${market.symbol} mark`);
      }
    };
    await anchorBatch(
      [
        ...MARKETS.map((config): Command => ({ type: "addMarket", config })),
        ...MARKETS.map((m): Command => ({ type: "markPrice", market: m.symbol, indexPerLot: START_MARK[m.symbol]! })),
        ...TRADERS.map((account): Command => ({ type: "deposit", account, asset: "USDC", amount: 10_000n * USD })),
      ],
      mirror.protocolEvents(),
    );
    let at = 0;
    for (const size of batchSizes) {
      if (at >= intents.length) break;
      const commands = intents.slice(at, at + size).map((intent) => {
        if (intent.kind === "funding") timeMs += EIGHT_HOURS;
        return resolve(ex, intent, timeMs);
      });
      at += size;
      // resolve each command against the marks as the previous ones left them
      await anchorBatch(commands);
    }
    return { batches: Number(await read<bigint>("batchCount", [])), rows, anchorer, read };
  }

  it("a scripted stream: trades, a withdrawal, marks and funding keep the services equal to the engine", async () => {
    const intents: Step[] = [
      { kind: "limit", trader: 0, market: 0, buy: true, lots: 5n, ticksFromMark: 0n },
      { kind: "market", trader: 1, market: 0, buy: false, lots: 3n },
      { kind: "withdraw", trader: 0, usd: 20n },
      { kind: "mark", market: 0, bps: 80n },
      { kind: "limit", trader: 2, market: 0, buy: false, lots: 2n, ticksFromMark: 0n },
      { kind: "market", trader: 0, market: 0, buy: true, lots: 2n },
      { kind: "funding", market: 0 },
      { kind: "market", trader: 1, market: 0, buy: true, lots: 1n },
      { kind: "mark", market: 0, bps: -50n },
    ];
    sent.clear();
    const { batches, rows, anchorer, read } = await run(intents, [2, 1, 3, 3]);
    assert.equal(batches, 5);
    // a trader proves a fill: its journal row is a leaf of the anchored tree, checked on-chain
    const row = rows.find((r) => String(r.events).includes('"type":"fill"'))!;
    const index = Number(row.seq) - 1;
    const root = hashToHex(anchorer.log.root());
    const proof = anchorer.log.inclusionProof(index).map(hashToHex);
    const leaf = hashToHex(journalRowLeafHash(row));
    assert.equal(await read<boolean>("verifyInclusion", [root, leaf, BigInt(index), proof]), true);
    const altered = hashToHex(journalRowLeafHash({ ...row, events: String(row.events).replace('"fill"', '"fills"') }));
    assert.equal(await read<boolean>("verifyInclusion", [root, altered, BigInt(index), proof]), false);
    assert.ok((sent.get(EVIDENCE_KIND.match) ?? 0) >= 4, `matches sent: ${JSON.stringify([...sent])}`);
    assert.equal(sent.get(EVIDENCE_KIND.withdraw), 1, "the withdrawal sent");
    assert.equal(sent.get(EVIDENCE_KIND.markPrice), 4, "marks sent");
  });

  it("a liquidation through the book: flag re-checked on-chain, the closing match, the fee seized to insurance", async () => {
    const L = ETH_PERP.lotSizeBase;
    const limit = (account: string, side: "buy" | "sell", lots: bigint, pricePerLot: bigint): Step => ({
      kind: "command",
      command: {
        type: "place",
        account,
        market: ETH_PERP.symbol,
        side,
        kind: "limit",
        sizeBase: lots * L,
        pricePerLot,
      },
    });
    const steps: Step[] = [
      { kind: "withdraw", trader: 0, usd: 9_900n }, // alice keeps 100 USDC
      limit("carol", "sell", 300n, 3_000_000n),
      limit("alice", "buy", 300n, 3_000_000n), // 900 USDC of ETH on 100: 9x
      limit("bob", "buy", 400n, 2_750_000n), // the bid alice's liquidation sells into
      limit("carol", "sell", 10n, 2_800_000n),
      { kind: "command", command: { type: "markPrice", market: ETH_PERP.symbol, indexPerLot: 2_760_000n } },
    ];
    sent.clear();
    await run(steps, [1, 2, 2, 1]);
    assert.equal(sent.get(EVIDENCE_KIND.flag), 1, "alice flagged");
    assert.equal(sent.get(EVIDENCE_KIND.seize), 1, "her liquidation fee seized and the flag released");
  });

  it("random command streams: after every batch the on-chain services equal the engine", async () => {
    sent.clear();
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbStep, { minLength: 5, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 40, maxLength: 40 }),
        async (intents, batchSizes) => {
          await run(intents, batchSizes);
        },
      ),
      { numRuns: 8 },
    );
    for (const kind of [EVIDENCE_KIND.match, EVIDENCE_KIND.withdraw, EVIDENCE_KIND.deposit, EVIDENCE_KIND.markPrice])
      assert.ok((sent.get(kind) ?? 0) > 0, `the runs sent events of kind ${kind}`);
  });
});
