/**
 * tRPC setup: the transformer, the error shape and every kind of procedure.
 *   publicProcedure   anyone
 *   authedProcedure   a signed-in user (UNAUTHORIZED otherwise)
 *   operatorProcedure an operator or admin: read-only ops console
 *   adminProcedure    an admin: acts
 *   brokerProcedure   a broker venue
 *   tradingProcedure  a signed-in user who is not suspended
 *   orderProcedure(n) a trading procedure under the order-entry rate limit
 * and rateLimited(name, limit), the rate-limit middleware for any of them.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { ClearlineError } from "../../core/errors";
import type { Session } from "../auth/session";
import type { Context, Role } from "./context";
import type { ConfiguredRateLimits, RateLimit } from "../auth/rate-limit";
import { publicDetails, toTRPCError, type ClearlineErrorData } from "./errors";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const clearline: ClearlineErrorData | null =
      cause instanceof ClearlineError ? { clearlineCode: cause.code, details: publicDetails(cause.details) } : null;
    const zodIssues =
      cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message })) : null;
    return { ...shape, data: { ...shape.data, stack: undefined, clearline, zodIssues } };
  },
});

/** Every procedure maps ClearlineError to its tRPC code in one place (server/api/errors.ts). */
function mapErrors<R extends { ok: true } | { ok: false; error: TRPCError }>(result: R): R {
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return result;
}

/** A refusal raised by a middleware: a ClearlineError, mapped to its tRPC code by the one map. */
function refuse(error: ClearlineError): TRPCError {
  return toTRPCError(error) as TRPCError;
}

function signedIn(ctx: Context): Session {
  if (!ctx.session) throw refuse(new ClearlineError("UNAUTHORIZED", "Sign in with your wallet first."));
  return ctx.session;
}

function mayTrade(session: Session): void {
  if (session.suspendedAt) {
    throw refuse(
      new ClearlineError(
        "FORBIDDEN",
        `Your account is suspended since ${session.suspendedAt.toISOString()}: you cannot trade.`,
        { reason: "suspended", suspendedAt: session.suspendedAt.toISOString() },
      ),
    );
  }
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// Each kind of procedure below is one middleware, not a chain of them: tRPC copies the call's
// options (twice) at every level, and order entry went through seven (docs/perf/README.md).

export const publicProcedure = t.procedure.use(async ({ next }) => mapErrors(await next()));

export const authedProcedure = t.procedure.use(async ({ ctx, next }) =>
  mapErrors(await next({ ctx: { session: signedIn(ctx) } })),
);

function requireRole(...roles: Role[]) {
  return t.procedure.use(async ({ ctx, next }) => {
    const session = signedIn(ctx);
    if (!session.roles.some((r) => roles.includes(r))) {
      throw refuse(
        new ClearlineError("FORBIDDEN", `This needs the ${roles.join(" or ")} role.`, {
          reason: "role",
          needs: roles.join("|"),
        }),
      );
    }
    return mapErrors(await next({ ctx: { session } }));
  });
}

export const operatorProcedure = requireRole("OPERATOR", "ADMIN");
export const adminProcedure = requireRole("ADMIN");
export const brokerProcedure = requireRole("BROKER");

/** Suspended users (User.suspendedAt) can sign in and read, but not place or change orders. */
export const tradingProcedure = t.procedure.use(async ({ ctx, next }) => {
  const session = signedIn(ctx);
  mayTrade(session);
  return mapErrors(await next({ ctx: { session } }));
});

/**
 * Order entry: a trading procedure whose calls count against the "orders" limit under `name`
 * (checked before the input is parsed, so a flood is refused unparsed).
 */
export function orderProcedure(name: string) {
  return t.procedure.use(async ({ ctx, next }) => {
    const session = signedIn(ctx);
    mayTrade(session);
    takeLimit(ctx, name, "orders");
    return mapErrors(await next({ ctx: { session } }));
  });
}

function takeLimit(ctx: Context, name: string, limit: RateLimit | keyof ConfiguredRateLimits): void {
  const auth = ctx.services.auth;
  const spec = typeof limit === "string" ? auth.limits[limit] : limit;
  const who = spec.per === "session" && ctx.session ? `session:${ctx.session.sessionId}` : `ip:${ctx.ip}`;
  const taken = auth.limiter.take(`${name}|${who}`, spec, auth.now().getTime());
  if (!taken.ok) {
    const retryAfterSeconds = Math.ceil(taken.retryAfterMs / 1000);
    ctx.resHeaders.set("retry-after", String(retryAfterSeconds));
    throw refuse(
      new ClearlineError("RATE_LIMITED", `too many requests: retry in ${retryAfterSeconds} s`, {
        limit: name,
        retryAfterMs: taken.retryAfterMs,
      }),
    );
  }
}

/**
 * A token-bucket limit named `name` (buckets are per name): per IP, or per session (per IP when
 * signed out). `limit` is a configured limit's name ("signIn", "nonce", "orders": RATE_LIMIT_*
 * in server/env.ts) or an explicit one. Put it before .input() so a flood is refused unparsed:
 *   publicProcedure.use(rateLimited("auth.nonce", "nonce")).input(...)
 * (order entry has it built in: orderProcedure)
 */
export function rateLimited(name: string, limit: RateLimit | keyof ConfiguredRateLimits) {
  return t.middleware(({ ctx, next }) => {
    takeLimit(ctx, name, limit);
    return next();
  });
}
