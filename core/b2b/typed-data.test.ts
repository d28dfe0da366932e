import { hashTypedData, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../channel/bytes";
import { A, CHAIN_ID } from "./keys.test-util";
import { B2B_TYPES, b2bTypedDataDomain, logEntryDigest } from "./typed-data";

describe("B2B typed data", () => {
  it("a log entry's digest is viem's EIP-712 hash of the same LogEntry", () => {
    const message = {
      owner: A.address,
      index: 7n,
      prevHash: `0x${"12".repeat(32)}` as Hex,
      direction: 1,
      envelopeHash: `0x${"34".repeat(32)}` as Hex,
      envelopeSignatureHash: `0x${"56".repeat(32)}` as Hex,
    };
    const viem = hashTypedData({
      domain: b2bTypedDataDomain(CHAIN_ID),
      types: B2B_TYPES,
      primaryType: "LogEntry",
      message,
    });
    expect(bytesToHex(logEntryDigest(CHAIN_ID, message))).toBe(viem);
    expect(bytesToHex(logEntryDigest(1n, message))).not.toBe(viem);
  });
});
