/**
 * tRPC setup: the transformer, the error shape and every kind of procedure.
 *   publicProcedure   anyone
 *   authedProcedure   a signed-in user (UNAUTHORIZED otherwise)
 *   operatorProcedure an operator or admin: read-only ops console
 *   adminProcedure    an admin: acts
 *   brokerProcedure   a broker venue
 *   tradingProcedure  a signed-in user who is not suspended
 *   orderProcedure(n) a trading procedure under the user's order-entry rate limit
 * and rateLimited(name, limit), the rate-limit middleware for any of them. Every kind also
 * takes from the caller's "mutations" bucket on a mutation and "reads" on a signed-in query.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { ClearlineError } from "../../core/errors";
import type { Session } from "../auth/session";
import type { Context, Role } from "./context";
import type { ConfiguredRateLimits, RateLimit } from "../auth/rate-limit";
import { publicDetails, toTRPCError, type ClearlineErrorData } from "./errors";
import { apiTransformer } from "./input-transformer";

const t = initTRPC.context<Context>().create({
  transformer: apiTransformer,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const clearline: ClearlineErrorData | null =
      cause instanceof ClearlineError ? { clearlineCode: cause.code, details: publicDetails(cause.details) } : null;
    const zodIssues =
      cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message })) : null;
    return { ...shape, data: { ...shape.data, stack: undefined, clearline, zodIssues } };
  },
});

/**
 * Every procedure maps ClearlineError to its tRPC code in one place (server/api/errors.ts) —
 * a subscription's too, when its stream throws one later (else tRPC reports it as a 500).
 */
function mapErrors<R extends { ok: true; data?: unknown } | { ok: false; error: TRPCError }>(result: R): R {
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  } else if (isAsyncIterable(result.data)) {
    result.data = mappedStream(result.data);
  }
  return result;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

async function* mappedStream<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    throw toTRPCError(error);
  }
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

export const publicProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  limitByKind(ctx, type, null);
  return mapErrors(await next());
});

export const authedProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  const session = signedIn(ctx);
  limitByKind(ctx, type, session);
  return mapErrors(await next({ ctx: { session } }));
});

function requireRole(...roles: Role[]) {
  return t.procedure.use(async ({ ctx, type, next }) => {
    const session = signedIn(ctx);
    if (!session.roles.some((r) => roles.includes(r))) {
      throw refuse(
        new ClearlineError("FORBIDDEN", `This needs the ${roles.join(" or ")} role.`, {
          reason: "role",
          needs: roles.join("|"),
        }),
      );
    }
    limitByKind(ctx, type, session);
    return mapErrors(await next({ ctx: { session } }));
  });
}

export const operatorProcedure = requireRole("OPERATOR", "ADMIN");
export const adminProcedure = requireRole("ADMIN");
export const brokerProcedure = requireRole("BROKER");

/** Suspended users (User.suspendedAt) can sign in and read, but not place or change orders. */
export const tradingProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  const session = signedIn(ctx);
  mayTrade(session);
  limitByKind(ctx, type, session);
  return mapErrors(await next({ ctx: { session } }));
});

/**
 * Order entry: a trading procedure whose calls count against the user's one "orders" bucket
 * (place, cancel, amend and setTpSl alike; across all of the user's sessions), reported as
 * `name`, checked before the input is parsed, so a flood is refused unparsed.
 */
export function orderProcedure(name: string) {
  return t.procedure.use(async ({ ctx, next }) => {
    const session = signedIn(ctx);
    mayTrade(session);
    takeLimit(ctx, name, "orders");
    return mapErrors(await next({ ctx: { session } }));
  });
}

/**
 * Every mutation takes a token from the caller's "mutations" bucket (per user, per IP when
 * signed out), and every signed-in query from the user's "reads" bucket; subscriptions are
 * long-lived and not counted. A procedure may add a limit of its own (rateLimited).
 */
function limitByKind(ctx: Context, type: "query" | "mutation" | "subscription", session: Session | null): void {
  if (type === "mutation") takeLimit(ctx, "mutations", "mutations");
  else if (type === "query" && session !== null) takeLimit(ctx, "reads", "reads");
}

/** The bucket's owner: the user (every session of theirs shares it), or the IP when signed out or per IP. */
function bucketOwner(ctx: Context, spec: RateLimit): string {
  return spec.per === "user" && ctx.session ? `user:${ctx.session.userId}` : `ip:${ctx.ip}`;
}

function takeLimit(ctx: Context, name: string, limit: RateLimit | keyof ConfiguredRateLimits): void {
  const auth = ctx.services.auth;
  const spec = typeof limit === "string" ? auth.limits[limit] : limit;
  // a named configured limit is one bucket for every procedure using it ("orders": place, cancel…)
  const bucket = typeof limit === "string" ? limit : name;
  const taken = auth.limiter.take(`${bucket}|${bucketOwner(ctx, spec)}`, spec, auth.now().getTime());
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
 * A token-bucket limit named `name`: per IP, or per user (per IP when signed out). `limit` is a
 * configured limit's name ("signIn", "nonce", … : RATE_LIMIT_* in server/env.ts; one bucket per
 * configured limit, whichever procedure takes from it) or an explicit one (one bucket per
 * `name`). Put it before .input() so a flood is refused unparsed:
 *   publicProcedure.use(rateLimited("auth.nonce", "nonce")).input(...)
 * (order entry has it built in: orderProcedure)
 */
export function rateLimited(name: string, limit: RateLimit | keyof ConfiguredRateLimits) {
  return t.middleware(({ ctx, next }) => {
    takeLimit(ctx, name, limit);
    return next();
  });
}

/**
 * A mutation that takes an optional `idempotencyKey` in its input and runs once per key and
 * body for the caller (server/auth/call-memory.ts); for procedures outside the engine's
 * journal, whose keys the runtime keeps. Put it before .input(); the input schema declares the key.
 */
export function idempotent(procedure: string) {
  return t.middleware(async ({ ctx, next, getRawInput }) => {
    const raw = (await getRawInput()) as { idempotencyKey?: unknown } | undefined;
    const key = raw?.idempotencyKey;
    if (typeof key !== "string") return next();
    const { idempotencyKey: _key, ...body } = raw!;
    const owner = ctx.session ? `user:${ctx.session.userId}` : `ip:${ctx.ip}`;
    return ctx.services.auth.calls.once({ owner, procedure, key }, body, ctx.services.auth.now().getTime(), () =>
      next(),
    );
  });
}
