import { describe, expect, it } from "vitest";
import { compileContracts, staleGeneratedFiles } from "./codegen";

describe("contracts/generated", () => {
  it("matches the compiled artifacts (run `npx tsx scripts/contracts/codegen.ts` if not)", () => {
    compileContracts();
    expect(staleGeneratedFiles()).toEqual([]);
  }, 120_000);
});
