import { describe, expect, test } from "vitest";
import { ERROR_CODES } from "../../core/errors";
import { ClearlineError } from "../../core/errors";
import { publicDetails, toTRPCError, TRPC_CODE_BY_ERROR } from "./errors";
import { TRPCError } from "@trpc/server";

describe("the one error map", () => {
  test("maps every Clearline error code to a tRPC code", () => {
    for (const code of ERROR_CODES) expect(TRPC_CODE_BY_ERROR[code], code).toBeTypeOf("string");
  });

  test.each([
    ["RATE_LIMITED", "TOO_MANY_REQUESTS"],
    ["FORBIDDEN", "FORBIDDEN"],
    ["MARKET_NOT_FOUND", "NOT_FOUND"],
    ["CHANNEL_NOT_FOUND", "NOT_FOUND"],
    ["IDEMPOTENCY_KEY_REUSED", "UNPROCESSABLE_CONTENT"],
    ["CHANNEL_VERSION_NOT_NEWER", "BAD_REQUEST"],
  ] as const)("%s → %s", (code, trpc) => {
    const mapped = toTRPCError(new ClearlineError(code, "why"));
    expect(mapped).toBeInstanceOf(TRPCError);
    expect((mapped as TRPCError).code).toBe(trpc);
    expect((mapped as TRPCError).message).toBe("why");
  });

  test("other errors pass through unchanged", () => {
    const e = new Error("boom");
    expect(toTRPCError(e)).toBe(e);
  });

  test("bigint details become exact decimal strings", () => {
    expect(publicDetails({ price: 2n ** 70n, tick: 5n, market: "ETH-PERP", ok: true })).toEqual({
      price: "1180591620717411303424",
      tick: "5",
      market: "ETH-PERP",
      ok: true,
    });
  });
});
