import fc from "fast-check";
import { encodeAbiParameters, hashStruct, hashTypedData, keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { arbAddress, arbDomain, arbState } from "./arbitraries.test-util";
import { channelId } from "./channel-id";
import { domainSeparator, hashChallenge, hashState, hashStateStruct } from "./hash";
import { challengeTypedData, channelTypedDataDomain, STATE_TYPES, stateTypedData } from "./typed-data";
import { Intent, type ChannelState } from "./types";

describe("hashState", () => {
  it("equals viem hashTypedData for random states and domains", () => {
    fc.assert(
      fc.property(arbDomain, arbState, (domain, state) => {
        expect(hashState(domain, state)).toBe(hashTypedData(stateTypedData(domain, state)));
      }),
      { numRuns: 300 },
    );
  });

  it("struct hash equals viem hashStruct", () => {
    fc.assert(
      fc.property(arbState, (state) => {
        const { message } = stateTypedData(
          { chainId: 1, verifyingContract: "0x0000000000000000000000000000000000000001" },
          state,
        );
        expect(hashStateStruct(state)).toBe(hashStruct({ types: STATE_TYPES, primaryType: "State", data: message }));
      }),
      { numRuns: 100 },
    );
  });

  it("domain separator equals viem's", () => {
    fc.assert(
      fc.property(arbDomain, (domain) => {
        const viemSeparator = hashStruct({
          types: {
            EIP712Domain: [
              { name: "name", type: "string" },
              { name: "version", type: "string" },
              { name: "chainId", type: "uint256" },
              { name: "verifyingContract", type: "address" },
            ],
          },
          primaryType: "EIP712Domain",
          data: { ...channelTypedDataDomain(domain), chainId: BigInt(domain.chainId) },
        });
        expect(domainSeparator(domain)).toBe(viemSeparator);
      }),
      { numRuns: 50 },
    );
  });

  it("challenge digest equals viem's", () => {
    fc.assert(
      fc.property(arbDomain, arbState, (domain, state) => {
        const challenge = { channelId: state.channelId, version: state.version, stateHash: hashStateStruct(state) };
        expect(hashChallenge(domain, challenge)).toBe(hashTypedData(challengeTypedData(domain, challenge)));
      }),
      { numRuns: 50 },
    );
  });

  const base: ChannelState = {
    channelId: `0x${"11".repeat(32)}`,
    version: 1n,
    intent: Intent.OPERATE,
    allocations: [
      { token: "0x00000000000000000000000000000000000000aa", traderAmount: 1n, exchangeAmount: 2n },
      { token: "0x00000000000000000000000000000000000000bb", traderAmount: 3n, exchangeAmount: 4n },
    ],
    appDataHash: `0x${"00".repeat(32)}`,
  };

  it.each([
    ["unsorted tokens", { allocations: [...base.allocations].reverse() }],
    ["duplicate tokens", { allocations: [base.allocations[0]!, base.allocations[0]!] }],
    ["version beyond uint48", { version: 1n << 48n }],
    [
      "17 assets",
      {
        allocations: Array.from({ length: 17 }, (_, i) => ({
          token: `0x${(i + 1).toString(16).padStart(40, "0")}` as const,
          traderAmount: 0n,
          exchangeAmount: 0n,
        })),
      },
    ],
    [
      "amounts overflowing together",
      { allocations: [{ token: base.allocations[0]!.token, traderAmount: 1n << 255n, exchangeAmount: 1n << 255n }] },
    ],
    ["short channel id", { channelId: "0x11" as const }],
  ])("rejects %s as CHANNEL_STATE_INVALID", (_name, patch) => {
    expect(() => hashStateStruct({ ...base, ...patch })).toThrow(
      expect.objectContaining({ code: "CHANNEL_STATE_INVALID" }),
    );
  });
});

describe("channelId", () => {
  it("is keccak256(abi.encode(chainId, custody, trader, exchange, nonce))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        arbAddress,
        arbAddress,
        arbAddress,
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (chainId, custody, trader, exchange, nonce) => {
          const expected = keccak256(
            encodeAbiParameters(
              [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "address" }, { type: "uint64" }],
              [BigInt(chainId), custody, trader, exchange, nonce],
            ),
          );
          expect(channelId({ chainId, custody, trader, exchange, nonce })).toBe(expected);
        },
      ),
      { numRuns: 50 },
    );
  });
});
