/**
 * PGlite does not refuse a second instance on a data folder already open — in another process
 * or in this one — and two instances corrupt it for good ("Aborted()" on every later open).
 * This lock file (beside the folder: "<dataDir>.lock", holding the owner's pid) makes the
 * second opener fail with a clear message instead. A lock whose process is gone is stale and
 * taken over.
 */
import fs from "node:fs";

function lockPath(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, "")}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
}

const held = new Set<string>();
let exitHookInstalled = false;

/** Takes the folder's lock or throws naming the process that holds it. */
export function lockPgliteDir(dataDir: string): () => void {
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      held.add(file);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        // process.exit() skips async cleanup: at least leave no lock behind.
        process.once("exit", () => {
          for (const f of held) fs.rmSync(f, { force: true });
        });
      }
      return () => {
        if (held.delete(file)) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
      if (Number.isInteger(owner) && alive(owner)) {
        const who = owner === process.pid ? "this process already (open it once per process)" : `process ${owner}`;
        throw new DatabaseInUseError(
          `The embedded database ${dataDir} is in use by ${who}. Two PGlite instances on one folder corrupt it: ` +
            `stop the other one first (or use DATABASE_URL). If no such process exists, delete ${file}.`,
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
