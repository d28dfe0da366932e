// fast-check generators of channel states, shared by the core's tests (not shipped code).
import fc from "fast-check";
import type { Address, Hex } from "viem";
import { Intent, type ChannelState } from "./types";

const hexBytes = (length: number) =>
  fc
    .uint8Array({ minLength: length, maxLength: length })
    .map((bytes) => ("0x" + Buffer.from(bytes).toString("hex")) as Hex);

export const arbAddress = hexBytes(20).map((hex) => hex as Address);
export const arbHash = hexBytes(32);
const arbAmount = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: (1n << 255n) - 1n }));

export const arbState: fc.Arbitrary<ChannelState> = fc
  .record({
    channelId: arbHash,
    version: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
    intent: fc.constantFrom(Intent.INITIALIZE, Intent.OPERATE, Intent.RESIZE, Intent.CLOSE),
    tokens: fc.uniqueArray(arbAddress, { maxLength: 6, selector: (a) => a.toLowerCase() }),
    amounts: fc.array(fc.tuple(arbAmount, arbAmount), { minLength: 6, maxLength: 6 }),
    appDataHash: arbHash,
  })
  .map(({ tokens, amounts, ...rest }) => ({
    ...rest,
    allocations: [...tokens]
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
      .map((token, i) => ({ token, traderAmount: amounts[i]![0], exchangeAmount: amounts[i]![1] })),
  }));

export const arbDomain = fc.record({ chainId: fc.integer({ min: 1, max: 2 ** 40 }), verifyingContract: arbAddress });
