import fc from "fast-check";
import { decodeFunctionData, encodeFunctionData, hashStruct } from "viem";
import { describe, expect, it } from "vitest";
import { custodyAbi } from "../../contracts/generated";
import { arbDomain, arbState } from "./arbitraries.test-util";
import { hashStateStruct } from "./hash";
import { STATE_TYPES, stateTypedData, toAbiState } from "./typed-data";
import { Intent, type ChannelState } from "./types";

const state: ChannelState = {
  channelId: `0x${"ab".repeat(32)}`,
  version: 7n,
  intent: Intent.RESIZE,
  allocations: [
    { token: "0x1111111111111111111111111111111111111111", traderAmount: 10n ** 30n, exchangeAmount: 0n },
    { token: "0x2222222222222222222222222222222222222222", traderAmount: 5n, exchangeAmount: 6n },
  ],
  appDataHash: `0x${"cd".repeat(32)}`,
};

describe("toAbiState", () => {
  it("keeps every field, the version as a number (uint48), and copies the allocations without other fields", () => {
    const withExtra = {
      ...state,
      allocations: state.allocations.map((a) => ({ ...a, symbol: "X" })),
    };
    const abi = toAbiState(withExtra);
    expect(abi).toStrictEqual({
      channelId: state.channelId,
      version: 7,
      intent: Intent.RESIZE,
      allocations: state.allocations.map((a) => ({ ...a })),
      appDataHash: state.appDataHash,
    });
    expect(abi.allocations[0]).not.toBe(state.allocations[0]);
    expect(abi.allocations).not.toBe(state.allocations);
  });

  it("is what the custody ABI encodes: a call to hashState round-trips to the same state", () => {
    fc.assert(
      fc.property(arbState, (s) => {
        const data = encodeFunctionData({ abi: custodyAbi, functionName: "hashState", args: [toAbiState(s)] });
        const { args } = decodeFunctionData({ abi: custodyAbi, data });
        const [decoded] = args as [ReturnType<typeof toAbiState>];
        // viem decodes addresses checksummed
        const lowerTokens = (x: ReturnType<typeof toAbiState>) => ({
          ...x,
          allocations: x.allocations.map((a) => ({ ...a, token: a.token.toLowerCase() })),
        });
        expect(lowerTokens(decoded)).toStrictEqual(lowerTokens(toAbiState(s)));
      }),
      { numRuns: 100 },
    );
  });

  it("is the EIP-712 message: its struct hash is hashStateStruct, and stateTypedData signs it", () => {
    fc.assert(
      fc.property(arbDomain, arbState, (domain, s) => {
        expect(hashStruct({ types: STATE_TYPES, primaryType: "State", data: toAbiState(s) })).toBe(hashStateStruct(s));
        expect(stateTypedData(domain, s).message).toStrictEqual(toAbiState(s));
      }),
      { numRuns: 100 },
    );
  });
});
