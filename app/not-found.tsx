import Link from "next/link";

/** Any unknown address: say so plainly and offer the ways on. */
export default function NotFound() {
  return (
    <main className="page not-found" data-testid="not-found">
      <section className="panel not-found-card">
        <p className="not-found-code">404</p>
        <h1>This page does not exist</h1>
        <p className="muted">The link may be old, or the market may have another name.</p>
        <div className="hero-actions">
          <Link className="primary button" href="/">
            Home
          </Link>
          <Link className="button" href="/markets/ETH-PERP">
            Trade ETH-PERP
          </Link>
          <Link className="button" href="/channel">
            Your channel
          </Link>
        </div>
      </section>
    </main>
  );
}
