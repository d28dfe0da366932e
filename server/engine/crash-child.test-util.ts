/**
 * The process the kill -9 test (crash.integration.test.ts) kills: runs the engine runtime on a
 * given database and trades without pause, printing one JSON line per acknowledged command
 * ({"ack": seq, ...}) and, now and then, a digest of the durable state ({"state": seq, "digest"}).
 *
 *   tsx server/engine/crash-child.ts '{"pgliteDir": "/tmp/x"}' | '{"postgresUrl": "postgresql://…"}'
 *
 * Test code, not part of the engine layer: nothing but that test runs it, and like a test it
 * may import services (it places orders through placeOrder, as the server does).
 */
import { createHash } from "node:crypto";
import { openDatabase } from "../db";
import { encode } from "./codec";
import { startQuietRuntime, TRADERS } from "./testing";
import { placeOrder } from "../services/orders";

const config = JSON.parse(process.argv[2] ?? "{}") as { pgliteDir?: string; postgresUrl?: string };
const handle = config.postgresUrl
  ? openDatabase({ kind: "postgres", url: config.postgresUrl })
  : openDatabase({ kind: "pglite", dataDir: config.pgliteDir! });
const WETH = 10n ** 18n;
const USDC = 1_000_000n;

const out = (o: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);

async function main() {
  const rt = await startQuietRuntime(handle.db, { snapshotEvery: 40 });
  for (const t of TRADERS) {
    for (const [asset, amount] of [
      ["USDC", 10_000_000n * USDC],
      ["WETH", 10_000n * WETH],
    ] as const) {
      const e = await rt.submit({ type: "deposit", account: t, asset, amount });
      out({ ack: e.seq, kind: "deposit" });
    }
  }
  await rt.overrideMarkPrice("ETH-PERP", 3_000n * USDC, "crash test");
  let n = 0;
  const one = async (i: number) => {
    const trader = TRADERS[i % TRADERS.length]!;
    const side = i % 2 === 0 ? "buy" : "sell";
    const market = i % 3 === 0 ? "ETH-PERP" : "WETH-USDC";
    const price = (2_990n + BigInt(i % 21)) * USDC; // overlapping bids and asks: most orders match
    try {
      const r = await placeOrder(rt, trader, {
        idempotencyKey: `crash-${i}-key`,
        market,
        side,
        type: "limit",
        size: (WETH / 100n) * BigInt(1 + (i % 5)),
        price,
      });
      out({
        ack: r.seq,
        kind: "order",
        key: `crash-${i}-key`,
        account: trader,
        orderId: r.orderId,
        fills: r.fills.length,
        filled: r.filledSize,
      });
    } catch (e) {
      out({ refused: (e as Error).message });
    }
  };
  for (;;) {
    const wave = Array.from({ length: 16 }, () => one(n++));
    await Promise.all(wave);
    if (n % 64 === 0) {
      const s = rt.status();
      if (s.journalLag === 0)
        out({
          state: s.durableSequence,
          digest: createHash("sha256")
            .update(encode(rt.read((ex) => ex.snapshot())))
            .digest("hex"),
        });
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
