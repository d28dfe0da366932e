/** Helpers for the engine runtime's integration tests: a seeded database and a quiet runtime on it. */
import { getAddress } from "viem";
import type { EngineEvent } from "../../core/engine";
import { seedDatabase } from "../../prisma/seed";
import type { Db } from "../db";
import { TEST_DEPLOYMENT } from "../db/testing";
import { decodeEvents } from "./journal-read";
import { startEngineRuntime, type EngineRuntime, type EngineRuntimeOptions } from "./runtime";

export const TRADERS = [
  getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
  getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
  getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906"),
] as const;

export async function seedMarkets(db: Db): Promise<void> {
  await seedDatabase(db, TEST_DEPLOYMENT, { adminAddress: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" });
}

/** Empty every table the engine runtime writes (journal, read models, snapshots, idempotency keys). */
export async function truncateJournal(db: Db): Promise<void> {
  await db.$executeRawUnsafe(
    `TRUNCATE "JournalEntry", "JournalIndex", "Trade", "EngineStateSnapshot", "EngineStateSnapshotPart", "IdempotencyKey"`,
  );
}

/** A runtime without background loops (no mark feed, no funding timer). */
export function startQuietRuntime(db: Db, options: Partial<EngineRuntimeOptions> = {}): Promise<EngineRuntime> {
  return startEngineRuntime({ db, markSource: null, fundingCheckMs: 0, log: () => {}, ...options });
}

/** Every entry's stored events (JournalEntry.events), in journal order; entries without events left out. */
export async function storedEvents(db: Db): Promise<{ seq: bigint; events: EngineEvent[] }[]> {
  const rows = await db.journalEntry.findMany({ orderBy: { seq: "asc" }, select: { seq: true, events: true } });
  return rows.map((r) => ({ seq: r.seq, events: decodeEvents(r.events) })).filter((r) => r.events.length > 0);
}
