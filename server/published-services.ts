/**
 * The one hand-over to Next.js: the pages run in Next's own copy of the server modules (its
 * bundles load them again), so they cannot receive the composition root's object by import.
 * server/main.ts publishes the running services here once; the app's server components read
 * them (app/_trpc/server.ts) and call the API through a context like any request's. Procedures
 * and services never read this (lint: clearline/context-only).
 */
import type { AppServices } from "./api/services";

const SLOT = Symbol.for("clearline.appServices");
type Slot = { [SLOT]?: AppServices };

export function publishAppServices(services: AppServices | undefined): void {
  (globalThis as Slot)[SLOT] = services;
}

/** The running server's services; throws when the server has not started them (never in a page served by it). */
export function publishedAppServices(): AppServices {
  const services = (globalThis as Slot)[SLOT];
  if (!services)
    throw new Error("the server's services are not running in this process (start it with server/main.ts)");
  return services;
}
