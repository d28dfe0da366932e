import { TRPCClientError } from "@trpc/client";
import { describe, expect, test } from "vitest";
import { ENGINE_ERROR_CODES } from "@/core/errors/engine";
import { describeError, errorCodeOf, HINTS } from "./errors";

/** What the tRPC client makes of a refusal the server's error formatter shaped. */
const refusal = (clearlineCode: string, message: string) =>
  Object.assign(new TRPCClientError(message), { data: { clearline: { clearlineCode, details: {} } } });

describe("error hints by code", () => {
  test("a Clearline refusal keeps the server's message and adds the code's hint", () => {
    const e = refusal("INSUFFICIENT_MARGIN", "needs 12.5 USDC of margin");
    expect(describeError(e)).toEqual({
      message: "needs 12.5 USDC of margin",
      hint: HINTS.INSUFFICIENT_MARGIN,
      code: "INSUFFICIENT_MARGIN",
    });
  });

  test("a code the app does not know is not passed on as one", () => {
    expect(errorCodeOf("SOMETHING_ELSE")).toBeNull();
    expect(errorCodeOf(42)).toBeNull();
    expect(errorCodeOf("ORDER_NOT_FOUND")).toBe("ORDER_NOT_FOUND");
  });

  test("every refusal a trader's order can meet tells the trader what to do", () => {
    // market administration codes are ops-only; their messages name the fix
    const opsOnly = new Set(["MARKET_EXISTS", "MARKET_CONFIG_INVALID", "ASSET_DECIMALS_MISMATCH"]);
    const opsOnlyToo = new Set(["MARKET_PARAM_IMMUTABLE", "MARKET_UPDATE_NO_CHANGE", "FUNDING_NOT_DUE"]);
    const missing = ENGINE_ERROR_CODES.filter((c) => !opsOnly.has(c) && !opsOnlyToo.has(c) && !HINTS[c]);
    expect(missing).toEqual([]);
  });
});
