import Link from "next/link";
import { serverCaller } from "../_trpc/server";
import { MarketsTable } from "../_components/MarketsTable";
import { StatusPanel } from "../_components/StatusPanel";
import { WalletBalances } from "../_wallet/WalletBalances";

/** The landing page: what a channel is and why your funds stay yours, how to start, and the markets. */
export default async function HomePage() {
  const caller = await serverCaller();
  const [markets, status] = await Promise.all([caller.markets.list().catch(() => null), caller.system.status()]);
  return (
    <main className="page landing">
      <section className="hero" aria-labelledby="hero-title">
        <div className="hero-text">
          <h1 id="hero-title">
            Trade at exchange speed.
            <br />
            <span>Keep the keys to your funds.</span>
          </h1>
          <p className="lede">
            Clearline runs spot and perpetual markets on a state channel: you lock funds once in an on-chain contract,
            then every trade settles off-chain in milliseconds, with no gas per order.
          </p>
          <div className="hero-actions">
            <Link className="primary button" href="/channel" data-testid="start">
              Start: open a channel
            </Link>
            <Link className="button" href="/markets/ETH-PERP">
              See the markets
            </Link>
          </div>
        </div>
        <ol className="how" aria-label="How it works">
          <li>
            <strong>Open a channel.</strong> Connect your wallet and deposit USDC or WETH into the custody contract. The
            channel is yours and the exchange&apos;s; nobody else can move it.
          </li>
          <li>
            <strong>Trade; both sides sign.</strong> Each fill, fee and funding payment is a new channel state the
            exchange signs at once. You co-sign the latest one in your wallet the next time you act, not on every fill.
          </li>
          <li>
            <strong>Leave whenever you want.</strong> Close together in one transaction, or alone: submit the latest
            state you both signed on-chain and you are paid out after the challenge period, even if the exchange stops
            answering.
          </li>
        </ol>
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="markets-title">
          <h2 id="markets-title">Markets</h2>
          {markets ? (
            <MarketsTable markets={markets} />
          ) : (
            <p className="error-text">The markets cannot be shown right now; try again in a moment.</p>
          )}
        </section>
        <div className="side-stack">
          <section className="panel" aria-labelledby="wallet-title">
            <h2 id="wallet-title">Your wallet</h2>
            <WalletBalances />
          </section>
          <details className="panel status-details">
            <summary>Exchange status</summary>
            <StatusPanel initial={status} />
          </details>
        </div>
      </div>
    </main>
  );
}
