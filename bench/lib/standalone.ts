/** Runs a bench group when its file is the command (`npx tsx bench/<group>.ts [--quick]`) and prints the table. */
import type { BenchGroup } from "../types";

export function runIfMain(moduleUrl: string, bench: BenchGroup): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  bench({ quick: process.argv.includes("--quick") }).then(
    async (rows) => {
      const { renderTable } = await import("../run");
      console.log(renderTable(rows));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
