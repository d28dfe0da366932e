import fc from "fast-check";
import { recoverTypedDataAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { HARDHAT_TEST_ACCOUNTS } from "../chain/hardhat-test-accounts";
import { arbDomain, arbState } from "./arbitraries.test-util";
import { parseStateSignature, recoverStateSigner, signState, verifyStateSignature } from "./signature";
import { stateTypedData } from "./typed-data";
import { Intent, type ChannelDomain, type ChannelState } from "./types";

const trader = HARDHAT_TEST_ACCOUNTS[2]!;
const other = HARDHAT_TEST_ACCOUNTS[3]!;
const traderAccount = privateKeyToAccount(trader.privateKey);
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const domain: ChannelDomain = { chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const state: ChannelState = {
  channelId: `0x${"ab".repeat(32)}`,
  version: 7n,
  intent: Intent.OPERATE,
  allocations: [{ token: "0x0000000000000000000000000000000000000000", traderAmount: 10n ** 18n, exchangeAmount: 5n }],
  appDataHash: `0x${"cd".repeat(32)}`,
};

/** The same signature with s' = n − s and the other v: valid for ecrecover, but malleable. */
function highS(signature: Hex): Hex {
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = Number.parseInt(signature.slice(130), 16);
  return `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

/** EIP-2098 compact form: r ‖ (yParity << 255 | s), 64 bytes. */
function compact(signature: Hex): Hex {
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = Number.parseInt(signature.slice(130), 16);
  const vs = (BigInt(v - 27) << 255n) | s;
  return `${signature.slice(0, 66)}${vs.toString(16).padStart(64, "0")}` as Hex;
}

describe("signState / recoverStateSigner / verifyStateSignature", () => {
  it("signs exactly like viem's signTypedData (deterministic, low s) and both verify", async () => {
    await fc.assert(
      fc.asyncProperty(arbDomain, arbState, async (d, s) => {
        const ours = signState(d, s, trader.privateKey);
        const viems = await traderAccount.signTypedData(stateTypedData(d, s));
        expect(ours).toBe(viems);
        expect(await recoverTypedDataAddress({ ...stateTypedData(d, s), signature: ours })).toBe(trader.address);
        expect(recoverStateSigner(d, s, viems)).toBe(trader.address.toLowerCase());
        expect(verifyStateSignature(d, s, viems, trader.address)).toBe(true);
        expect(verifyStateSignature(d, s, viems, other.address)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it("verifies a known signer through the cached key exactly like a recovery", () => {
    fc.assert(
      fc.property(arbState, (s) => {
        const sig = signState(domain, s, trader.privateKey);
        expect(verifyStateSignature(domain, s, sig, trader.address)).toBe(true); // cached path after the first
        expect(
          verifyStateSignature(domain, { ...s, version: s.version === 0n ? 1n : s.version - 1n }, sig, trader.address),
        ).toBe(false);
        const flippedV = (sig.slice(0, 130) + (sig.endsWith("1b") ? "1c" : "1b")) as Hex;
        expect(verifyStateSignature(domain, s, flippedV, trader.address)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  // SECURITY.md attack 1: a state signed for another chain, custody contract or channel.
  it.each([
    ["another chain id", { chainId: 1 }, {}],
    ["another custody contract", { verifyingContract: "0x0000000000000000000000000000000000000001" as const }, {}],
    ["another channel", {}, { channelId: `0x${"ac".repeat(32)}` as Hex }],
  ])("attack 1: rejects a signature replayed on %s", (_name, domainPatch, statePatch) => {
    const sig = signState(domain, state, trader.privateKey);
    expect(verifyStateSignature({ ...domain, ...domainPatch }, { ...state, ...statePatch }, sig, trader.address)).toBe(
      false,
    );
    expect(recoverStateSigner({ ...domain, ...domainPatch }, { ...state, ...statePatch }, sig)).not.toBe(
      trader.address.toLowerCase(),
    );
  });

  // SECURITY.md attack 2: signature forms the contract rejects are rejected here the same way.
  it.each([
    ["high s", (sig: Hex) => highS(sig), /high s/],
    ["64-byte compact (EIP-2098)", (sig: Hex) => compact(sig), /64 bytes/],
    ["padded to 66 bytes", (sig: Hex) => `${sig}00` as Hex, /66 bytes/],
    ["v = 0", (sig: Hex) => `${sig.slice(0, 130)}00` as Hex, /v = 0/],
    ["v = 1", (sig: Hex) => `${sig.slice(0, 130)}01` as Hex, /v = 1/],
    ["r = 0", (sig: Hex) => `0x${"00".repeat(32)}${sig.slice(66)}` as Hex, /r out of range/],
  ])("attack 2: rejects %s", (_name, mutate, reason) => {
    const bad = mutate(signState(domain, state, trader.privateKey));
    expect(verifyStateSignature(domain, state, bad, trader.address)).toBe(false);
    expect(() => recoverStateSigner(domain, state, bad)).toThrow(
      expect.objectContaining({ code: "CHANNEL_SIGNATURE_INVALID" }),
    );
    expect(() => parseStateSignature(bad)).toThrow(reason);
  });

  it("a high-s twin is what ecrecover alone would accept (the check is meaningful)", async () => {
    const sig = signState(domain, state, trader.privateKey);
    // viem does not enforce low s on recovery: the malleable twin recovers the same signer.
    expect(await recoverTypedDataAddress({ ...stateTypedData(domain, state), signature: highS(sig) })).toBe(
      trader.address,
    );
  });
});
