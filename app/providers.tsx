"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import { WagmiProvider } from "wagmi";
import type { AppRouter } from "@/server/api/root";
import type { PublicConfig } from "@/server/public-config";
import { TRPCProvider } from "./_trpc/client";
import { PublicConfigContext } from "./_wallet/public-config";
import { createWagmiConfig } from "./_wallet/config";

export function Providers({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 2_000, refetchOnWindowFocus: false } } }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // subscriptions (live feeds) over SSE; they resume after lastEventId on reconnect
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          // mutations one per request (POST /api/trpc/<procedure>): the same path bots and the
          // bench take, so an order from the browser gets the direct order entry
          // (server/http/order-entry.ts); reads stay batched
          false: splitLink({
            condition: (op) => op.type === "mutation",
            true: httpLink({ url: "/api/trpc", transformer: superjson }),
            false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
          }),
        }),
      ],
    }),
  );
  const [wagmiConfig] = useState(() => createWagmiConfig(config));
  return (
    <PublicConfigContext value={config}>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            {children}
          </TRPCProvider>
        </QueryClientProvider>
      </WagmiProvider>
    </PublicConfigContext>
  );
}
