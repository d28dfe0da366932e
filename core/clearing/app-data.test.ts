import fc from "fast-check";
import { hashStruct, keccak256, toHex } from "viem";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import {
  b2bAppDataTypedData,
  B2B_APP_DATA_TYPEHASH,
  B2B_APP_DATA_TYPE_STRING,
  encodeB2BType,
  hashB2BAppData,
} from "./app-data-hash";
import { B2B_APP_DATA_TYPES, MAX_APP_DATA_ENTRIES, type B2BAppData } from "./app-data-types";
import { validateB2BAppData } from "./app-data-validate";
import { canonicalB2BAppData } from "./app-data-canonical";
import { arbAppData } from "./arbitraries.test-util";
import { netLiabilities } from "./netting";
import { recordRpcCall } from "./rpc-meter";
import { DEFAULT_RPC_PRICES, RpcKind } from "./rpc-schedule";
import { A, B, ETH, fills, marksAfterMove, pair, units, USDC, WBTC } from "./seed-002.test-util";

// The types exactly as the Solidity side mirrors them (the brief fixes names and order).
const BRIEF = {
  B2BAppData:
    "B2BAppData(Thresholds thresholds,Holding[] bu,OrderSummary[] oos,Collateral[] cl,Liability[] liabilities,Mark[] marks,RpcCounter[] rpc)",
  Thresholds: "Thresholds(uint16 orangeBps,uint16 redBps,uint16 stopBps)",
  Holding: "Holding(address host,address holder,uint64 chainId,address token,uint256 available,uint256 locked)",
  OrderSummary:
    "OrderSummary(address host,address holder,bytes32 market,uint8 side,uint256 avgBaseAmount,uint256 minPrice,uint256 maxPrice,uint256 avgQuoteAmount)",
  Collateral: "Collateral(address broker,uint64 chainId,address token,uint256 available,uint256 locked)",
  Liability: "Liability(uint64 chainId,address token,address debtor,uint256 amount)",
  Mark: "Mark(uint64 chainId,address token,uint256 usdPriceE18,uint64 timestamp)",
  RpcCounter:
    "RpcCounter(address payer,uint8 kind,uint64 calls,uint64 bytesTotal,uint64 dbReads,uint64 dbWrites,uint256 feeAmount)",
} as const;

const viemHash = (data: B2BAppData) => hashStruct({ types: B2B_APP_DATA_TYPES, primaryType: "B2BAppData", data });

/** Seed 000/002 as app data: the seed-002 fills netted, seed 000's collateral and open order, metered RPCs. */
const example: B2BAppData = {
  thresholds: { orangeBps: 8000, redBps: 9000, stopBps: 9500 },
  bu: [{ host: B, holder: A, chainId: 1n, token: WBTC.token, available: 0n, locked: units(WBTC, "1") }],
  oos: [
    {
      host: B,
      holder: A,
      market: keccak256(toHex("eth/usdc")),
      side: 0,
      avgBaseAmount: 2n * 10n ** 17n,
      minPrice: units(USDC, "100"),
      maxPrice: units(USDC, "200"),
      avgQuoteAmount: units(USDC, "30"),
    },
  ],
  cl: [
    { broker: A, chainId: 1n, token: WBTC.token, available: 0n, locked: units(WBTC, "0.011") },
    { broker: B, chainId: 1n, token: WBTC.token, available: 0n, locked: units(WBTC, "0.011") },
  ],
  liabilities: netLiabilities(pair, fills),
  marks: marksAfterMove,
  rpc: recordRpcCall([], { kind: RpcKind.createRemoteOrder, from: A, to: B, bytes: 120n }, DEFAULT_RPC_PRICES),
};

describe("the B2B app data type", () => {
  test.each(Object.keys(BRIEF) as (keyof typeof BRIEF)[])("%s has the brief's fields in the brief's order", (name) => {
    const own = `${name}(${B2B_APP_DATA_TYPES[name].map((f) => `${f.type} ${f.name}`).join(",")})`;
    expect(own).toBe(BRIEF[name]);
    if (name !== "B2BAppData") expect(encodeB2BType(name)).toBe(BRIEF[name]);
  });

  it("encodes B2BAppData with its referenced types in alphabetical order (EIP-712 encodeType)", () => {
    expect(B2B_APP_DATA_TYPE_STRING).toBe(
      BRIEF.B2BAppData +
        BRIEF.Collateral +
        BRIEF.Holding +
        BRIEF.Liability +
        BRIEF.Mark +
        BRIEF.OrderSummary +
        BRIEF.RpcCounter +
        BRIEF.Thresholds,
    );
    expect(B2B_APP_DATA_TYPEHASH).toBe(keccak256(toHex(B2B_APP_DATA_TYPE_STRING)));
  });
});

describe("hashB2BAppData", () => {
  it("equals viem's struct hash on the seed example, and on empty arrays", () => {
    expect(hashB2BAppData(example)).toBe(viemHash(example));
    const empty: B2BAppData = { ...example, bu: [], oos: [], cl: [], liabilities: [], marks: [], rpc: [] };
    expect(hashB2BAppData(empty)).toBe(viemHash(empty));
    expect(hashB2BAppData(empty)).not.toBe(hashB2BAppData(example));
    expect(b2bAppDataTypedData(example).message).toBe(example);
  });

  it("pins two vectors for the Solidity side's parity test (both also equal viem's)", () => {
    const empty: B2BAppData = {
      thresholds: { orangeBps: 8000, redBps: 9000, stopBps: 9500 },
      bu: [],
      oos: [],
      cl: [],
      liabilities: [],
      marks: [],
      rpc: [],
    };
    expect(B2B_APP_DATA_TYPEHASH).toBe("0x64a269bf9bc368c626211e7ad21eef5505aae4dd725680548ae9e493213ca4e7");
    expect(viemHash(empty)).toBe("0x4e346276a6f8dd65d4930214e1ff56b6a9f467573ba74bbd3685d825a8c3facd");
    expect(hashB2BAppData(empty)).toBe(viemHash(empty));
  });

  it("equals viem's hashStruct for random app data", () => {
    fc.assert(
      fc.property(arbAppData, (data) => {
        expect(hashB2BAppData(data)).toBe(viemHash(data));
      }),
      { numRuns: 200 },
    );
  });

  it("changes when any field changes (a liability's debtor, a mark's time, a threshold, the order of a list)", () => {
    const h = hashB2BAppData(example);
    const [first, ...rest] = example.liabilities;
    expect(hashB2BAppData({ ...example, liabilities: [{ ...first!, debtor: B }, ...rest] })).not.toBe(h);
    expect(
      hashB2BAppData({ ...example, marks: [{ ...example.marks[0]!, timestamp: 1n }, ...example.marks.slice(1)] }),
    ).not.toBe(h);
    expect(hashB2BAppData({ ...example, thresholds: { ...example.thresholds, stopBps: 9501 } })).not.toBe(h);
    expect(hashB2BAppData({ ...example, cl: [...example.cl].reverse() })).not.toBe(h);
  });
});

describe("canonicalB2BAppData", () => {
  it("gives one hash whatever order each array arrived in, and keeps every entry", () => {
    fc.assert(
      fc.property(arbAppData, fc.func(fc.integer()), (data, key) => {
        const shuffle = <T>(xs: readonly T[]) => [...xs].sort((x, y) => key(x) - key(y));
        const shuffled: B2BAppData = {
          thresholds: data.thresholds,
          bu: shuffle(data.bu),
          oos: shuffle(data.oos),
          cl: shuffle(data.cl),
          liabilities: shuffle(data.liabilities),
          marks: shuffle(data.marks),
          rpc: shuffle(data.rpc),
        };
        const canonical = canonicalB2BAppData(shuffled);
        expect(hashB2BAppData(canonical)).toBe(hashB2BAppData(canonicalB2BAppData(data)));
        expect(canonical.bu).toHaveLength(data.bu.length);
        expect(new Set(canonical.rpc)).toStrictEqual(new Set(data.rpc));
      }),
      { numRuns: 100 },
    );
  });

  it("orders by the documented keys: liabilities and marks by (chain id, token), counters by (payer, kind)", () => {
    const canonical = canonicalB2BAppData({ ...example, marks: [...example.marks].reverse() });
    expect(canonical.marks.map((m) => m.token)).toStrictEqual([ETH.token, WBTC.token, USDC.token]);
    expect(canonical.liabilities).toStrictEqual(example.liabilities); // netLiabilities already emits this order
    const rpc = [
      { ...example.rpc[0]!, payer: B, kind: 1 },
      { ...example.rpc[0]!, payer: A, kind: 5 },
      { ...example.rpc[0]!, payer: A, kind: 0 },
    ];
    expect(canonicalB2BAppData({ ...example, rpc }).rpc.map((r) => [r.payer, r.kind])).toStrictEqual([
      [A, 0],
      [A, 5],
      [B, 1],
    ]);
  });
});

describe("validateB2BAppData", () => {
  const reasonOf = (data: B2BAppData) => {
    try {
      validateB2BAppData(data);
      return "valid";
    } catch (e) {
      expect(e).toBeInstanceOf(ClearlineError);
      expect((e as ClearlineError).code).toBe("INVALID_INPUT");
      return (e as ClearlineError).details.reason;
    }
  };
  const liability = example.liabilities[0]!;
  const mark = example.marks[0]!;
  const rpc = example.rpc[0]!;
  const order = example.oos[0]!;

  test.each([
    ["the example", example, "valid"],
    [
      "65 liabilities",
      {
        ...example,
        liabilities: Array.from({ length: MAX_APP_DATA_ENTRIES + 1 }, (_, i) => ({ ...liability, chainId: BigInt(i) })),
      },
      "CLEARING_TOO_MANY_ENTRIES",
    ],
    [
      "64 marks",
      { ...example, marks: Array.from({ length: MAX_APP_DATA_ENTRIES }, (_, i) => ({ ...mark, chainId: BigInt(i) })) },
      "valid",
    ],
    [
      "an amount of 2^256",
      { ...example, liabilities: [{ ...liability, amount: 1n << 256n }] },
      "CLEARING_OUT_OF_RANGE",
    ],
    ["a negative amount", { ...example, liabilities: [{ ...liability, amount: -1n }] }, "CLEARING_OUT_OF_RANGE"],
    ["a chain id of 2^64", { ...example, marks: [{ ...mark, chainId: 1n << 64n }] }, "CLEARING_OUT_OF_RANGE"],
    [
      "a number where a bigint belongs",
      { ...example, marks: [{ ...mark, timestamp: 5 as unknown as bigint }] },
      "CLEARING_OUT_OF_RANGE",
    ],
    ["a side of 2", { ...example, oos: [{ ...order, side: 2 as 0 }] }, "CLEARING_OUT_OF_RANGE"],
    [
      "min price above max",
      { ...example, oos: [{ ...order, minPrice: order.maxPrice + 1n }] },
      "CLEARING_OUT_OF_RANGE",
    ],
    ["an RPC kind of 6", { ...example, rpc: [{ ...rpc, kind: 6 }] }, "CLEARING_OUT_OF_RANGE"],
    [
      "a threshold of 65536",
      { ...example, thresholds: { orangeBps: 1, redBps: 2, stopBps: 65_536 } },
      "CLEARING_OUT_OF_RANGE",
    ],
    [
      "red below orange",
      { ...example, thresholds: { orangeBps: 9000, redBps: 8000, stopBps: 9500 } },
      "CLEARING_THRESHOLDS_UNORDERED",
    ],
    ["a short address", { ...example, liabilities: [{ ...liability, debtor: "0xa" as const }] }, "CLEARING_BAD_HEX"],
    ["a short market", { ...example, oos: [{ ...order, market: "0x1234" as const }] }, "CLEARING_BAD_HEX"],
    [
      "two liabilities in one asset",
      {
        ...example,
        liabilities: [
          liability,
          { ...liability, token: liability.token.toUpperCase().replace("0X", "0x") as `0x${string}`, debtor: B },
        ],
      },
      "CLEARING_DUPLICATE_ENTRY",
    ],
    [
      "two counters for one payer and kind",
      { ...example, rpc: [rpc, { ...rpc, calls: 9n }] },
      "CLEARING_DUPLICATE_ENTRY",
    ],
  ] as [string, B2BAppData, string][])("%s: %s", (_name, data, reason) => {
    expect(reasonOf(data)).toBe(reason);
    if (reason !== "valid") expect(() => hashB2BAppData(data)).toThrow(ClearlineError);
  });
});
