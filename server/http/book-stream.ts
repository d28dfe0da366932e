/**
 * The order-book feed over SSE, fanned out below tRPC: `GET /api/trpc/feeds.book?input=…`
 * (tRPC's httpSubscriptionLink request) answered with exactly the bytes tRPC's SSE producer
 * would send — a `connected` event, then one data event per update with
 * `JSON.stringify(superjson.serialize(update))` and the update's id — but each update is
 * serialized ONCE and the same buffer is written to every subscriber of the market.
 *
 * Why: through tRPC every event is serialized, framed and pushed through web streams once per
 * subscriber; with 1,000 subscribers and a diff every 100 ms that is most of a core
 * (docs/adr/0005-order-book-sse-fan-out.md). The feed's content comes from the same place as the
 * `feeds.book` procedure (server/api/feeds/book.ts: input schema, converter, ids) and the
 * same hub (server/engine/feed-hub.ts `watchBook`).
 *
 * Anything but the plain case (a malformed or invalid input, an unknown market, a batch call)
 * goes to tRPC, which answers it the usual way.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import superjson from "superjson";
import type { AppServices } from "../api/services";
import { deserializeInput } from "../api/input-transformer";
import type { BookUpdate, FeedHub } from "../engine/feed-hub";
import { bookEventId, bookInput, bookWire } from "../api/feeds/book";

const PATH = "/api/trpc/feeds.book";

/** tRPC's SSE response headers. */
const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
};

/** tRPC's first event (`client` options empty: no pings, no reconnect timeout configured). */
const CONNECTED = "event: connected\ndata: {}\n\n\n";
const RETURN = "event: return\ndata: \n\n\n";

/** A subscriber with more than this not yet accepted by its socket is cut off (it reconnects and gets a fresh snapshot). */
const MAX_BUFFERED_BYTES = 1 << 20;

function dataEvent(u: BookUpdate, lot: Parameters<typeof bookWire>[0]): string {
  return `data: ${JSON.stringify(superjson.serialize(bookWire(lot, u)))}\nid: ${bookEventId(u)}\n\n\n`;
}

class MarketBroadcast {
  readonly subscribers = new Set<ServerResponse>();
  private readonly watch: { snapshot(): BookUpdate; close(): void };

  constructor(
    readonly market: string,
    private readonly lot: Parameters<typeof bookWire>[0],
    hub: FeedHub,
    private readonly onEmpty: () => void,
  ) {
    this.watch = hub.watchBook(
      market,
      (u) => this.broadcast(u),
      () => this.end(),
    );
  }

  /** The current snapshot (the view the next diff applies to), for a newcomer. */
  snapshotEvent(): string {
    return dataEvent(this.watch.snapshot(), this.lot);
  }

  private broadcast(u: BookUpdate) {
    const bytes = Buffer.from(dataEvent(u, this.lot));
    for (const res of this.subscribers) {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(bytes);
    }
  }

  remove(res: ServerResponse) {
    this.subscribers.delete(res);
    if (this.subscribers.size === 0) {
      this.watch.close();
      this.onEmpty();
    }
  }

  private end() {
    for (const res of this.subscribers) res.end(RETURN);
    this.subscribers.clear();
    this.onEmpty();
  }
}

/** The subscription's input if this request is a plain feeds.book subscription, else null. */
function plainBookRequest(req: IncomingMessage): { market: string } | null {
  if (req.method !== "GET" || !req.url?.startsWith(PATH + "?")) return null;
  const url = new URL(req.url, "http://local");
  if (url.pathname !== PATH || url.searchParams.has("batch")) return null;
  const raw = url.searchParams.get("input");
  if (raw === null) return null;
  try {
    const parsed = bookInput.safeParse(deserializeInput(JSON.parse(raw)));
    return parsed.success ? { market: parsed.data.market } : null;
  } catch {
    return null;
  }
}

/** The fan-out over the services' engine and feed hub (read at each request: tests restart the engine). */
export interface BookStream {
  /** Serves the request if it is a plain feeds.book subscription for a known market; false: let tRPC answer it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** Subscribers served by the fan-out right now (for tests and the health view). */
  subscribers(): number;
}

export function createBookStream(services: Pick<AppServices, "engine" | "feeds">): BookStream {
  const broadcasts = new Map<string, MarketBroadcast>();
  return {
    serve(req, res) {
      const input = plainBookRequest(req);
      if (input === null) return false;
      const market = services.engine.market(input.market);
      if (market === null) return false;

      let b = broadcasts.get(input.market);
      if (b === undefined) {
        const created: MarketBroadcast = new MarketBroadcast(input.market, market, services.feeds, () => {
          if (broadcasts.get(input.market) === created) broadcasts.delete(input.market);
        });
        broadcasts.set(input.market, (b = created));
      }
      const broadcast = b;
      res.writeHead(200, SSE_HEADERS);
      res.write(CONNECTED + broadcast.snapshotEvent());
      broadcast.subscribers.add(res);
      res.once("close", () => broadcast.remove(res));
      return true;
    },
    subscribers() {
      let n = 0;
      for (const b of broadcasts.values()) n += b.subscribers.size;
      return n;
    },
  };
}
