/**
 * tRPC setup: the transformer, the error shape and every kind of procedure.
 *   publicProcedure   anyone
 *   authedProcedure   a signed-in user (UNAUTHORIZED otherwise)
 *   operatorProcedure an operator or admin: read-only ops console
 *   adminProcedure    an admin: acts
 *   brokerProcedure   a broker venue
 *   tradingProcedure  a signed-in user who is not suspended (order entry)
 * and rateLimited(name, limit), the rate-limit middleware for any of them.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { ClearlineError } from "../../core/errors";
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
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in with your wallet first." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

function requireRole(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.session.roles.some((r) => roles.includes(r))) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${roles.join(" or ")} role.` });
    }
    return next();
  });
}

export const operatorProcedure = requireRole("OPERATOR", "ADMIN");
export const adminProcedure = requireRole("ADMIN");
export const brokerProcedure = requireRole("BROKER");

/** Suspended users (User.suspendedAt) can sign in and read, but not place or change orders. */
export const tradingProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.session.suspendedAt) {
    throw new TRPCError({ code: "FORBIDDEN", message: `Your account is suspended since ${ctx.session.suspendedAt.toISOString()}: you cannot trade.` });
  }
  return next();
});

/**
 * A token-bucket limit named `name` (buckets are per name): per IP, or per session (per IP when
 * signed out). `limit` is a configured limit's name ("signIn", "nonce", "orders": RATE_LIMIT_*
 * in server/env.ts) or an explicit one. Put it before .input() so a flood is refused unparsed:
 *   tradingProcedure.use(rateLimited("orders.place", "orders")).input(...)
 */
export function rateLimited(name: string, limit: RateLimit | keyof ConfiguredRateLimits) {
  return t.middleware(({ ctx, next }) => {
    const spec = typeof limit === "string" ? ctx.deps.limits[limit] : limit;
    const who = spec.per === "session" && ctx.session ? `session:${ctx.session.sessionId}` : `ip:${ctx.ip}`;
    const taken = ctx.deps.limiter.take(`${name}|${who}`, spec, ctx.deps.now().getTime());
    if (!taken.ok) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `too many requests: retry in ${Math.ceil(taken.retryAfterMs / 1000)} s` });
    }
    return next();
  });
}
