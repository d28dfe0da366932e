import fc from "fast-check";
import { recoverTypedDataAddress, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { arbDomain, arbState } from "../../core/channel/arbitraries.test-util";
import {
  signState,
  stateTypedData,
  verifyStateSignature,
  createStateVerifier,
  type ChannelDomain,
  type ChannelState,
  Intent,
} from "../../core/channel";
import { fastStateSigner, fastStateVerifier, nativeBackend } from "./crypto";

const trader = HARDHAT_TEST_ACCOUNTS[2]!;
const other = HARDHAT_TEST_ACCOUNTS[3]!;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const domain: ChannelDomain = { chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const state: ChannelState = {
  channelId: `0x${"ab".repeat(32)}`,
  version: 3n,
  intent: Intent.OPERATE,
  allocations: [{ token: "0x5fbdb2315678afecb367f032d93f642f64180aa3", traderAmount: 10n ** 6n, exchangeAmount: 5n }],
  appDataHash: `0x${"cd".repeat(32)}`,
};

function highS(signature: Hex): Hex {
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = Number.parseInt(signature.slice(130), 16);
  return `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

describe("native secp256k1 backend", () => {
  it("is the native addon, not a fallback", () => {
    expect(nativeBackend().name).toMatch(/libsecp256k1/);
  });

  it("signs byte-for-byte like core signState (noble) and viem, and the signature recovers to the signer", async () => {
    const signer = fastStateSigner(trader.privateKey);
    expect(signer.address).toBe(trader.address.toLowerCase());
    await fc.assert(
      fc.asyncProperty(arbDomain, arbState, async (d, s) => {
        const { signature } = signer.sign(d, s);
        expect(signature).toBe(signState(d, s, trader.privateKey));
        expect(await recoverTypedDataAddress({ ...stateTypedData(d, s), signature })).toBe(trader.address);
      }),
      { numRuns: 40 },
    );
  });

  it("verifies as core does: right signer yes, other signer no, on the cached path too", () => {
    const verifier = createStateVerifier(nativeBackend());
    fc.assert(
      fc.property(arbDomain, arbState, (d, s) => {
        const sig = signState(d, s, trader.privateKey);
        for (let i = 0; i < 2; i++) {
          expect(verifier.verify(d, s, sig, trader.address)).toBe(true);
          expect(verifier.verify(d, s, sig, other.address)).toBe(false);
        }
        expect(verifier.verify(d, { ...s, version: s.version === 0n ? 1n : s.version - 1n }, sig, trader.address)).toBe(
          false,
        );
      }),
      { numRuns: 60 },
    );
  });

  it("rejects high-s, 64-byte, padded and v ∈ {0,1} signatures exactly like core (attack 2)", () => {
    const verifier = fastStateVerifier();
    const sig = signState(domain, state, trader.privateKey);
    expect(verifier.verify(domain, state, sig, trader.address)).toBe(true);
    const forms: Hex[] = [
      highS(sig),
      sig.slice(0, 130) as Hex, // 64 bytes
      `${sig}00` as Hex, // padded
      `${sig.slice(0, 130)}${(Number.parseInt(sig.slice(130), 16) - 27).toString(16).padStart(2, "0")}` as Hex, // v = 0/1
      `0x${"00".repeat(32)}${sig.slice(66)}` as Hex, // r = 0
    ];
    for (const bad of forms) {
      expect(verifier.verify(domain, state, bad, trader.address)).toBe(false);
      expect(verifyStateSignature(domain, state, bad, trader.address)).toBe(false);
      expect(() => verifier.recoverDigest(new Uint8Array(32), bad)).toThrow(/malformed|recovers/);
    }
  });

  it("a wrong recovery bit does not verify (the contract's ecrecover would name someone else)", () => {
    const verifier = createStateVerifier(nativeBackend());
    const sig = signState(domain, state, trader.privateKey);
    const v = Number.parseInt(sig.slice(130), 16);
    const flipped = `${sig.slice(0, 130)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    expect(verifier.verify(domain, state, sig, trader.address)).toBe(true); // caches the key
    expect(verifier.verify(domain, state, flipped, trader.address)).toBe(false);
  });
});
