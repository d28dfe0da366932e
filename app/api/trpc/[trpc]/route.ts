import { createTrpcHandler } from "@/server/api/handler";

// Guard (same origin, JSON, body size) + tRPC; see server/api/handler.ts.
const handler = createTrpcHandler();

export { handler as GET, handler as POST };
