import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseInUseError, lockPgliteDir } from "./pglite-lock";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDataDir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "clearline-lock-"));
  dirs.push(parent);
  return path.join(parent, "pglite");
}

describe("lockPgliteDir", () => {
  it("refuses a second open of the same folder, also from this process, until released", () => {
    const dir = tempDataDir();
    const release = lockPgliteDir(dir);
    expect(() => lockPgliteDir(dir)).toThrow(DatabaseInUseError);
    release();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    lockPgliteDir(dir)();
  });

  it("takes over a lock whose process is gone", () => {
    const dir = tempDataDir();
    fs.writeFileSync(`${dir}.lock`, "2147483646\n"); // no such pid
    const release = lockPgliteDir(dir);
    expect(fs.readFileSync(`${dir}.lock`, "utf8").trim()).toBe(String(process.pid));
    release();
  });
});
