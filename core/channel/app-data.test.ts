import fc from "fast-check";
import { hashStruct } from "viem";
import { describe, expect, it } from "vitest";
import { arbAddress, arbHash } from "./arbitraries.test-util";
import { hashTraderAppData, TRADER_APP_DATA_TYPES, type TraderAppData } from "./app-data";

const int256 = fc.bigInt({ min: -(1n << 255n), max: (1n << 255n) - 1n });
const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

const arbAppData: fc.Arbitrary<TraderAppData> = fc.record({
  journalSeq: uint64,
  markTime: uint64,
  fees: fc.array(fc.record({ token: arbAddress, paid: uint256 }), { maxLength: 4 }),
  positions: fc.array(
    fc.record({
      market: arbHash,
      sizeE8: int256,
      entryPriceE8: uint256,
      markPriceE8: uint256,
      collateral: arbAddress,
      unrealizedPnl: int256,
    }),
    { maxLength: 4 },
  ),
});

describe("hashTraderAppData", () => {
  it("equals viem hashStruct over TRADER_APP_DATA_TYPES (precomputed type hashes, two's complement int256)", () => {
    fc.assert(
      fc.property(arbAppData, (data) => {
        const viems = hashStruct({
          types: TRADER_APP_DATA_TYPES,
          primaryType: "TraderAppData",
          data: { ...data, fees: data.fees.map((f) => ({ ...f })), positions: data.positions.map((p) => ({ ...p })) },
        });
        expect(hashTraderAppData(data)).toBe(viems);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects out-of-range integers", () => {
    expect(() => hashTraderAppData({ journalSeq: 1n << 64n, markTime: 0n, fees: [], positions: [] })).toThrow(
      RangeError,
    );
  });
});
