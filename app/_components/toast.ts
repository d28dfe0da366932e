/**
 * Toasts without a provider: `toast.success("Order placed")` from anywhere in the client; the
 * <Toaster /> in the root layout renders them. A tiny store read with useSyncExternalStore.
 */
import { describeError } from "./errors";

export type ToastKind = "success" | "error" | "info" | "fill" | "warn";

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  body?: string;
  /** milliseconds on screen; errors stay longer */
  durationMs: number;
}

type Listener = () => void;
let items: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit() {
  for (const l of listeners) l();
}

export function subscribeToasts(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function getToasts(): Toast[] {
  return items;
}

const EMPTY: Toast[] = [];
export function getServerToasts(): Toast[] {
  return EMPTY;
}

export function dismissToast(id: number) {
  const t = timers.get(id);
  if (t) clearTimeout(t);
  timers.delete(id);
  items = items.filter((x) => x.id !== id);
  emit();
}

function push(kind: ToastKind, title: string, body?: string, durationMs?: number): number {
  const id = nextId++;
  const ms = durationMs ?? (kind === "error" ? 8_000 : 4_500);
  // at most 5 on screen: the oldest goes first
  items = [...items.slice(-4), { id, kind, title, body, durationMs: ms }];
  emit();
  timers.set(
    id,
    setTimeout(() => dismissToast(id), ms),
  );
  return id;
}

export const toast = {
  success: (title: string, body?: string) => push("success", title, body),
  info: (title: string, body?: string) => push("info", title, body),
  warn: (title: string, body?: string) => push("warn", title, body, 8_000),
  fill: (title: string, body?: string) => push("fill", title, body),
  error: (title: string, body?: string) => push("error", title, body),
  /** an error from anything thrown: message + what to do */
  fromError: (title: string, error: unknown) => {
    const d = describeError(error);
    return push("error", title, d.hint ? `${d.message} ${d.hint}` : d.message);
  },
  dismiss: dismissToast,
};
