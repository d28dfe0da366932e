"use client";
/** Small building blocks of the ops console: figures, verdicts, the reason-gated action form. */
import { useId, useState, type ReactNode } from "react";
import { ErrorMessage } from "../../_components/ErrorMessage";
import { formatAmount, formatDateTime, formatToken, shortAddress } from "../../_components/format";
import { toast } from "../../_components/toast";

export function Amount({
  value,
  decimals,
  max = 2,
  unit,
}: {
  value: bigint | null | undefined;
  decimals: number;
  max?: number;
  unit?: string;
}) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return (
    <span className={`num${value < 0n ? " neg" : ""}`} title={`${value} base units`}>
      {formatAmount(value, decimals, { maxFraction: max })}
      {unit ? ` ${unit}` : ""}
    </span>
  );
}

/** A wire amount (whole tokens with the symbol), exact in the tooltip. */
export function Token({
  t,
  max = 2,
  symbol = true,
}: {
  t: { value: string; symbol: string } | null | undefined;
  max?: number;
  symbol?: boolean;
}) {
  if (!t) return <span className="muted">—</span>;
  return (
    <span className={`num${t.value.startsWith("-") ? " neg" : ""}`} title={`${t.value} ${t.symbol}`}>
      {formatToken(t, { maxFraction: max, symbol })}
    </span>
  );
}

export function Addr({ value }: { value: string }) {
  return (
    <span className="num" title={value}>
      {shortAddress(value)}
    </span>
  );
}

export function When({ at }: { at: Date | bigint | number | null | undefined }) {
  if (at === null || at === undefined) return <span className="muted">—</span>;
  const d = typeof at === "bigint" ? new Date(Number(at)) : at instanceof Date ? at : new Date(at);
  return <time dateTime={d.toISOString()}>{formatDateTime(d)}</time>;
}

export function Verdict({
  label,
  ok,
  reasons,
  testId,
}: {
  label: string;
  ok: boolean;
  reasons: string[];
  testId: string;
}) {
  return (
    <section className={`panel verdict ${ok ? "good" : "bad"}`} data-testid={testId} aria-label={label}>
      <h2>{label}</h2>
      <p className="verdict-answer">{ok ? "Yes" : "No"}</p>
      <ul>
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </section>
  );
}

export function Panel({
  title,
  children,
  actions,
  testId,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={id} data-testid={testId}>
      <div className="panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/**
 * A button that opens an inline form asking for a reason (every admin action is audited with
 * one), then runs `run(reason)`: a loading state, the error in words, a success toast.
 */
export function ReasonAction<T>({
  label,
  confirmLabel,
  danger = false,
  disabled = false,
  disabledWhy,
  run,
  success,
  children,
  testId,
}: {
  label: string;
  confirmLabel?: string;
  danger?: boolean;
  disabled?: boolean;
  disabledWhy?: string;
  run: (reason: string) => Promise<T>;
  /** the success toast's title, or built from what `run` returned */
  success: string | ((result: T) => string);
  children?: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  if (!open)
    return (
      <button
        type="button"
        className={danger ? "danger" : undefined}
        disabled={disabled}
        title={disabled ? disabledWhy : undefined}
        onClick={() => setOpen(true)}
        data-testid={testId}
      >
        {label}
      </button>
    );
  return (
    <form
      className="reason-form"
      data-testid={testId ? `${testId}-form` : undefined}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const result = await run(reason.trim());
          toast.success(typeof success === "function" ? success(result) : success, reason.trim());
          setOpen(false);
          setReason("");
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
      <label htmlFor={id}>Reason (recorded in the audit log)</label>
      <input
        id={id}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        minLength={3}
        maxLength={500}
        required
        autoFocus
        placeholder="why"
      />
      <div className="reason-actions">
        <button type="submit" className={danger ? "danger" : "primary"} disabled={busy || reason.trim().length < 3}>
          {busy ? "Working…" : (confirmLabel ?? label)}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
      {error ? <ErrorMessage error={error} compact /> : null}
    </form>
  );
}

export function Loading({
  q,
  children,
}: {
  q: { isPending: boolean; error: unknown; refetch: () => unknown };
  children: () => ReactNode;
}) {
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.isPending) return <p className="muted">Loading…</p>;
  return <>{children()}</>;
}

export function bps(v: bigint | null | undefined): string {
  if (v === null || v === undefined) return "—";
  return `${formatAmount(v, 2, { maxFraction: 2, group: false })}%`;
}

/** For charts only (Recharts plots numbers): a base-unit bigint as a float of whole units. Never used for money math. */
export function plot(v: bigint, decimals: number): number {
  return Number(formatAmount(v, decimals, { group: false, maxFraction: Math.min(decimals, 8) }).replace("−", "-"));
}
