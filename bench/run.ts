/**
 * `npm run bench -- [group ...] [--json] [--quick]`: every group measures ours against a named
 * peer in the same run and prints one table (or one JSON object per row with --json).
 * Groups: engine, gas, http, service, web (none = all). Exit code 1 when a group cannot run.
 * Rows that measure committed writes say in their durability column what a commit survives
 * (bench/lib/durability.ts); a row that could not be measured says "not run" and why.
 */
import type { BenchGroup, BenchRow } from "./types";

const GROUPS: Record<string, () => Promise<BenchGroup>> = {
  engine: async () => (await import("./engine")).engineBench,
  gas: async () => (await import("./gas")).gasBench,
  // issue 14: our fetch bridge vs tRPC's node adapter, same router and services, one process
  http: async () => (await import("./http-adapter")).httpAdapterBench,
  service: async () => {
    const [{ cryptoBench }, { journalBench }, { httpBench }, { sseBench }] = await Promise.all([
      import("./service-crypto"),
      import("./service-journal"),
      import("./service-http"),
      import("./service-sse"),
    ]);
    // the end-to-end rows (5, 6) start the real stack each (production build, chain, server);
    // the journal row and row 5 are measured on a PostgreSQL server with fsync=on (the headline,
    // a server of their own) and again on the embedded PGlite
    return async (options) => [
      ...(await cryptoBench(options)),
      ...(await journalBench(options)),
      ...(await httpBench(options)),
      ...(await sseBench(options)),
    ];
  },
  web: async () => (await import("./web")).webBench,
};

function fmt(n: number | null): string {
  if (n === null) return "—";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(n >= 100 ? 1 : n >= 10 ? 2 : 3);
}

export function renderTable(rows: BenchRow[]): string {
  // the durability column only when some row measures committed writes
  const withDurability = rows.some((r) => r.durability);
  const head = ["metric", "unit", "ours", "peer", "ratio", "target", "pass", ...(withDurability ? ["durability"] : [])];
  const body = rows.map((r) => [
    r.metric,
    r.unit,
    r.ours === null ? "not run" : fmt(r.ours),
    fmt(r.peer),
    r.ratio === null ? "—" : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.pass === null ? "—" : r.pass ? "yes" : "NO",
    ...(withDurability ? [r.durability ?? "—"] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.metric}: ${r.note}`);
  return [
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    ...(notes.length ? ["", "notes:", ...notes] : []),
  ].join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const names = args.filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !(n in GROUPS));
  if (unknown.length) {
    console.error(`unknown bench group(s): ${unknown.join(", ")}; known: ${Object.keys(GROUPS).join(", ")}`);
    process.exit(2);
  }
  const selected = names.length ? names : Object.keys(GROUPS);
  const rows: BenchRow[] = [];
  let failed = false;
  for (const name of selected) {
    if (!json) console.error(`running bench group "${name}"…`);
    try {
      const group = await GROUPS[name]!();
      const got = await group({ quick });
      rows.push(...got);
      if (json) for (const r of got) console.log(JSON.stringify(r));
    } catch (e) {
      failed = true;
      console.error(`bench group "${name}" could not run: ${(e as Error).message}`);
    }
  }
  if (!json) console.log(renderTable(rows));
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
