// fast-check generators of B2B app data, shared by the clearing's tests (not shipped code).
import fc from "fast-check";
import type { Address, Hex } from "viem";
import type { B2BAppData } from "./app-data-types";

const hexBytes = (length: number) =>
  fc
    .uint8Array({ minLength: length, maxLength: length })
    .map((bytes) => ("0x" + Buffer.from(bytes).toString("hex")) as Hex);

export const arbAddress = hexBytes(20).map((hex) => hex as Address);
export const arbBytes32 = hexBytes(32);
const uint = (bits: number) =>
  fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }));
const small = (max: number) => fc.integer({ min: 0, max });

/** Random well-formed app data (unique keys come from unique addresses per array). */
export const arbAppData: fc.Arbitrary<B2BAppData> = fc.record({
  thresholds: fc
    .tuple(small(65_535), small(65_535), small(65_535))
    .map((t) => t.sort((x, y) => x - y))
    .map(([orangeBps, redBps, stopBps]) => ({ orangeBps: orangeBps!, redBps: redBps!, stopBps: stopBps! })),
  bu: fc.uniqueArray(
    fc.record({
      host: arbAddress,
      holder: arbAddress,
      chainId: uint(64),
      token: arbAddress,
      available: uint(256),
      locked: uint(256),
    }),
    { maxLength: 4, selector: (h) => h.token },
  ),
  oos: fc.uniqueArray(
    fc
      .record({
        host: arbAddress,
        holder: arbAddress,
        market: arbBytes32,
        side: fc.constantFrom(0 as const, 1 as const),
        avgBaseAmount: uint(256),
        prices: fc.tuple(uint(256), uint(256)),
        avgQuoteAmount: uint(256),
      })
      .map(({ prices: [p, q], ...o }) => ({ ...o, minPrice: p < q ? p : q, maxPrice: p < q ? q : p })),
    { maxLength: 4, selector: (o) => o.market },
  ),
  cl: fc.uniqueArray(
    fc.record({ broker: arbAddress, chainId: uint(64), token: arbAddress, available: uint(256), locked: uint(256) }),
    { maxLength: 4, selector: (c) => c.token },
  ),
  liabilities: fc.uniqueArray(
    fc.record({ chainId: uint(64), token: arbAddress, debtor: arbAddress, amount: uint(256) }),
    {
      maxLength: 4,
      selector: (l) => l.token,
    },
  ),
  marks: fc.uniqueArray(
    fc.record({ chainId: uint(64), token: arbAddress, usdPriceE18: uint(256), timestamp: uint(64) }),
    {
      maxLength: 4,
      selector: (m) => m.token,
    },
  ),
  rpc: fc.uniqueArray(
    fc.record({
      payer: arbAddress,
      kind: small(5),
      calls: uint(64),
      bytesTotal: uint(64),
      dbReads: uint(64),
      dbWrites: uint(64),
      feeAmount: uint(256),
    }),
    { maxLength: 4, selector: (r) => r.payer },
  ),
});
