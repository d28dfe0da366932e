/**
 * TEMPORARY: the process handoff of the engine runtime — a globalThis slot (Next.js loads modules
 * more than once) and the process-global getters that read it. Callers are moving to having the
 * runtime handed to them; once none is left, delete this module and its three calls in runtime.ts
 * (startEngineRuntime's check and registration, stop()'s release) in one step.
 */
import { ClearlineError } from "../../core/errors";
import type { EngineRuntime } from "./runtime-types";

type GlobalWithRuntime = typeof globalThis & { __clearlineEngine?: EngineRuntime };

/** The process's engine runtime, once startEngineRuntime() has run (globalThis: Next.js loads modules more than once). */
export function getEngineRuntime(): EngineRuntime {
  const rt = (globalThis as GlobalWithRuntime).__clearlineEngine;
  if (rt === undefined) throw new ClearlineError("UNAVAILABLE", "the engine is not running");
  return rt;
}

/** Like getEngineRuntime() but null when not started. */
export function maybeEngineRuntime(): EngineRuntime | null {
  return (globalThis as GlobalWithRuntime).__clearlineEngine ?? null;
}

/** Throws CONFLICT when this process already has a runtime (one writer per process). */
export function assertNoProcessRuntime(): void {
  if ((globalThis as GlobalWithRuntime).__clearlineEngine !== undefined)
    throw new ClearlineError("CONFLICT", "an engine runtime is already running in this process (stop it first)");
}

/** Make `rt` the one getEngineRuntime() returns. */
export function registerProcessRuntime(rt: EngineRuntime): void {
  (globalThis as GlobalWithRuntime).__clearlineEngine = rt;
}

/** Empty the slot if `rt` is in it (it is stopping). */
export function releaseProcessRuntime(rt: EngineRuntime): void {
  const g = globalThis as GlobalWithRuntime;
  if (g.__clearlineEngine === rt) g.__clearlineEngine = undefined;
}
