/**
 * Developer aid (not a bench row): start the HTTP bench's stack with extra Node options (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`), prepare the traders, send `count` orders of the crossing
 * mix with 64 in flight, print orders/s, stop (profiles are written as the processes exit).
 *   npx tsx bench/lib/profile-run.ts <count> [node options…]
 */
import { closedLoop } from "./load";
import { crossingOrders, USDC, WETH } from "./orders";
import { startBenchStack } from "./stack";
import { percentile } from "./stats";
import { prepareTraders } from "./traders";
import { TrpcHttp } from "./trpc-http";

async function main() {
  const count = Number(process.argv[2] ?? 2000);
  const nodeOptions = process.argv.slice(3).join(" ");
  const stack = await startBenchStack({
    name: "profile",
    chainPort: 8662,
    appPort: 3662,
    env: { RATE_LIMIT_ORDERS_PER_SECOND: "1000000", NODE_OPTIONS: nodeOptions },
  });
  const api = new TrpcHttp(stack.appUrl, { maxSockets: 64 });
  try {
    const list = await prepareTraders(api, stack.rpcUrl, [2, 3, 4, 5, 6, 7, 8, 9], {
      USDC: 500_000n * USDC,
      WETH: 500n * WETH,
    });
    const cookies = list.map((t) => t.cookie);
    const tag = String(Date.now());
    await closedLoop(api, crossingOrders(cookies.slice(0, 4), cookies.slice(4), 400, tag, 0), 64, 60_000);
    const r = await closedLoop(
      api,
      crossingOrders(cookies.slice(0, 4), cookies.slice(4), count, tag, 400),
      64,
      120_000,
    );
    console.log(
      `${r.ok}/${count} in ${(r.elapsedMs / 1000).toFixed(1)} s = ${(r.ok / (r.elapsedMs / 1000)).toFixed(0)} orders/s, p50 ${percentile(r.latenciesMs, 0.5).toFixed(1)} ms, p99 ${percentile(r.latenciesMs, 0.99).toFixed(1)} ms, errors ${[...r.errors].join("; ")}`,
    );
  } finally {
    api.close();
    await stack.stop();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
