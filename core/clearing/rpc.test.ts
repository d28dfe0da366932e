import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import type { RpcCounter } from "./app-data-types";
import { recordRpcCall, rpcFeesOf, rpcFeeTotals, rpcPayer, type RpcCall } from "./rpc-meter";
import {
  DEFAULT_RPC_PRICES,
  RPC_KIND_COUNT,
  RPC_PROFILES,
  rpcCost,
  RpcKind,
  typicalRpcCost,
  type RpcPrices,
} from "./rpc-schedule";
import { A, B } from "./seed-002.test-util";

describe("seed 000's RPC cost table", () => {
  test.each([
    // kind, name, who is charged, DB reads, DB writes, typical bytes, typical cost at the default prices
    [RpcKind.getOrderbookSnapshot, "getOrderbookSnapshot", "requestor", 0n, 0n, 10_000n, 10_100n],
    [RpcKind.pushOrderbookIncrement, "pushOrderbookIncrement", "initiator", 0n, 1n, 100n, 300n],
    [RpcKind.pushTradeEvent, "pushTradeEvent", "initiator", 0n, 1n, 100n, 300n], // the publisher pays
    [RpcKind.createRemoteOrder, "createRemoteOrder", "initiator", 0n, 1n, 100n, 300n],
    [RpcKind.updateRemoteOrder, "updateRemoteOrder", "initiator", 1n, 1n, 100n, 320n],
    [RpcKind.notifyOrderUpdate, "notifyOrderUpdate", "initiator", 0n, 1n, 100n, 300n],
  ])("kind %s %s: %s pays, r/w %s/%s, %s bytes, costs %s", (kind, name, payer, reads, writes, bytes, cost) => {
    expect(RPC_PROFILES[kind]).toStrictEqual({
      kind,
      name,
      payer,
      dbReads: reads,
      dbWrites: writes,
      typicalBytes: bytes,
    });
    expect(typicalRpcCost(DEFAULT_RPC_PRICES, kind)).toBe(cost);
  });

  it("numbers the six kinds 0..5 in seed 000's order", () => {
    expect(Object.values(RpcKind)).toStrictEqual([0, 1, 2, 3, 4, 5]);
    expect(RPC_PROFILES).toHaveLength(RPC_KIND_COUNT);
  });

  test.each([
    [
      { perCall: 1n, perByte: 0n, perDbRead: 0n, perDbWrite: 0n },
      { calls: 7n, bytes: 9n, dbReads: 1n, dbWrites: 2n },
      7n,
    ],
    [
      { perCall: 0n, perByte: 3n, perDbRead: 0n, perDbWrite: 0n },
      { calls: 7n, bytes: 9n, dbReads: 1n, dbWrites: 2n },
      27n,
    ],
    [
      { perCall: 0n, perByte: 0n, perDbRead: 5n, perDbWrite: 11n },
      { calls: 7n, bytes: 9n, dbReads: 1n, dbWrites: 2n },
      27n,
    ],
    [DEFAULT_RPC_PRICES, { calls: 2n, bytes: 20_000n, dbReads: 0n, dbWrites: 0n }, 20_200n],
  ] as [RpcPrices, Parameters<typeof rpcCost>[1], bigint][])("rpcCost(%o, %o) = %s", (prices, usage, cost) => {
    expect(rpcCost(prices, usage)).toBe(cost);
  });
});

describe("metering", () => {
  it("charges the sender (requestor or initiator, the publisher of a trade event) and keeps one counter per payer and kind", () => {
    let counters: RpcCounter[] = [];
    counters = recordRpcCall(
      counters,
      { kind: RpcKind.getOrderbookSnapshot, from: B, to: A, bytes: 12_000n },
      DEFAULT_RPC_PRICES,
    );
    counters = recordRpcCall(
      counters,
      { kind: RpcKind.pushTradeEvent, from: A, to: B, bytes: 90n },
      DEFAULT_RPC_PRICES,
    );
    counters = recordRpcCall(
      counters,
      { kind: RpcKind.pushTradeEvent, from: A, to: B, bytes: 110n },
      DEFAULT_RPC_PRICES,
    );
    counters = recordRpcCall(
      counters,
      { kind: RpcKind.updateRemoteOrder, from: A, to: B, bytes: 100n, dbReads: 2n },
      DEFAULT_RPC_PRICES,
    );
    expect(counters).toStrictEqual([
      {
        payer: A,
        kind: 2,
        calls: 2n,
        bytesTotal: 200n,
        dbReads: 0n,
        dbWrites: 2n,
        feeAmount: 2n * 100n + 200n + 2n * 100n,
      },
      {
        payer: A,
        kind: 4,
        calls: 1n,
        bytesTotal: 100n,
        dbReads: 2n,
        dbWrites: 1n,
        feeAmount: 100n + 100n + 40n + 100n,
      },
      { payer: B, kind: 0, calls: 1n, bytesTotal: 12_000n, dbReads: 0n, dbWrites: 0n, feeAmount: 12_100n },
    ]);
    expect(rpcFeeTotals(counters)).toStrictEqual([
      { payer: A, feeAmount: 940n, calls: 3n },
      { payer: B, feeAmount: 12_100n, calls: 1n },
    ]);
    expect(rpcFeesOf(counters, A)).toBe(940n);
    expect(rpcFeesOf(counters, "0x000000000000000000000000000000000000000c")).toBe(0n);
  });

  it("refuses an unknown kind, a call to oneself and a counter past uint64", () => {
    const call: RpcCall = { kind: RpcKind.createRemoteOrder, from: A, to: B, bytes: 1n };
    expect(() => recordRpcCall([], { ...call, kind: 6 as RpcKind }, DEFAULT_RPC_PRICES)).toThrow(ClearlineError);
    expect(() => recordRpcCall([], { ...call, to: A }, DEFAULT_RPC_PRICES)).toThrow(ClearlineError);
    const full: RpcCounter = {
      payer: A,
      kind: 3,
      calls: 1n,
      bytesTotal: (1n << 64n) - 1n,
      dbReads: 0n,
      dbWrites: 0n,
      feeAmount: 0n,
    };
    expect(() => recordRpcCall([full], call, DEFAULT_RPC_PRICES)).toThrow(ClearlineError);
  });

  it("the fee of the counters is the cost of their totals, and fees per payer add up to all fees", () => {
    const arbCall = fc.record({
      kind: fc.constantFrom(...Object.values(RpcKind)),
      aSends: fc.boolean(),
      bytes: fc.bigInt({ min: 0n, max: 1n << 20n }),
      dbReads: fc.option(fc.bigInt({ min: 0n, max: 5n }), { nil: undefined }),
      dbWrites: fc.option(fc.bigInt({ min: 0n, max: 5n }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbCall, { maxLength: 40 }), (calls) => {
        let counters: RpcCounter[] = [];
        let total = 0n;
        for (const { aSends, ...c } of calls) {
          const call: RpcCall = { ...c, from: aSends ? A : B, to: aSends ? B : A };
          expect(rpcPayer(call)).toBe(call.from);
          const profile = RPC_PROFILES[c.kind]!;
          total += rpcCost(DEFAULT_RPC_PRICES, {
            calls: 1n,
            bytes: c.bytes,
            dbReads: c.dbReads ?? profile.dbReads,
            dbWrites: c.dbWrites ?? profile.dbWrites,
          });
          counters = recordRpcCall(counters, call, DEFAULT_RPC_PRICES);
        }
        for (const counter of counters)
          expect(counter.feeAmount).toBe(
            rpcCost(DEFAULT_RPC_PRICES, {
              calls: counter.calls,
              bytes: counter.bytesTotal,
              dbReads: counter.dbReads,
              dbWrites: counter.dbWrites,
            }),
          );
        expect(rpcFeesOf(counters, A) + rpcFeesOf(counters, B)).toBe(total);
        expect(counters.reduce((n, c) => n + c.calls, 0n)).toBe(BigInt(calls.length));
        expect(counters.length).toBeLessThanOrEqual(2 * RPC_KIND_COUNT);
      }),
    );
  });
});
