/**
 * Binds the database to one chain. Everything the database holds about balances, channels and
 * trades is only true of the chain it was read from; when the chain's identity changes (the
 * local Hardhat node was restarted with a new genesis, or the custody contract redeployed),
 * that data is wiped in one transaction and the new identity recorded. The caller reseeds.
 *
 * What is wiped is discovered from the catalog, not listed: every table in the schema except
 * KEEP_ON_CHAIN_RESET, so tables added by later migrations are covered automatically. A table
 * that must survive a reset has to be added to the keep-list on purpose.
 */
import type { Db } from "../db";

/**
 * Tables a chain reset leaves alone: Prisma's migration history and the two append-only records
 * the database itself refuses to truncate — the audit trail and a broker node's signed B2B log
 * (dispute evidence must outlive the chain it was about).
 */
export const KEEP_ON_CHAIN_RESET: readonly string[] = ["_prisma_migrations", "AuditLog", "B2BLogEntry"];

export interface ChainIdentity {
  chainId: bigint | number;
  genesisHash: string;
  custodyAddress: string;
  deployBlock: bigint | number;
}

/** JSON-safe (bigints as decimal strings), so it can go into AuditLog.before/after. */
export type ChainIdentityRecord = {
  chainId: string;
  genesisHash: string;
  custodyAddress: string;
  deployBlock: string;
  boundAt: string;
};

export type BindChainResult = {
  action: "bound" | "unchanged" | "reset";
  /** The binding that was replaced (action "reset"). */
  previous?: ChainIdentityRecord;
  /** Tables emptied (action "reset"). */
  wiped?: string[];
  message: string;
};

function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Tables of the current schema that a reset empties (partitions go with their parent). */
export async function tablesToWipe(db: Pick<Db, "$queryRaw">): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS "name"
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema()
       AND c.relkind IN ('r', 'p')
       AND NOT c.relispartition
     ORDER BY c.relname`;
  return rows.map((r) => r.name).filter((name) => !KEEP_ON_CHAIN_RESET.includes(name));
}

/**
 * Records the chain this database belongs to. Returns "bound" the first time, "unchanged" when
 * it matches, and "reset" after wiping chain-derived and trading data because it did not
 * (unless `allowReset` is false: then it throws and changes nothing).
 */
export async function bindChain(
  db: Db,
  identity: ChainIdentity,
  options: { allowReset?: boolean } = {},
): Promise<BindChainResult> {
  const next = {
    chainId: BigInt(identity.chainId),
    genesisHash: identity.genesisHash.toLowerCase(),
    custodyAddress: identity.custodyAddress,
    deployBlock: BigInt(identity.deployBlock),
  };
  const describe = `chain ${next.chainId} (genesis ${short(next.genesisHash)}, custody ${short(next.custodyAddress)} from block ${next.deployBlock})`;

  return db.$transaction(async (tx) => {
    // Serializes concurrent binders (two processes starting at once) on PostgreSQL.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('clearline.chain_binding'))`;
    const current = await tx.chainBinding.findUnique({ where: { id: 1 } });
    if (!current) {
      await tx.chainBinding.create({ data: { id: 1, ...next } });
      return { action: "bound", message: `database bound to ${describe}` };
    }

    const differences: string[] = [];
    if (current.chainId !== next.chainId) differences.push(`chain id ${current.chainId} ≠ ${next.chainId}`);
    if (current.genesisHash.toLowerCase() !== next.genesisHash)
      differences.push(`genesis ${short(current.genesisHash)} ≠ ${short(next.genesisHash)}`);
    if (current.custodyAddress.toLowerCase() !== next.custodyAddress.toLowerCase())
      differences.push(`custody ${short(current.custodyAddress)} ≠ ${short(next.custodyAddress)}`);
    if (current.deployBlock !== next.deployBlock)
      differences.push(`deploy block ${current.deployBlock} ≠ ${next.deployBlock}`);
    if (differences.length === 0) return { action: "unchanged", message: `database already bound to ${describe}` };

    const previous: ChainIdentityRecord = {
      chainId: current.chainId.toString(),
      genesisHash: current.genesisHash,
      custodyAddress: current.custodyAddress,
      deployBlock: current.deployBlock.toString(),
      boundAt: current.boundAt.toISOString(),
    };
    const why =
      current.chainId === next.chainId && current.genesisHash.toLowerCase() !== next.genesisHash
        ? "chain restarted"
        : current.chainId !== next.chainId
          ? "different chain"
          : "custody contract redeployed";
    if (options.allowReset === false) {
      throw new Error(`database belongs to another chain (${why}: ${differences.join(", ")}); refusing to reset it`);
    }

    const wiped = await tablesToWipe(tx);
    if (wiped.length > 0) {
      // One statement: foreign keys between wiped tables are fine; no CASCADE, so a kept table
      // that references a wiped one makes this fail loudly instead of being emptied too.
      await tx.$executeRawUnsafe(`TRUNCATE TABLE ${wiped.map(quoteIdent).join(", ")} RESTART IDENTITY`);
    }
    await tx.chainBinding.create({ data: { id: 1, ...next } });
    return {
      action: "reset",
      previous,
      wiped,
      message: `${why}: ${differences.join(", ")}; chain and trading data wiped (${wiped.length} tables), database rebound to ${describe} and reseeded`,
    };
  });
}
