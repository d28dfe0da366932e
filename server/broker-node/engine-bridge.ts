/**
 * Engine commands whose B2B bookkeeping must commit with them. The command goes through the
 * engine runtime's idempotent submit (server/engine): its answer — the Change with the signed
 * log entries, seqs, meters and order rows the command causes — is computed from the command's
 * events when it is applied and stored in the journal batch's IdempotencyKey row, in the SAME
 * statement as the command. Then the Change is copied into the B2B tables (store.ts
 * projectChange); a crash between the two is finished at start (recoverChanges), so an envelope
 * is never lost and never applied twice (the key makes the command once-only).
 */
import type { Command } from "../../core/engine";
import type { CommittedEntry } from "../ports";
import type { NodeContext } from "./context";
import type { Change } from "./ledger";
import { CHANGE_KEY_PREFIX, projectChange, unprojectedChanges } from "./store";

export interface ChangeRequest {
  /** the engine account the idempotency key belongs to */
  account: string;
  /** unique per account, e.g. in:<seq> for a peer's envelope */
  key: string;
  requestHash: string;
  command: Command;
  /** builds the Change from the applied command; runs synchronously inside the engine's apply */
  build(entry: CommittedEntry): Change;
}

/** Applies the command and its Change together; returns the Change once both are durable. */
export async function submitWithChange(ctx: NodeContext, req: ChangeRequest): Promise<Change> {
  let buildError: unknown = null;
  let answer: { seq: bigint; change: Change };
  try {
    answer = await ctx.engine.submitIdempotent({
      account: req.account,
      key: CHANGE_KEY_PREFIX + req.key,
      requestHash: req.requestHash,
      command: req.command,
      respond: (entry) => {
        try {
          return { seq: entry.seq, change: req.build(entry) };
        } catch (error) {
          buildError = error;
          throw error;
        }
      },
    });
  } catch (error) {
    // the journal failed (memory is ahead of it) or the change could not be built: restart
    ctx.fatal(error);
  }
  if (buildError !== null) ctx.fatal(buildError);
  await projectChange(ctx.db, answer.seq, answer.change).catch((error: unknown) => ctx.fatal(error));
  return answer.change;
}

/** At start, before anything else: copy the journal's answers the tables missed. */
export async function recoverChanges(ctx: Pick<NodeContext, "db">): Promise<number> {
  const pending = await unprojectedChanges(ctx.db);
  for (const p of pending) await projectChange(ctx.db, p.seq, p.change);
  return pending.length;
}
