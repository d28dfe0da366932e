/**
 * A typed tRPC client that calls the real HTTP handler in-process (test code): every call is a
 * real Request — POST mutations with JSON and the app's Origin, GET queries — and the session
 * cookie the handler sets is kept and sent back, as a browser would.
 */
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import { TRPC_ENDPOINT } from "../api/handler";
import type { AppRouter } from "../api/root";

export interface BrowserLikeClient {
  api: TRPCClient<AppRouter>;
  /** the Cookie header sent with each request ("" before sign-in) */
  cookie(): string;
}

export function inProcessClient(handler: (req: Request) => Promise<Response>, appUrl: string): BrowserLikeClient {
  const origin = new URL(appUrl).origin;
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${origin}${TRPC_ENDPOINT}`,
        transformer: superjson,
        headers: () => ({ origin, ...(jar.size > 0 ? { cookie: cookie() } : {}) }),
        fetch: async (url, init) => {
          const res = await handler(new Request(url, init as RequestInit));
          for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(";");
            const eq = pair!.indexOf("=");
            const name = pair!.slice(0, eq);
            const value = pair!.slice(eq + 1);
            if (value === "" || /max-age=0/i.test(c)) jar.delete(name);
            else jar.set(name, value);
          }
          return res;
        },
      }),
    ],
  });
  return { api, cookie };
}
