/** Next.js calls register() once per server process before serving: start the exchange's services there (Node runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServicesWithShutdown } = await import("./server/runtime");
  await startServicesWithShutdown();
}
