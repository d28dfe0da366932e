/**
 * Engine → evidence events: turns what core/engine's Exchange did over a batch of commands into
 * the batch's evidence events (contracts/testing/evidence.ts), as the server's anchoring loop
 * will. Fills and funding become one net Orders Match per (account, market) per segment — a
 * segment ends before each withdrawal and each flag, so the contract checks free collateral and
 * margin against the same positions the engine did. Covers perpetual markets, deposits,
 * withdrawals, marks, funding, and a liquidation that closes through the book (Flag, the closing
 * matches, the liquidation fees seized to the insurance fund, released). Spot markets, ADL,
 * bankruptcy cover and the exchange's backstop are not converted yet and throw, so a test never
 * passes by leaving them out; funding dust paid by the insurance fund is left out and noted
 * (`insuranceMirrored` turns false).
 */
import type { Address, Hex } from "viem";
import type { Command, EngineEvent } from "../../core/engine/events";
import type { Exchange } from "../../core/engine/exchange";
import type { MarketConfig } from "../../core/market/config";
import { FEE_ACCOUNT, INSURANCE_ACCOUNT } from "../../core/engine/state";
import { EVIDENCE_ROLE, evidenceEvent, type FundingPair } from "./evidence";

export interface MirrorSetup {
  /** engine account id → address (the fee account included) */
  accounts: ReadonlyMap<string, Address>;
  /** asset symbol → token */
  tokens: ReadonlyMap<string, Address>;
  /** trader account id → its custody channel and the funding custody recorded for it */
  channels: ReadonlyMap<string, { channelId: Hex; funding: readonly FundingPair[] }>;
}

interface Pending {
  account: string;
  market: string;
  fee: bigint;
  funding: bigint;
}

type Snapshot = { lots: bigint; entryQuote: bigint; realizedPnlQuote: bigint };

/** initialMarginBps(params) of core/risk/margin.ts: at least 1 / maxLeverage. */
export function effectiveInitialBps(config: MarketConfig): number {
  const byLeverage = (10_000n + config.maxLeverage! - 1n) / config.maxLeverage!;
  const initial = config.initialMarginBps! > byLeverage ? config.initialMarginBps! : byLeverage;
  return Number(initial);
}

export class EvidenceMirror {
  /** market symbol → on-chain market id (in order of opening) and its config */
  readonly markets = new Map<string, { id: number; config: MarketConfig }>();
  private readonly last = new Map<string, Snapshot>();
  private pending = new Map<string, Pending>();
  private out: Hex[] = [];
  /** liquidation fees per account being liquidated, seized to the insurance fund when it ends */
  private readonly liquidationFees = new Map<string, bigint>();
  /** false once the engine moved insurance funds this converter does not mirror (funding dust) */
  insuranceMirrored = true;

  constructor(
    private readonly setup: MirrorSetup,
    private readonly engine: Exchange,
  ) {}

  /** Protocol accounts, once before anything else. */
  protocolEvents(): Hex[] {
    return [
      evidenceEvent.setProtocolAccount(EVIDENCE_ROLE.fees, this.address(FEE_ACCOUNT)),
      evidenceEvent.setProtocolAccount(EVIDENCE_ROLE.insurance, this.address(INSURANCE_ACCOUNT)),
    ];
  }

  private address(account: string): Address {
    const a = this.setup.accounts.get(account);
    if (a === undefined) throw new Error(`no address for engine account ${account}`);
    return a;
  }

  private token(asset: string): Address {
    const t = this.setup.tokens.get(asset);
    if (t === undefined) throw new Error(`no token for asset ${asset}`);
    return t;
  }

  private pendingOf(account: string, market: string): Pending {
    const key = `${account}\u0000${market}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { account, market, fee: 0n, funding: 0n };
      this.pending.set(key, p);
    }
    return p;
  }

  /** Records one applied command and its events. */
  add(command: Command, events: readonly EngineEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case "marketAdded": {
          if (command.type !== "addMarket" || e.kind !== "perp")
            throw new Error(`spot market ${e.market} not mirrored`);
          const config = command.config;
          const id = this.markets.size;
          this.markets.set(e.market, { id, config });
          this.out.push(
            evidenceEvent.openMarket(
              id,
              this.token(config.quote.symbol),
              effectiveInitialBps(config),
              Number(config.maintenanceMarginBps!),
            ),
          );
          break;
        }
        case "markPrice":
          this.out.push(evidenceEvent.markPrice(this.marketId(e.market), e.markPerLot));
          break;
        case "fill":
          this.pendingOf(e.maker, e.market).fee += e.makerFeeQuote;
          if (e.liquidation) {
            // the liquidated account is the taker; its fee goes to the insurance fund, by a Seize
            this.pendingOf(e.taker, e.market);
            this.liquidationFees.set(e.taker, (this.liquidationFees.get(e.taker) ?? 0n) + e.takerFeeQuote);
          } else this.pendingOf(e.taker, e.market).fee += e.takerFeeQuote;
          break;
        case "fundingPayment":
          this.pendingOf(e.account, e.market).funding += e.amountQuote;
          break;
        case "balance":
          if (e.reason === "deposit") this.deposit(e.account, e.asset, e.deltaAvailable);
          if (e.reason === "withdraw") this.withdraw(e.account, e.asset, -e.deltaAvailable);
          break;
        case "liquidationStarted":
          this.flush();
          this.out.push(evidenceEvent.flag(this.address(e.account), this.token(e.asset)));
          break;
        case "liquidationFinished": {
          this.flush();
          const fees = this.liquidationFees.get(e.account) ?? 0n;
          this.liquidationFees.delete(e.account);
          this.out.push(
            evidenceEvent.seize(this.address(e.account), this.token(e.asset), fees, EVIDENCE_ROLE.insurance, true),
          );
          break;
        }
        case "insurance":
          if (e.reason === "bankruptcyCover") throw new Error("bankruptcy cover is not mirrored yet");
          if (e.reason === "fundingDust") this.insuranceMirrored = false;
          break;
        case "adl":
        case "backstop":
        case "marketUpdated":
          throw new Error(`${e.type} is not mirrored yet`);
        default:
          break;
      }
    }
  }

  private marketId(market: string): number {
    const m = this.markets.get(market);
    if (m === undefined) throw new Error(`market ${market} not opened on-chain`);
    return m.id;
  }

  private deposit(account: string, asset: string, amount: bigint): void {
    const channel = this.setup.channels.get(account);
    if (channel === undefined) throw new Error(`no custody channel for ${account}`);
    this.out.push(
      evidenceEvent.deposit(this.address(account), this.token(asset), amount, channel.channelId, channel.funding),
    );
  }

  private withdraw(account: string, asset: string, amount: bigint): void {
    const channel = this.setup.channels.get(account);
    if (channel === undefined) throw new Error(`no custody channel for ${account}`);
    this.flush();
    this.out.push(evidenceEvent.withdraw(this.address(account), this.token(asset), amount, channel.channelId));
  }

  /** One Orders Match per (account, market) touched since the last flush, from the engine's positions. */
  private flush(): void {
    for (const p of this.pending.values()) {
      const { id, config } = this.markets.get(p.market)!;
      const now = this.engine.position(p.account, p.market);
      const current: Snapshot = {
        lots: now.sizeBase / config.lotSizeBase,
        entryQuote: now.entryQuote,
        realizedPnlQuote: now.realizedPnlQuote,
      };
      const key = `${p.account}\u0000${p.market}`;
      const before = this.last.get(key) ?? { lots: 0n, entryQuote: 0n, realizedPnlQuote: 0n };
      this.last.set(key, current);
      const m = {
        lots: current.lots - before.lots,
        cost: current.entryQuote - before.entryQuote,
        realizedPnl: current.realizedPnlQuote - before.realizedPnlQuote,
        fee: p.fee,
        funding: p.funding,
      };
      if (m.lots === 0n && m.cost === 0n && m.realizedPnl === 0n && m.fee === 0n && m.funding === 0n) continue;
      this.out.push(evidenceEvent.match(this.address(p.account), id, m));
    }
    this.pending = new Map();
  }

  /** The batch's events since the last call. */
  takeBatch(): Hex[] {
    this.flush();
    const batch = this.out;
    this.out = [];
    return batch;
  }
}
