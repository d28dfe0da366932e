/**
 * The app's server process: one Node http server on PORT that
 *   - answers the API (`/api/trpc/*`: tRPC behind the request guard, server/api/handler.ts)
 *     itself, through server/http/api-listener.ts (which also fans the order book out over
 *     SSE, server/http/book-stream.ts, and answers plain orders.place calls directly,
 *     server/http/order-entry.ts), and
 *   - hands every other request (pages, assets, /api/health, dev HMR) to Next.js.
 * It builds the exchange's parts first (server/app-services.ts, the composition root: database,
 * engine runtime, channels, chain watcher, watchtower), hands them to the API and to the pages,
 * then listens; on SIGTERM/SIGINT it stops them in reverse.
 *
 * Why not a Next.js route handler for the API: Next's route pipeline costs ~0.8 ms of CPU per
 * request on this kind of machine, more than the order itself (docs/adr/0001-custom-node-server.md).
 * The tRPC router, guard, context and procedures are the same either way.
 *
 * Run by scripts/dev.ts (`--dev`: Next in development mode) and scripts/start.ts; not directly.
 *   tsx server/main.ts [--dev] --port 3000
 */
import http from "node:http";
import next from "next";
import { buildAppServices } from "./app-services";
import { TRPC_ENDPOINT } from "./api/handler";
import { openDatabase } from "./db";
import { openPgliteOnThread } from "./db/pglite-thread";
import { env } from "./env";
import { apiListener } from "./http/api-listener";
import { publishAppServices } from "./published-services";

async function main() {
  const args = process.argv.slice(2);
  const dev = args.includes("--dev");
  const portArg = args.indexOf("--port");
  const e = env();
  const port = portArg >= 0 ? Number(args[portArg + 1]) : e.port;

  // Embedded PGlite runs on its own thread here, off the thread that serves requests.
  const database =
    e.database.kind === "pglite" ? await openPgliteOnThread(e.database.dataDir) : openDatabase(e.database);
  const services = await buildAppServices(e, database);
  publishAppServices(services);

  const server = http.createServer();
  const app = next({
    dev,
    dir: process.cwd(),
    hostname: "localhost",
    port,
    httpServer: server,
    ...(dev ? { turbopack: true } : {}),
  });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  server.on("request", apiListener({ services, fallback: (req, res) => void handleNext(req, res) }));
  // Many keep-alive clients (SSE streams, load generators) are normal for an exchange.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[clearline] ${signal}: stopping`);
    server.close();
    server.closeAllConnections();
    publishAppServices(undefined);
    services
      .stop()
      .then(() => app.close())
      .catch((error: unknown) => console.error("[clearline] stopping failed:", error))
      .finally(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  console.log(
    `[clearline] ${dev ? "development" : "production"} server on http://localhost:${port} (API on ${TRPC_ENDPOINT}, pages by Next.js)`,
  );
}

main().catch((error: unknown) => {
  console.error("[clearline] server failed to start:", error);
  process.exit(1);
});
