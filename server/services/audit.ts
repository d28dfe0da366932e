/**
 * The audit log: every admin action leaves one AuditLog row (who, what, on what, before and
 * after). The table is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), and nothing
 * in the app edits it.
 *
 * `audited()` is THE way to write one: the change and its record run in ONE database
 * transaction, so a change without its record (or a record of a change that was rolled back)
 * cannot exist. Changes that live outside the database (an engine command, a chain transaction)
 * run first and are recorded right after with what they produced (journal seq, tx hash): see
 * the callers in server/services/admin-*.ts.
 */
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db";

export type Tx = Prisma.TransactionClient;

/** JSON for an audit column: bigints become decimal strings, Dates ISO strings, undefined is dropped. */
export type AuditValue = Prisma.InputJsonValue;

export function toAuditJson(value: unknown): AuditValue {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as AuditValue;
}

export interface AuditEntry {
  /** who acted: the signed-in address (EIP-55), or "system" */
  actor: string;
  /** dotted verb, e.g. "market.halt", "user.suspend", "price.override" */
  action: string;
  /** what it acted on: a market symbol, an address, a channel id */
  target: string;
}

export interface AuditedChange<T> {
  before: unknown;
  after: unknown;
  result: T;
}

/**
 * Run `change` and write its audit record in the same transaction. `change` reads the current
 * values (before), writes the new ones, and returns both; bigints are stored as strings.
 * Returns the change's result and the audit row's id.
 */
export async function audited<T>(
  db: Db,
  entry: AuditEntry,
  change: (tx: Tx) => Promise<AuditedChange<T>>,
): Promise<{ result: T; auditId: bigint }> {
  return db.$transaction(async (tx) => {
    const { before, after, result } = await change(tx);
    const row = await tx.auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        before: before === null || before === undefined ? undefined : toAuditJson(before),
        after: after === null || after === undefined ? undefined : toAuditJson(after),
      },
      select: { id: true },
    });
    return { result, auditId: row.id };
  });
}
