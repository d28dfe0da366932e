/**
 * One statement straight to the database driver, past Prisma's client: for the order path's two
 * big writes (the journal batch, the issuance round), whose array parameters Prisma's client walks
 * element by element — ~9% of the server thread under load (docs/DATABASE.md, "The app server's database path").
 *
 * Semantics are those of `db.$executeRawUnsafe(sql, ...params)`: one statement in its own
 * transaction (never inside an interactive one: PGlite runs it after any open transaction ends),
 * positional parameters with explicit casts in the SQL, the number of rows affected. Errors are
 * the driver's (their message carries the database's), not Prisma's error classes.
 *
 * A database handle registers its driver here when it has a cheaper path (PGlite in this thread
 * or on its worker thread); on a PostgreSQL server the statement goes through Prisma as before.
 */
import type { Db } from "../db";

export type Execute = (sql: string, params: readonly unknown[]) => Promise<number>;

const drivers = new WeakMap<Db, Execute>();

export function registerExecute(db: Db, execute: Execute): void {
  drivers.set(db, execute);
}

export function execute(db: Db, sql: string, params: readonly unknown[]): Promise<number> {
  const driver = drivers.get(db);
  return driver !== undefined ? driver(sql, params) : db.$executeRawUnsafe(sql, ...params);
}
