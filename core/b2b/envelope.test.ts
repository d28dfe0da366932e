import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hashTypedData, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { RpcKind } from "../clearing";
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeHash,
  MAX_WIRE_BYTES,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
} from "./envelope";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "../channel/bytes";
import { canonicalBytes, canonicalJson } from "./canonical";
import { A, B, CHAIN_ID, MALLORY, NOW_MS, order } from "./keys.test-util";
import { B2B_TYPES, b2bTypedDataDomain } from "./typed-data";

const base: Envelope<3> = {
  from: A.address,
  to: B.address,
  chainId: CHAIN_ID,
  seq: 1n,
  kind: RpcKind.createRemoteOrder,
  sentAtMs: NOW_MS,
  body: order("o-1"),
};
const ctx = { self: B.address, peer: A.address, chainId: CHAIN_ID, lastSeq: 0n, nowMs: NOW_MS, maxSkewMs: 30_000n };
const wire = (e: Envelope = base, key = A.privateKey) => encodeEnvelope(signEnvelope(e, key));
const refusal = (text: string, over: Partial<typeof ctx> = {}) => {
  const result = verifyEnvelope(text, { ...ctx, ...over });
  return result.ok ? "ok" : result.refusal;
};

describe("envelope", () => {
  it("round-trips: signed by A, accepted by B with the typed body and its canonical size", () => {
    const result = verifyEnvelope(wire(), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.signed.envelope).toEqual(base);
    expect(result.bodyBytes).toBe(
      canonicalBytes(JSON.parse(JSON.stringify(base.body, (_k, v) => (typeof v === "bigint" ? String(v) : v)))).length,
    );
    expect(result.digest).toBe(envelopeHash(base));
  });

  it("hashes exactly as viem's EIP-712 over the same typed data", () => {
    const bodyHash = bytesToHex(
      keccak_256(canonicalBytes(JSON.parse(encodeEnvelope(signEnvelope(base, A.privateKey))).body)),
    );
    const viem = hashTypedData({
      domain: b2bTypedDataDomain(CHAIN_ID),
      types: B2B_TYPES,
      primaryType: "Envelope",
      message: { from: base.from, to: base.to, seq: base.seq, kind: base.kind, sentAtMs: base.sentAtMs, bodyHash },
    });
    expect(envelopeHash(base)).toBe(viem);
  });

  it("refuses a forged signature (signed by another key) and a tampered body: BAD_SIGNATURE", () => {
    expect(refusal(wire(base, MALLORY.privateKey))).toBe("BAD_SIGNATURE");
    const tampered = wire().replace('"baseAmount":"100000000000000000"', '"baseAmount":"900000000000000000"');
    expect(tampered).not.toBe(wire());
    expect(refusal(tampered)).toBe("BAD_SIGNATURE");
  });

  it("refuses the high-s twin of a valid signature (malleability): BAD_SIGNATURE", () => {
    const signed = signEnvelope(base, A.privateKey);
    const n = secp256k1.Point.Fn.ORDER;
    const s = BigInt("0x" + signed.signature.slice(66, 130));
    const v = signed.signature.endsWith("1b") ? "1c" : "1b";
    const twin = (signed.signature.slice(0, 66) + (n - s).toString(16).padStart(64, "0") + v) as Hex;
    expect(refusal(encodeEnvelope(signed))).toBe("ok");
    expect(refusal(encodeEnvelope({ ...signed, signature: twin }))).toBe("BAD_SIGNATURE");
  });

  it("refuses an envelope addressed to someone else or sent by another than the peer: WRONG_PEER", () => {
    expect(refusal(wire({ ...base, to: MALLORY.address }))).toBe("WRONG_PEER");
    expect(refusal(wire({ ...base, from: MALLORY.address }, MALLORY.privateKey))).toBe("WRONG_PEER");
  });

  it("accepts exactly lastSeq + 1: a replay is REPLAYED, a skipped seq OUT_OF_ORDER", () => {
    const first = wire();
    expect(refusal(first)).toBe("ok");
    expect(refusal(first, { lastSeq: 1n })).toBe("REPLAYED");
    expect(refusal(wire({ ...base, seq: 3n }), { lastSeq: 1n })).toBe("OUT_OF_ORDER");
    expect(refusal(wire({ ...base, seq: 2n }), { lastSeq: 1n })).toBe("ok");
  });

  it("refuses a body over its kind's cap and a wire text over the global cap: OVERSIZED", () => {
    const levels = Array.from({ length: 500 }, (_, i) => ({ price: 10n ** 70n - BigInt(i), baseAmount: 10n ** 70n }));
    const huge: Envelope<0> = {
      ...base,
      kind: RpcKind.getOrderbookSnapshot,
      body: { type: "response", requestSeq: 1n, market: "ETH-USDC", bookSeq: 1n, bids: levels, asks: [] },
    };
    // the sender cannot even sign it; a hand-built wire text of it is refused as oversized
    expect(() => signEnvelope(huge, A.privateKey)).toThrow(/at most 65536/);
    const text = JSON.parse(wire());
    text.kind = 0;
    text.body = JSON.parse(JSON.stringify(huge.body, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
    expect(refusal(canonicalJson(text))).toBe("OVERSIZED");
    // kinds 1..5: 1 KiB, checked before the shape (a 2,000-character order id is refused by size)
    const long = JSON.parse(wire());
    long.body.orderId = "x".repeat(2_000);
    expect(canonicalJson(long).length).toBeLessThan(MAX_WIRE_BYTES);
    expect(refusal(canonicalJson(long))).toBe("OVERSIZED");
    expect(refusal(" ".repeat(70_000))).toBe("OVERSIZED");
  });

  it("refuses a signature made for another chain, and a message for another chain: WRONG_CHAIN", () => {
    expect(refusal(wire({ ...base, chainId: 1n }))).toBe("WRONG_CHAIN");
    // same envelope fields but signed under chain 1's domain, relabelled as ours: the signature fails
    const signedOn1 = signEnvelope({ ...base, chainId: 1n }, A.privateKey);
    expect(refusal(encodeEnvelope({ envelope: base, signature: signedOn1.signature }))).toBe("BAD_SIGNATURE");
  });

  it("refuses a sentAtMs farther from the receiver's clock than the skew: STALE", () => {
    expect(refusal(wire({ ...base, sentAtMs: NOW_MS - 30_001n }))).toBe("STALE");
    expect(refusal(wire({ ...base, sentAtMs: NOW_MS + 30_001n }))).toBe("STALE");
    expect(refusal(wire({ ...base, sentAtMs: NOW_MS - 30_000n }))).toBe("ok");
  });

  it("refuses non-canonical text, unknown fields, bad bodies and out-of-range fields: MALFORMED", () => {
    const good = wire();
    expect(refusal(good.replace("{", "{ "))).toBe("MALFORMED");
    expect(refusal(JSON.stringify({ ...JSON.parse(good), extra: 1 }))).toBe("MALFORMED");
    expect(refusal(good.replace('"side":"buy"', '"side":"long"'))).toBe("MALFORMED");
    expect(refusal(good.replace('"seq":"1"', '"seq":"01"'))).toBe("MALFORMED");
    expect(refusal(good.replace('"kind":3', '"kind":6'))).toBe("MALFORMED");
    expect(refusal("not json")).toBe("MALFORMED");
    expect(() => signEnvelope({ ...base, body: { ...base.body, baseAmount: 1n << 256n } }, A.privateKey)).toThrow(
      /uint|2\^256/,
    );
  });

  it("decodes what it encodes, and the encoding of one envelope is one text", () => {
    const signed = signEnvelope(base, A.privateKey);
    const text = encodeEnvelope(signed);
    const decoded = decodeEnvelope(text);
    expect(decoded.ok && encodeEnvelope(decoded.signed)).toBe(text);
    // key order of the input object does not matter
    const reordered = {
      body: base.body,
      sentAtMs: base.sentAtMs,
      kind: base.kind,
      seq: base.seq,
      chainId: base.chainId,
      to: base.to,
      from: base.from,
    };
    expect(encodeEnvelope({ envelope: reordered, signature: signed.signature })).toBe(text);
  });
});
