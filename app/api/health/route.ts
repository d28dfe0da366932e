import { publishedAppServices } from "@/server/published-services";
import { systemStatus } from "@/server/services/system-status";

export const dynamic = "force-dynamic";

/** 200 when the chain and the database answer, 503 otherwise; the body says which. */
export async function GET() {
  let s;
  try {
    s = await systemStatus(publishedAppServices());
  } catch (error) {
    return Response.json({ healthy: false, servicesError: (error as Error).message }, { status: 503 });
  }
  const healthy = s.chain.reachable && s.database.reachable && !("error" in s.deployment) && s.services.running;
  return Response.json(
    {
      healthy,
      chain: s.chain.reachable,
      database: s.database.reachable,
      deployment: !("error" in s.deployment),
      services: s.services.running,
      servicesError: s.services.error,
    },
    { status: healthy ? 200 : 503 },
  );
}
