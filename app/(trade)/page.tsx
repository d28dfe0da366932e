import { serverCaller } from "../_trpc/server";
import { MarketsTable } from "../_components/MarketsTable";
import { StatusPanel } from "../_components/StatusPanel";
import { WalletBalances } from "../_wallet/WalletBalances";

export default async function HomePage() {
  const caller = await serverCaller();
  const [markets, status] = await Promise.all([caller.markets.list().catch(() => null), caller.system.status()]);
  return (
    <main className="page">
      <div className="grid-2">
        <section className="panel" aria-labelledby="markets-title">
          <h2 id="markets-title">Markets</h2>
          {markets ? (
            <MarketsTable markets={markets} />
          ) : (
            <p className="error-text">The markets could not be read from the database; see the status panel.</p>
          )}
        </section>
        <div style={{ display: "grid", gap: 16, alignContent: "start" }}>
          <StatusPanel initial={status} />
          <section className="panel" aria-labelledby="wallet-title">
            <h2 id="wallet-title">Your wallet</h2>
            <WalletBalances />
          </section>
        </div>
      </div>
    </main>
  );
}
