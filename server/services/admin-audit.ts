/** Ops console, audit log: read-only, filterable, newest first, paged by id. There is no edit path. */
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db";

export interface AuditFilter {
  actor?: string;
  /** exact action ("market.halt") or a prefix ending in "." ("market.") */
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  /** rows with an id below this (the previous page's nextBefore) */
  before?: bigint;
  limit: number;
}

export interface AuditRow {
  id: bigint;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

export async function auditLog(
  db: Db,
  f: AuditFilter,
): Promise<{ rows: AuditRow[]; nextBefore: bigint | null; actions: string[] }> {
  const where: Prisma.AuditLogWhereInput = {
    ...(f.actor ? { actor: { contains: f.actor.trim(), mode: "insensitive" } } : {}),
    ...(f.action ? (f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action }) : {}),
    ...(f.target ? { target: { contains: f.target.trim(), mode: "insensitive" } } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    ...(f.before !== undefined ? { id: { lt: f.before } } : {}),
  };
  const [rows, actions] = await Promise.all([
    db.auditLog.findMany({ where, orderBy: { id: "desc" }, take: f.limit }),
    db.auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: r.before,
      after: r.after,
      createdAt: r.createdAt,
    })),
    nextBefore: rows.length === f.limit ? rows[rows.length - 1]!.id : null,
    actions: actions.map((a) => a.action),
  };
}
