import { describe, expect, it, vi } from "vitest";

describe("ClearlineError across module copies", () => {
  it("an error thrown by another copy of the module is still a ClearlineError (Next.js loads instrumentation and routes separately)", async () => {
    const a = await import("./index");
    vi.resetModules();
    const b = await import("./index");
    expect(a.ClearlineError).not.toBe(b.ClearlineError);
    const fromB = new b.ClearlineError("CHANNEL_NOT_FOUND", "no channel");
    expect(fromB instanceof a.ClearlineError).toBe(true);
    expect(a.isClearlineError(fromB)).toBe(true);
    expect(new Error("x") instanceof a.ClearlineError).toBe(false);
    expect({ code: "CONFLICT" } instanceof a.ClearlineError).toBe(false);
  });
});
