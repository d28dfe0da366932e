/**
 * Sign-In with Ethereum (EIP-4361) and sessions: single-use nonces, the sign-in checks, session
 * rows, and loading the session behind a cookie. Every refusal is UNAUTHORIZED with a message
 * naming what failed and `details.reason` (server/auth/siwe.ts lists the reasons).
 */
import { randomBytes } from "node:crypto";
import { getAddress, type Hex } from "viem";
import { ClearlineError } from "../../core/errors";
import type { AuthDeps } from "../auth/deps";
import { hashSessionToken, newSessionToken } from "../auth/session-token";
import type { Role, Session } from "../auth/session";
import { checkSiweMessage, refuseSignIn, verifySiweSignature } from "../auth/siwe";
import { sessionCacheOf, type SessionRow } from "../auth/session-cache";
import { BatchLoader } from "../db/batch-loader";
import { HOT_SQL } from "../db/hot-sql";

export interface IssuedNonce {
  nonce: string;
  expiresAt: Date;
}

/** A fresh nonce, valid for SIWE_MAX_AGE_SECONDS and bound to nothing until a sign-in uses it. */
export async function issueNonce(deps: AuthDeps): Promise<IssuedNonce> {
  const now = deps.now();
  const nonce = randomBytes(16).toString("hex");
  const expiresAt = new Date(now.getTime() + deps.siweMaxAgeSeconds * 1000);
  // Expired nonces can never be used again: forget them (a replay of their message is too old anyway).
  await deps.db.authNonce.deleteMany({ where: { expiresAt: { lt: now } } });
  await deps.db.authNonce.create({ data: { nonce, expiresAt, createdAt: now } });
  return { nonce, expiresAt };
}

export interface SignInInput {
  message: string;
  signature: Hex;
}

export interface SignInResult {
  /** the cookie value; only its HMAC is stored */
  token: string;
  expiresAt: Date;
  session: Session;
}

/**
 * Checks the message (domain, URI, chain, times), the nonce (exists, unused, unexpired), the
 * signature (EOA, or ERC-1271 through the chain), then in one transaction consumes the nonce
 * (a concurrent or replayed use finds it taken), finds or creates the user and opens a session.
 */
export async function signIn(
  deps: AuthDeps,
  input: SignInInput,
  meta: { ip: string; userAgent: string | null },
): Promise<SignInResult> {
  const now = deps.now();
  const checked = checkSiweMessage(input.message, {
    domain: deps.appUrl.host,
    origin: deps.appUrl.origin,
    chainId: await deps.chainId(),
    now,
    maxAgeSeconds: deps.siweMaxAgeSeconds,
  });

  const nonce = await deps.db.authNonce.findUnique({ where: { nonce: checked.nonce } });
  if (!nonce) refuseSignIn("nonce_unknown", "Unknown sign-in nonce: request a new one and sign again.");
  if (nonce.usedAt)
    refuseSignIn("nonce_used", "This sign-in nonce was already used: request a new one and sign again.");
  if (nonce.expiresAt.getTime() <= now.getTime())
    refuseSignIn("nonce_expired", "This sign-in nonce expired: request a new one and sign again.");

  // Only a valid signature may consume the nonce, so knowing someone's nonce does not let you burn it.
  let valid: boolean;
  try {
    // a plain key under the co-signature rules locally; a smart wallet asked of the chain (ERC-1271/6492)
    valid = await verifySiweSignature(deps.publicClient, checked.address, input.message, input.signature);
  } catch (e) {
    throw new ClearlineError(
      "UNAVAILABLE",
      "Could not verify the signature: the chain is unreachable. Try again.",
      {},
      { cause: e },
    );
  }
  if (!valid) refuseSignIn("signature", `The signature is not ${checked.address}'s signature of this message.`);

  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + deps.sessionTtlSeconds * 1000);
  const session = await deps.db.$transaction(async (tx) => {
    const consumed = await tx.authNonce.updateMany({
      where: { nonce: checked.nonce, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, usedBy: checked.address },
    });
    if (consumed.count !== 1)
      refuseSignIn("nonce_used", "This sign-in nonce was already used: request a new one and sign again.");

    let user = await tx.user.findUnique({ where: { address: checked.address } });
    if (!user) {
      const isAdmin = checked.address === getAddress(deps.adminAddress);
      const roles: Role[] = isAdmin ? ["TRADER", "ADMIN"] : ["TRADER"];
      user = await tx.user.create({ data: { address: checked.address, roles, createdAt: now } });
      if (isAdmin) {
        await tx.auditLog.create({
          data: {
            actor: "system",
            action: "user.grant_role",
            target: checked.address,
            after: { roles, reason: "ADMIN_ADDRESS (first sign-in)" },
          },
        });
      }
    }
    const row = await tx.session.create({
      data: {
        tokenHash: hashSessionToken(token, deps.sessionSecret),
        userId: user.id,
        address: checked.address,
        createdAt: now,
        expiresAt,
        ip: meta.ip.slice(0, 64),
        userAgent: meta.userAgent?.slice(0, 256) ?? null,
      },
    });
    return {
      sessionId: row.id,
      userId: user.id,
      address: checked.address,
      roles: user.roles,
      suspendedAt: user.suspendedAt,
    } satisfies Session;
  });
  return { token, expiresAt, session };
}

/**
 * Session lookups of concurrent requests go to the database together (one query per round trip
 * under load instead of one per request); each request still reads its row with a query started
 * after it arrived. One loader per database client (WeakMap: throwaway test databases go away).
 */
const SELECT_SESSIONS = `${HOT_SQL}SELECT s."tokenHash", s.id::text AS "sessionId", u.id::text AS "userId", u.address, u.roles::text[] AS roles, u."suspendedAt",
       s."expiresAt", s."revokedAt"
  FROM "Session" s JOIN "User" u ON u.id = s."userId"
 WHERE s."tokenHash" = ANY($1::text[])`;

const sessionLoaders = new WeakMap<AuthDeps["db"], BatchLoader<string, SessionRow>>();

function sessionLoader(db: AuthDeps["db"]): BatchLoader<string, SessionRow> {
  let loader = sessionLoaders.get(db);
  if (!loader) {
    loader = new BatchLoader<string, SessionRow>(
      (hashes) => db.$queryRawUnsafe<SessionRow[]>(SELECT_SESSIONS, hashes),
      (hash) => hash,
      (row) => row.tokenHash,
    );
    sessionLoaders.set(db, loader);
  }
  return loader;
}

/**
 * The live session behind a cookie token: from the session cache when the database has one
 * attached (server/auth/session-cache.ts), else one query on the unique token hash, joined to
 * the user (shared with concurrent lookups).
 */
export async function loadSession(
  deps: Pick<AuthDeps, "db" | "sessionSecret" | "now">,
  token: string,
): Promise<Session | null> {
  const tokenHash = hashSessionToken(token, deps.sessionSecret);
  const loader = sessionLoader(deps.db);
  const cache = sessionCacheOf(deps.db);
  const row = cache ? await cache.load(tokenHash, (hash) => loader.load(hash)) : await loader.load(tokenHash);
  if (!row || row.revokedAt || new Date(row.expiresAt).getTime() <= deps.now().getTime()) return null;
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    address: row.address as `0x${string}`,
    roles: row.roles as Role[],
    suspendedAt: row.suspendedAt ? new Date(row.suspendedAt) : null,
  };
}

/** Revokes a session (its cookie stops working at once). */
export async function revokeSession(
  deps: Pick<AuthDeps, "db" | "now">,
  session: Pick<Session, "sessionId" | "userId">,
): Promise<void> {
  await deps.db.session.updateMany({
    where: { id: session.sessionId, revokedAt: null },
    data: { revokedAt: deps.now() },
  });
  // the database notifies every session cache too; this one forgets before the caller is answered
  sessionCacheOf(deps.db)?.forgetUser(session.userId);
}
