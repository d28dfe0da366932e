/**
 * Loads Prisma's schema engine compiled to WebAssembly and opens it on a driver adapter.
 *
 * Which wasm: the Prisma CLI package ships the engine built for *its own* version
 * (node_modules/prisma/build/schema_engine_bg.wasm; reports the engines commit of prisma
 * 7.10.1) but bundles its JS glue inside cli.js, where it cannot be imported. The npm package
 * @prisma/schema-engine-wasm ships a glue module plus a wasm from a newer engine (8.1.0
 * prerelease). wasm-bindgen names every import after a hash of its signature, so when the CLI
 * wasm's imports are all present in the npm glue (checked at load time), the glue drives the
 * CLI wasm correctly: we prefer that (migrations then match what `prisma migrate` 7.10.1 would
 * write) and fall back to the npm package's own wasm otherwise.
 *
 * Never import the npm package's root ("@prisma/schema-engine-wasm"): it instantiates its own
 * wasm into the same glue module as a side effect. Only the "/schema_engine_bg" glue is used.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

export interface EngineInfo {
  /** Which wasm file is running. */
  source: "prisma-cli" | "npm-package";
  wasmPath: string;
  /** The engines commit the wasm reports. */
  commit: string;
  /** Why the preferred (CLI) wasm was not used, if it was not. */
  fallbackReason?: string;
}

interface Glue {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  version(): string;
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] | undefined },
      log: (line: string) => void,
      adapter: object,
    ) => Promise<SchemaEngine>;
  };
}

const require = createRequire(import.meta.url);

function candidateWasms(): { source: EngineInfo["source"]; wasmPath: string }[] {
  const cliDir = path.dirname(require.resolve("prisma/package.json"));
  const npmDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  return [
    { source: "prisma-cli", wasmPath: path.join(cliDir, "build", "schema_engine_bg.wasm") },
    { source: "npm-package", wasmPath: path.join(npmDir, "schema_engine_bg.wasm") },
  ];
}

async function load(): Promise<{ glue: Glue; info: EngineInfo }> {
  const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as Glue &
    Record<string, unknown>;
  const glueNames = new Set(Object.keys(glue));
  let fallbackReason: string | undefined;
  for (const candidate of candidateWasms()) {
    try {
      const module = await WebAssembly.compile(fs.readFileSync(candidate.wasmPath));
      const missing = WebAssembly.Module.imports(module)
        .filter((i) => i.module !== "./schema_engine_bg.js" || !glueNames.has(i.name))
        .map((i) => `${i.module}:${i.name}`);
      if (missing.length > 0)
        throw new Error(`its imports are not provided by the npm glue (${missing.slice(0, 3).join(", ")}…)`);
      const needed = [
        "schemaengine_new",
        "schemaengine_applyMigrations",
        "schemaengine_createMigration",
        "schemaengine_diff",
      ];
      const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
      const absent = needed.filter((n) => !exported.has(n));
      if (absent.length > 0) throw new Error(`it lacks exports ${absent.join(", ")}`);
      const instance = await WebAssembly.instantiate(module, {
        "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
      });
      glue.__wbg_set_wasm(instance.exports);
      (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
      const info: EngineInfo = { ...candidate, commit: glue.version() };
      if (fallbackReason) info.fallbackReason = fallbackReason;
      return { glue, info };
    } catch (error) {
      fallbackReason = `${candidate.wasmPath} unusable: ${(error as Error).message}`;
    }
  }
  throw new Error(`No usable schema engine wasm. ${fallbackReason ?? ""}`);
}

// One wasm instance per module copy: the glue module holds it in a module-level variable.
let instance: Promise<{ glue: Glue; info: EngineInfo }> | undefined;

function loaded() {
  return (instance ??= load());
}

export async function schemaEngineInfo(): Promise<EngineInfo> {
  return (await loaded()).info;
}

/**
 * Opens the engine on a migration-aware adapter factory (the engine connects through it, and
 * to the shadow database through its connectToShadowDb()).
 * `datamodel` is the schema the engine is initialised with (needed by createMigration/diff with
 * datasource targets; optional otherwise). Free the engine with `engine.free()` when done.
 */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: { datamodel?: { path: string; content: string }; log?: (line: string) => void } = {},
): Promise<SchemaEngine> {
  const { glue } = await loaded();
  const datamodels: [string, string][] | undefined = options.datamodel
    ? [[options.datamodel.path, options.datamodel.content]]
    : undefined;
  return glue.SchemaEngine.new({ datamodels }, options.log ?? (() => {}), bindMigrationAwareSqlAdapterFactory(factory));
}
