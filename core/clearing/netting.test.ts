import fc from "fast-check";
import type { Address } from "viem";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import { netLiabilities, signedFlows, type Fill } from "./netting";
import { A, B, ETH, fills, pair, units, USDC, WBTC } from "./seed-002.test-util";
import { assetKey } from "./types";

describe("netLiabilities", () => {
  it("seed 002: A owes 10 ETH and 20,000 USDC, B owes 1 BTC", () => {
    expect(netLiabilities(pair, fills)).toStrictEqual([
      { chainId: 1n, token: ETH.token, debtor: A, amount: units(ETH, "10") },
      { chainId: 1n, token: WBTC.token, debtor: B, amount: units(WBTC, "1") },
      { chainId: 1n, token: USDC.token, debtor: A, amount: units(USDC, "20000") },
    ]);
  });

  test.each([
    ["no fills", [], []],
    [
      "a round trip nets to nothing",
      [
        { buyer: A, seller: B, base: ETH, quote: USDC, baseAmount: 5n, quoteAmount: 7n },
        { buyer: B, seller: A, base: ETH, quote: USDC, baseAmount: 5n, quoteAmount: 7n },
      ],
      [],
    ],
    [
      "checksummed and lower-case addresses are one broker and one asset",
      [
        { buyer: A, seller: B, base: ETH, quote: USDC, baseAmount: 5n, quoteAmount: 7n },
        {
          buyer: B.toUpperCase().replace("0X", "0x") as Address,
          seller: A,
          base: ETH,
          quote: { chainId: 1n, token: USDC.token.toUpperCase().replace("0X", "0x") as Address },
          baseAmount: 2n,
          quoteAmount: 3n,
        },
      ],
      [
        { chainId: 1n, token: ETH.token, debtor: B, amount: 3n },
        { chainId: 1n, token: USDC.token, debtor: A, amount: 4n },
      ],
    ],
  ] as [string, Fill[], unknown][])("%s", (_name, given, expected) => {
    expect(netLiabilities(pair, given)).toStrictEqual(expected);
  });

  it("refuses a fill with a third broker, a channel of one broker, and negative amounts", () => {
    const C: Address = "0x000000000000000000000000000000000000000c";
    const bad = (f: () => unknown, reason: string) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ClearlineError);
        expect((e as ClearlineError).details.reason).toBe(reason);
      }
    };
    const fill = { buyer: A, seller: B, base: ETH, quote: USDC, baseAmount: 1n, quoteAmount: 1n };
    bad(() => netLiabilities(pair, [{ ...fill, seller: C }]), "CLEARING_NOT_A_PARTICIPANT");
    bad(() => netLiabilities(pair, [{ ...fill, seller: A }]), "CLEARING_NOT_A_PARTICIPANT");
    bad(() => netLiabilities({ a: A, b: A }, []), "CLEARING_SAME_BROKER");
    bad(() => netLiabilities(pair, [{ ...fill, baseAmount: -1n }]), "CLEARING_OUT_OF_RANGE");
  });
});

const assets = [WBTC, ETH, USDC, { chainId: 10n, token: USDC.token }];
const arbFill: fc.Arbitrary<Fill> = fc
  .record({
    aBuys: fc.boolean(),
    base: fc.constantFrom(...assets),
    quote: fc.constantFrom(...assets),
    baseAmount: fc.bigInt({ min: 0n, max: 10n ** 30n }),
    quoteAmount: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  })
  .map(({ aBuys, ...rest }) => ({ buyer: aBuys ? A : B, seller: aBuys ? B : A, ...rest }));

describe("netting properties", () => {
  it("conserves per asset: what A owes minus what B owes equals the signed flows of the fills", () => {
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 30 }), (given) => {
        const expected = new Map<string, bigint>();
        for (const f of given) {
          const sign = f.buyer === A ? 1n : -1n;
          expected.set(assetKey(f.quote), (expected.get(assetKey(f.quote)) ?? 0n) + sign * f.quoteAmount);
          expected.set(assetKey(f.base), (expected.get(assetKey(f.base)) ?? 0n) - sign * f.baseAmount);
        }
        const net = new Map<string, bigint>();
        for (const l of netLiabilities(pair, given)) {
          const key = assetKey(l);
          expect(net.has(key)).toBe(false); // one line per asset
          expect(l.amount > 0n).toBe(true);
          net.set(key, l.debtor === A ? l.amount : -l.amount);
        }
        for (const [key, flow] of expected) expect(net.get(key) ?? 0n).toBe(flow);
        for (const [key, { owedByA }] of signedFlows(pair, given)) expect(owedByA).toBe(expected.get(key));
      }),
    );
  });

  it("does not depend on the order of the fills", () => {
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 20 }), fc.func(fc.integer()), (given, key) => {
        const shuffled = [...given].sort((x, y) => key(x) - key(y));
        expect(netLiabilities(pair, shuffled)).toStrictEqual(netLiabilities(pair, given));
      }),
    );
  });
});
