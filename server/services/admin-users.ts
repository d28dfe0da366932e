/**
 * Ops console, users and roles: search by address, one user's balances, positions, orders and
 * channels; suspend / resume trading (User.suspendedAt + audit in one transaction, then the
 * runtime guard); grant and revoke roles (audited; the last admin cannot be removed).
 */
import { getAddress, isAddress } from "viem";
import { ClearlineError } from "../../core/errors";
import type { Role } from "../../generated/prisma/client";
import { sessionCacheOf } from "../auth/session-cache";
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";
import type { EngineRuntime } from "../engine/runtime";
import { balances, openOrders, positions, type BalanceView, type OpenOrderView, type PositionView } from "./account";
import { audited } from "./audit";
import { riskAccounts, type AccountRiskRow } from "./admin-risk";

export const ROLES = ["TRADER", "OPERATOR", "ADMIN", "BROKER"] as const satisfies readonly Role[];

function checksum(address: string): string {
  if (!isAddress(address, { strict: false }))
    throw new ClearlineError("INVALID_INPUT", `"${address}" is not an address (0x and 40 hex digits)`, { address });
  return getAddress(address);
}

export interface UserRow {
  address: string;
  roles: Role[];
  suspendedAt: Date | null;
  suspendReason: string | null;
  createdAt: Date;
  channels: number;
}

/** Users whose address contains `query` (case-insensitive), newest first; an empty query lists the newest. */
export async function searchUsers(db: Db, query: string, limit: number): Promise<UserRow[]> {
  const q = query.trim();
  const users = await db.user.findMany({
    where: q === "" ? {} : { address: { contains: q, mode: "insensitive" } },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const counts = await db.channel.groupBy({
    by: ["trader"],
    where: { trader: { in: users.map((u) => u.address) } },
    _count: { _all: true },
  });
  const byTrader = new Map(counts.map((c) => [c.trader, c._count._all]));
  return users.map((u) => ({
    address: u.address,
    roles: u.roles,
    suspendedAt: u.suspendedAt,
    suspendReason: u.suspendReason,
    createdAt: u.createdAt,
    channels: byTrader.get(u.address) ?? 0,
  }));
}

export interface UserDetail {
  address: string;
  /** null: the address never signed in (it may still have an engine account) */
  user: Omit<UserRow, "channels" | "address"> | null;
  suspendedInEngine: boolean;
  balances: BalanceView[];
  positions: PositionView[];
  orders: OpenOrderView[];
  risk: AccountRiskRow[];
  channels: {
    id: string;
    status: string;
    latestVersion: bigint;
    coSignedVersion: bigint | null;
    onChainVersion: bigint | null;
    funding: { token: string; total: bigint }[];
    needsTopUp: boolean;
    pendingOp: string | null;
    alert: string | null;
    updatedAt: Date;
  }[];
}

export async function userDetail(rt: EngineRuntime, db: Db, address: string): Promise<UserDetail> {
  const a = checksum(address);
  const [user, chans] = await Promise.all([
    db.user.findUnique({ where: { address: a } }),
    db.channel.findMany({ where: { trader: a }, orderBy: { createdAt: "desc" } }),
  ]);
  let suspendedInEngine = false;
  try {
    rt.checkTradingAllowed(a, null);
  } catch {
    suspendedInEngine = true;
  }
  return {
    address: a,
    user: user && {
      roles: user.roles,
      suspendedAt: user.suspendedAt,
      suspendReason: user.suspendReason,
      createdAt: user.createdAt,
    },
    suspendedInEngine,
    balances: balances(rt, a),
    positions: positions(rt, a),
    orders: openOrders(rt, a),
    risk: riskAccounts(rt).filter((r) => r.account === a),
    channels: chans.map((c) => ({
      id: c.id,
      status: c.status,
      latestVersion: c.latestVersion,
      coSignedVersion: c.coSignedVersion,
      onChainVersion: c.onChainVersion,
      funding: c.fundingTokens.map((token, i) => ({ token, total: decimalToBigint(c.fundingTotals[i]!) })),
      needsTopUp: c.needsTopUp,
      pendingOp: c.pendingOp,
      alert: c.alert,
      updatedAt: c.updatedAt,
    })),
  };
}

/**
 * Suspend or resume an account's trading. Suspended accounts can sign in, read and withdraw, but
 * every order entry (place, cancel, amend, TP/SL) is refused. Resting orders stay on the books.
 */
export async function setSuspended(
  rt: EngineRuntime,
  actor: string,
  address: string,
  suspended: boolean,
  reason: string,
): Promise<{ address: string; suspendedAt: Date | null; auditId: bigint }> {
  const a = checksum(address);
  const now = new Date();
  const { result, auditId } = await audited(
    rt.db,
    { actor, action: suspended ? "user.suspend" : "user.resume", target: a },
    async (tx) => {
      const user = await tx.user.findUnique({ where: { address: a } });
      if (suspended && user?.suspendedAt)
        throw new ClearlineError("CONFLICT", `${a} is already suspended (since ${user.suspendedAt.toISOString()})`, {
          address: a,
        });
      if (!suspended && !user?.suspendedAt)
        throw new ClearlineError("CONFLICT", `${a} is not suspended`, { address: a });
      const data = suspended ? { suspendedAt: now, suspendReason: reason } : { suspendedAt: null, suspendReason: null };
      // an address that never signed in gets its User row now, so the suspension holds when it does
      const row = user
        ? await tx.user.update({ where: { id: user.id }, data })
        : await tx.user.create({ data: { address: a, ...data } });
      return {
        before: { suspendedAt: user?.suspendedAt ?? null, suspendReason: user?.suspendReason ?? null },
        after: { suspendedAt: row.suspendedAt, suspendReason: row.suspendReason, reason },
        result: row,
      };
    },
  );
  // the database notifies every session cache too; this one forgets before the admin is answered
  sessionCacheOf(rt.db)?.forgetUser(result.id);
  rt.setAccountSuspended(a, suspended);
  return { address: a, suspendedAt: result.suspendedAt, auditId };
}

export async function listRoleHolders(db: Db): Promise<{ address: string; roles: Role[]; createdAt: Date }[]> {
  // (Prisma's `hasSome` / `has` on an enum array binds a malformed array literal through the PGlite adapter: filter in SQL)
  const ids = await db.$queryRaw<
    { id: string }[]
  >`SELECT id::text AS id FROM "User" WHERE roles && ARRAY['OPERATOR','ADMIN','BROKER']::"Role"[]`;
  const rows = await db.user.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { createdAt: "asc" } });
  return rows.map((u) => ({ address: u.address, roles: u.roles, createdAt: u.createdAt }));
}

/**
 * Grant or revoke a role. Takes effect on the user's next request (a cached session is forgotten
 * when its user's row changes, server/auth/session-cache.ts). The last admin cannot lose ADMIN; TRADER is everyone's and not managed here.
 */
export async function changeRole(
  db: Db,
  actor: string,
  address: string,
  role: Exclude<Role, "TRADER">,
  grant: boolean,
  reason: string,
): Promise<{ address: string; roles: Role[]; auditId: bigint }> {
  const a = checksum(address);
  const { result, auditId } = await audited(
    db,
    { actor, action: grant ? "role.grant" : "role.revoke", target: a },
    async (tx) => {
      const user = await tx.user.findUnique({ where: { address: a } });
      const before = user?.roles ?? [];
      if (grant && before.includes(role))
        throw new ClearlineError("CONFLICT", `${a} already has ${role}`, { address: a, role });
      if (!grant && !before.includes(role))
        throw new ClearlineError("CONFLICT", `${a} does not have ${role}`, { address: a, role });
      if (!grant && role === "ADMIN") {
        // serialize concurrent revocations: lock every admin row, then count
        const admins = await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM "User" WHERE 'ADMIN' = ANY(roles) FOR UPDATE`;
        if (admins.length <= 1)
          throw new ClearlineError("PRECONDITION_FAILED", "this is the last admin: grant ADMIN to someone else first", {
            address: a,
          });
      }
      const roles: Role[] = grant ? [...before, role] : before.filter((r) => r !== role);
      if (!roles.includes("TRADER")) roles.unshift("TRADER");
      const row = user
        ? await tx.user.update({ where: { id: user.id }, data: { roles } })
        : await tx.user.create({ data: { address: a, roles } });
      return { before: { roles: before }, after: { roles: row.roles, reason }, result: row };
    },
  );
  sessionCacheOf(db)?.forgetUser(result.id);
  return { address: a, roles: result.roles, auditId };
}
