import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signState } from "../channel";
import { Intent, type ChannelDomain, type ChannelState } from "../channel/types";
import { DEFAULT_THRESHOLDS, hashB2BAppData, RpcKind, type B2BAppData } from "../clearing";
import { decideDispute, decisionHash } from "./dispute";
import { A, B, CHAIN_ID, ETH, order, USDC } from "./keys.test-util";
import { appendEntry, type B2BLog } from "./log";
import { conversation } from "./session.test-util";

const DOMAIN: ChannelDomain = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const V = 5n;
const APP_DATA: B2BAppData = {
  thresholds: DEFAULT_THRESHOLDS,
  bu: [],
  oos: [],
  cl: [],
  liabilities: [],
  marks: [],
  rpc: [],
};
const STATE: ChannelState = {
  channelId: `0x${"cd".repeat(32)}`,
  version: V,
  intent: Intent.OPERATE,
  allocations: [{ token: USDC.token, traderAmount: 1n, exchangeAmount: 1n }],
  appDataHash: hashB2BAppData(APP_DATA),
};
const SIGNATURES = { a: signState(DOMAIN, STATE, A.privateKey), b: signState(DOMAIN, STATE, B.privateKey) };

const trade = fc.record({
  initiatorIsA: fc.boolean(),
  buy: fc.boolean(),
  baseAmount: fc.bigInt({ min: 1n, max: 10n ** 20n }),
  quoteAmount: fc.bigInt({ min: 1n, max: 10n ** 12n }),
  stampedAfter: fc.boolean(),
  sentTwice: fc.boolean(),
});

describe("dispute replay (property)", () => {
  it("counts each trade after the state exactly once, nets it like a by-hand sum, whatever the log order", () => {
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 5 }), (trades) => {
        const { send } = conversation();
        let logA: B2BLog = { owner: A.address, chainId: CHAIN_ID, entries: [] };
        let logB: B2BLog = { owner: B.address, chainId: CHAIN_ID, entries: [] };
        const deliver = (from: typeof A, to: typeof A, wire: string) => {
          logA = appendEntry(logA, from === A ? "sent" : "received", wire, A.privateKey);
          logB = appendEntry(logB, from === B ? "sent" : "received", wire, B.privateKey);
        };
        const owedByA = { eth: 0n, usdc: 0n };
        const expected: string[] = [];
        trades.forEach((t, i) => {
          const [initiator, matcher] = t.initiatorIsA ? [A, B] : [B, A];
          // the limit is the fill itself, so every fill is within it
          const body = {
            ...order(`o-${i}`, t.baseAmount, t.quoteAmount),
            side: t.buy ? ("buy" as const) : ("sell" as const),
          };
          deliver(initiator, matcher, send(initiator, matcher, RpcKind.createRemoteOrder, body).wire);
          const fill = {
            orderId: `o-${i}`,
            update: "fill" as const,
            tradeId: `t-${i}`,
            baseAmount: t.baseAmount,
            quoteAmount: t.quoteAmount,
            remainingBase: 0n,
            stateVersion: t.stampedAfter ? V : V - 1n,
          };
          for (let k = 0; k < (t.sentTwice ? 2 : 1); k++)
            deliver(matcher, initiator, send(matcher, initiator, RpcKind.notifyOrderUpdate, fill).wire);
          if (!t.stampedAfter) return;
          expected.push(`${matcher.address}:t-${i}`);
          const aBuys = (initiator === A) === t.buy;
          owedByA.usdc += aBuys ? t.quoteAmount : -t.quoteAmount;
          owedByA.eth += aBuys ? -t.baseAmount : t.baseAmount;
        });
        const input = {
          domain: DOMAIN,
          pair: { a: A.address, b: B.address },
          state: STATE,
          signatures: SIGNATURES,
          appData: APP_DATA,
          refusedBy: B.address,
        };
        const one = decideDispute({ ...input, logs: [logA, logB] });
        const other = decideDispute({ ...input, logs: [logB, logA] });
        expect(one.trades).toEqual(expected.sort());
        const liability = (asset: typeof ETH, owed: bigint) =>
          owed === 0n
            ? []
            : [{ ...asset, debtor: owed > 0n ? A.address : B.address, amount: owed > 0n ? owed : -owed }];
        expect(one.liabilities).toEqual([...liability(ETH, owedByA.eth), ...liability(USDC, owedByA.usdc)]);
        expect(decisionHash(other)).toBe(decisionHash(one));
      }),
      { numRuns: 12 },
    );
  });
});
