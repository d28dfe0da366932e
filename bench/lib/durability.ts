/**
 * What a bench row's committed writes survive, said plainly in its `durability` column.
 *
 * Embedded PGlite never asks the kernel to put anything on disk: its own `SHOW fsync` says
 * `off`, and `strace -f -c -e trace=fsync,fdatasync,sync_file_range,msync,sync,syncfs` over a
 * file-backed PGlite doing 200 INSERT + COMMIT transactions counted 0 such calls (against
 * 1,369 pwrite64). A commit it has answered is in the kernel's page cache: it survives the
 * process being killed, not the machine losing power or the kernel crashing.
 *
 * A PostgreSQL server is labelled from what it reports about itself (SHOW fsync,
 * synchronous_commit), never from how we meant to start it.
 */

export const PGLITE_DURABILITY = "process-crash safe (PGlite does not fsync)";
/** the rows' label when the server was not started: what they would have measured */
export const POSTGRES_DURABLE = "durable (PostgreSQL, fsync=on)";

export interface PostgresDurabilitySettings {
  fsync: string;
  synchronous_commit: string;
  full_page_writes: string;
  wal_sync_method: string;
}

/** The label for a PostgreSQL server with these settings. */
export function postgresDurability(s: PostgresDurabilitySettings): { label: string; durable: boolean } {
  if (s.fsync !== "on") return { label: "process-crash safe (PostgreSQL, fsync=off)", durable: false };
  if (s.synchronous_commit === "off")
    return {
      label: "last commits lost on OS crash (PostgreSQL, fsync=on, synchronous_commit=off)",
      durable: false,
    };
  if (s.full_page_writes !== "on")
    return { label: "torn pages possible on OS crash (PostgreSQL, fsync=on, full_page_writes=off)", durable: false };
  return { label: POSTGRES_DURABLE, durable: true };
}

export function describeSettings(s: PostgresDurabilitySettings): string {
  return `fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, full_page_writes=${s.full_page_writes}, wal_sync_method=${s.wal_sync_method}`;
}
