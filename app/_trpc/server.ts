/**
 * Server components call the API like a request does: a context with the request's cookies and
 * the running server's services (published once by server/main.ts), through the same router.
 */
import "server-only";
import { headers } from "next/headers";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { env } from "@/server/env";
import { publicConfig, type PublicConfig } from "@/server/public-config";
import { publishedAppServices } from "@/server/published-services";

/** The API as the current request's user. */
export async function serverCaller() {
  return createCaller(await createContext(await headers(), new Headers(), publishedAppServices()));
}

/** What the browser needs to know about the deployment. */
export function serverPublicConfig(): PublicConfig {
  return publicConfig(env(), publishedAppServices().chain?.deployment ?? null);
}
