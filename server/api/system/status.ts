import { publicProcedure } from "../trpc";
import { systemStatus, type SystemStatus } from "../../services/system-status";

/**
 * What anyone may see of the status: whether each part is up, never where it is. The RPC URL
 * (it may carry a provider's API key or name an internal host) and the database's location
 * (a file path or a connection string) are left blank, and so is any error text that quotes
 * them; operators see both in the ops console's health page (admin.health).
 */
export function publicStatus(s: SystemStatus): SystemStatus {
  const secrets = [s.chain.rpcUrl, s.database.location].filter((x) => x.length > 0);
  const scrubText = (text: string) => secrets.reduce((t, secret) => t.split(secret).join("(hidden)"), text);
  const scrub = (text: string | null) => (text === null ? null : scrubText(text));
  return {
    ...s,
    chain: { ...s.chain, rpcUrl: "", error: scrub(s.chain.error) },
    services: { ...s.services, error: scrub(s.services.error) },
    database: {
      ...s.database,
      location: "",
      ...(s.database.error === undefined ? {} : { error: scrubText(s.database.error) }),
    },
  };
}

/** Chain, database and deployment status for the status panel (public: no URLs, no paths). */
export const status = publicProcedure.query(async ({ ctx }) => publicStatus(await systemStatus(ctx.services)));
