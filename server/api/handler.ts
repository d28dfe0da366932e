/**
 * The HTTP entry of the API (server/main.ts serves it on /api/trpc/*): the request guard
 * (same origin, JSON, body size) in front of tRPC's fetch adapter, the session cookie read in
 * the context and written through `resHeaders`.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { AppServices } from "./services";
import { guardRequest, standInRequest } from "../auth/request-guard";
import { createContext } from "./context";
import { toTRPCError } from "./errors";
import { appRouter } from "./root";

export const TRPC_ENDPOINT = "/api/trpc";

/** The server's, or in tests a throwaway database's, chain's and clock's services. */
export function createTrpcHandler(services: AppServices): (req: Request) => Promise<Response> {
  return async (req) => {
    const deps = services.auth;
    const guarded = await guardRequest(req, { appOrigin: deps.appUrl.origin, maxBodyBytes: deps.maxBodyBytes });
    return fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: guarded.ok ? guarded.req : standInRequest(req),
      router: appRouter,
      createContext: ({ req: accepted, resHeaders }) => {
        if (!guarded.ok) throw toTRPCError(guarded.error);
        return createContext(accepted.headers, resHeaders, services);
      },
      onError({ path, error }) {
        // Without this, server errors are silent 500s.
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
      },
    });
  };
}
