"use client";
import { describeError } from "./errors";

/** An error as the user should see it: what went wrong, what to do, and a retry when there is one. */
export function ErrorMessage({
  error,
  onRetry,
  compact = false,
}: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}) {
  if (!error) return null;
  const d = describeError(error);
  return (
    <div
      className={`error-box${compact ? " compact" : ""}`}
      role="alert"
      data-testid="error"
      data-code={d.code ?? undefined}
    >
      <span className="error-text">{d.message}</span>
      {d.hint && <span className="muted"> {d.hint}</span>}
      {onRetry && (
        <button type="button" onClick={onRetry} className="link-button">
          Retry
        </button>
      )}
    </div>
  );
}
