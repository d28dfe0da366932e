"use client";
/** List a new market (admins): its assets, tick and lot, margins and fees, checked before it is created. */
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { parseAmount } from "../../../_components/format";
import { toast } from "../../../_components/toast";
import { useTRPC } from "../../../_trpc/client";
import { Panel } from "../../_ui/ui";
import type { MarketRow } from "./market-row";

export function CreateMarket({ markets, onCreated }: { markets: MarketRow[]; onCreated: () => unknown }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.admin.markets.create.mutationOptions());
  const assets = useMemo(() => {
    const out = new Map<string, number>();
    for (const m of markets) {
      out.set(m.base.symbol, m.base.decimals);
      out.set(m.quote.symbol, m.quote.decimals);
    }
    return out;
  }, [markets]);
  const [f, setF] = useState({
    symbol: "",
    kind: "PERP" as "SPOT" | "PERP",
    base: "WETH",
    quote: "USDC",
    tick: "0.01",
    lot: "0.001",
    minNotional: "10",
    maxLeverage: "20",
    im: "500",
    mm: "250",
    maker: "100",
    taker: "500",
    fundingH: "1",
    cap: "5000",
  });
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target.value });
  const bd = assets.get(f.base) ?? 18;
  const qd = assets.get(f.quote) ?? 6;
  const tick = parseAmount(f.tick, qd);
  const lot = parseAmount(f.lot, bd);
  const minNotional = parseAmount(f.minNotional, qd);
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._/-]{1,32}$/.test(f.symbol) && f.symbol !== "")
    problems.push("Symbol: 1–32 letters, digits, . _ / -");
  if (tick === null || tick <= 0n) problems.push(`Tick: a positive number with at most ${qd} decimals`);
  if (lot === null || lot <= 0n) problems.push(`Lot: a positive number with at most ${bd} decimals`);
  if (minNotional === null) problems.push("Min notional: a number");
  return (
    <Panel title="Create a market">
      <form
        className="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          if (problems.length) return;
          try {
            const perp = f.kind === "PERP";
            const r = await create.mutateAsync({
              symbol: f.symbol,
              kind: f.kind,
              baseAsset: f.base,
              quoteAsset: f.quote,
              tickSize: tick!,
              lotSize: lot!,
              minNotional: minNotional!,
              maxLeverage: perp ? Number(f.maxLeverage) : 1,
              initialMarginBps: perp ? Number(f.im) : 10_000,
              maintenanceMarginBps: perp ? Number(f.mm) : 10_000,
              makerFeePips: Number(f.maker),
              takerFeePips: Number(f.taker),
              fundingIntervalSec: perp ? Math.round(Number(f.fundingH) * 3600) : null,
              fundingCapPips: perp ? Number(f.cap) : null,
            });
            toast.success(
              `Market ${f.symbol} created`,
              r.addedToEngine
                ? "The engine accepts orders in it now."
                : "Stored, but the engine did not add it: see the server log.",
            );
            await onCreated();
          } catch {
            /* shown below */
          }
        }}
      >
        <label>
          Symbol
          <input value={f.symbol} onChange={set("symbol")} placeholder="e.g. ETH-PERP-2" required />
        </label>
        <label>
          Kind
          <select value={f.kind} onChange={set("kind")}>
            <option value="PERP">Perpetual</option>
            <option value="SPOT">Spot</option>
          </select>
        </label>
        <label>
          Base asset
          <select value={f.base} onChange={set("base")}>
            {[...assets.keys()].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Quote asset
          <select value={f.quote} onChange={set("quote")}>
            {[...assets.keys()].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Tick ({f.quote} per whole {f.base})<input inputMode="decimal" value={f.tick} onChange={set("tick")} />
        </label>
        <label>
          Lot ({f.base})<input inputMode="decimal" value={f.lot} onChange={set("lot")} />
        </label>
        <label>
          Min notional ({f.quote})<input inputMode="decimal" value={f.minNotional} onChange={set("minNotional")} />
        </label>
        <label>
          Maker fee (pips; negative = rebate)
          <input inputMode="numeric" value={f.maker} onChange={set("maker")} />
        </label>
        <label>
          Taker fee (pips)
          <input inputMode="numeric" value={f.taker} onChange={set("taker")} />
        </label>
        {f.kind === "PERP" && (
          <>
            <label>
              Max leverage
              <input inputMode="numeric" value={f.maxLeverage} onChange={set("maxLeverage")} />
            </label>
            <label>
              Initial margin (bps)
              <input inputMode="numeric" value={f.im} onChange={set("im")} />
            </label>
            <label>
              Maintenance margin (bps)
              <input inputMode="numeric" value={f.mm} onChange={set("mm")} />
            </label>
            <label>
              Funding interval (hours)
              <input inputMode="decimal" value={f.fundingH} onChange={set("fundingH")} />
            </label>
            <label>
              Funding cap (pips)
              <input inputMode="numeric" value={f.cap} onChange={set("cap")} />
            </label>
          </>
        )}
        {problems.map((p) => (
          <p key={p} className="error-text small" role="alert">
            {p}
          </p>
        ))}
        <button type="submit" className="primary" disabled={create.isPending || problems.length > 0 || f.symbol === ""}>
          {create.isPending ? "Creating…" : "Create market"}
        </button>
        {create.error ? <ErrorMessage error={create.error} compact /> : null}
      </form>
    </Panel>
  );
}
