import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "./request-hash";

describe("canonicalJson", () => {
  it("sorts keys at every depth, writes bigint as a tagged string and drops undefined", () => {
    expect(canonicalJson({ b: [1, { d: 2n, c: null }], a: "x", u: undefined })).toBe(
      '{"a":"x","b":[1,{"c":null,"d":"2n"}]}',
    );
  });

  it("does not depend on the order keys were written in", () => {
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe("requestHash", () => {
  const body = { market: "ETH-PERP", side: "buy", size: 10n ** 16n, price: 3_000_000_000n, note: undefined };

  it("is the stored hash of the procedure and the body (a change would turn every stored key into a reuse)", () => {
    expect(requestHash("orders.place", { idempotencyKey: "abc-12345", ...body })).toBe(
      "d9fbc0d322028ea018a5c6a37fd2a95b6246f67d9f27ef9fd7ad39bc6f7eedf0",
    );
    expect(
      requestHash("engine.submit", { command: { type: "deposit", account: "0xA", asset: "USDC", amount: 5n } }),
    ).toBe("17dd1f80381160bfd4f8906341ee0cdc863c7ff5c931fd291265130fc8ce00f3");
  });

  it("ignores the idempotency key and tells procedures and bodies apart", () => {
    const h = requestHash("orders.place", { idempotencyKey: "first-key-1", ...body });
    expect(requestHash("orders.place", { idempotencyKey: "other-key-2", ...body })).toBe(h);
    expect(requestHash("orders.amend", { idempotencyKey: "first-key-1", ...body })).not.toBe(h);
    expect(requestHash("orders.place", { ...body, size: 2n * 10n ** 16n })).not.toBe(h);
  });
});
