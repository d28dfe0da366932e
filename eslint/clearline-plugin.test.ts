import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, it } from "vitest";
import plugin from "./clearline-plugin.js";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

// A throwaway repo: no-cycle reads its files from disk; the other rules only need the paths
// (an import of a missing file resolves to `<specifier>.ts`).
const root = fs.mkdtempSync(path.join(os.tmpdir(), "clearline-eslint-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}
write({
  "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@/*": ["./*"] } } }),
  "core/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
  "core/b.ts": 'import { c } from "./c";\nexport const b = 1;\nexport { c };\n',
  "core/c.ts": 'import { a } from "./a";\nexport const c = a;\n',
  "core/t1.ts": 'import type { T2 } from "./t2";\nexport type T1 = T2;\n',
  "core/t2.ts": 'import type { T1 } from "./t1";\nexport type T2 = T1 | 1;\n',
  "core/leaf.ts": "export const leaf = 1;\n",
  "core/uses-leaf.ts": 'import { leaf } from "./leaf";\nexport const x = leaf;\n',
  "core/lazy1.ts": 'export const l1 = () => import("./lazy2");\n',
  "core/lazy2.ts": 'import { l1 } from "./lazy1";\nexport const l2 = l1;\n',
  "core/index.ts": 'export * from "./leaf";\n',
  "core/sub/deep.ts": 'import { leaf } from "..";\nexport const deep = leaf;\n',
  "server/x.ts": 'import { y } from "./y";\nexport const x = y;\n',
  "server/y.ts": 'import { x } from "./x";\nexport const y = x;\n',
});

const file = (rel: string) => path.join(root, rel);
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser },
  settings: { clearline: { root } },
});
const rules = plugin.rules!;

describe("clearline/layers", () => {
  tester.run("layers", rules.layers!, {
    valid: [
      // down the table, packages, own layer
      { filename: file("server/api/orders/place.ts"), code: 'import { placeOrder } from "../../services/orders";' },
      { filename: file("server/api/orders/place.ts"), code: 'import { z } from "zod"; import "./schemas";' },
      { filename: file("server/services/orders.ts"), code: 'import { x } from "../engine/runtime";' },
      {
        filename: file("server/engine/runtime.ts"),
        code: 'import type { Db } from "../db"; import { env } from "@/server/env";',
      },
      { filename: file("server/auth/deps.ts"), code: 'import { chainClient } from "../chain/client";' },
      { filename: file("server/db.ts"), code: 'import { PrismaClient } from "../generated/prisma/client";' },
      { filename: file("server/main.ts"), code: 'import { apiListener } from "./http/api-listener";' },
      { filename: file("server/main.ts"), code: 'import { publishAppServices } from "./published-services";' },
      { filename: file("server/http/order-entry.ts"), code: 'import { appRouter } from "../api/root";' },
      { filename: file("core/engine/orders.ts"), code: 'import { add } from "../money"; import { z } from "zod";' },
      // app is above api: the router's type, and the caller for server components
      { filename: file("app/_trpc/client.ts"), code: 'import type { AppRouter } from "@/server/api/root";' },
      { filename: file("app/(trade)/page.tsx"), code: 'import { createCaller } from "@/server/api/root";' },
      {
        filename: file("app/_trpc/server.ts"),
        code: 'import { publishedAppServices } from "@/server/published-services";',
      },
      // tests and test support are exempt
      {
        filename: file("server/engine/runtime.integration.test.ts"),
        code: 'import { placeOrder } from "../services/orders";',
      },
      { filename: file("server/testing/services.ts"), code: 'import { appRouter } from "../api/root";' },
      { filename: file("server/chain/watcher.test-util.ts"), code: 'import { x } from "../services/channels";' },
      { filename: file("core/channel/arbitraries.test-util.ts"), code: 'import { x } from "../../server/db";' },
      // files outside the table
      { filename: file("scripts/dev.ts"), code: 'import { main } from "../server/main";' },
    ],
    invalid: [
      {
        filename: file("core/engine/orders.ts"),
        code: 'import { env } from "../../server/env";',
        errors: [
          {
            messageId: "upward",
            data: {
              from: "core/engine/orders.ts",
              fromLayer: "core",
              to: "server/env.ts",
              toLayer: "base",
              allowed: "core and packages",
            },
          },
        ],
      },
      {
        // core imports only core: not even generated code or contracts
        filename: file("core/chain/x.ts"),
        code: 'import { abi } from "@/contracts/generated";',
        errors: [
          {
            messageId: "upward",
            data: {
              from: "core/chain/x.ts",
              fromLayer: "core",
              to: "contracts/generated.ts",
              toLayer: "other",
              allowed: "core and packages",
            },
          },
        ],
      },
      {
        // type-only imports count
        filename: file("server/engine/market-config.ts"),
        code: 'import type { MarketRow } from "../services/markets";',
        errors: [{ messageId: "upward" }],
      },
      {
        filename: file("server/channels/service.ts"),
        code: 'export { x } from "../api/root"; export * from "../http/book-stream";',
        errors: [{ messageId: "upward" }, { messageId: "upward" }],
      },
      {
        filename: file("server/chain/watcher.ts"),
        code: 'const m = await import("@/app/layout"); type T = import("../services/x").T;',
        errors: [{ messageId: "upward" }, { messageId: "upward" }],
      },
      {
        filename: file("server/services/system-status.ts"),
        code: 'import { servicesError } from "../app-services"; import { h } from "../api/handler";',
        errors: [{ messageId: "upward" }, { messageId: "upward" }],
      },
      {
        filename: file("server/api/context.ts"),
        code: 'import type { AppServices } from "../app-services"; import { l } from "../http/api-listener";',
        errors: [
          {
            messageId: "upward",
            data: {
              from: "server/api/context.ts",
              fromLayer: "api",
              to: "server/app-services.ts",
              toLayer: "entry",
              allowed: "api, services, parts, base, core, other and packages",
            },
          },
          { messageId: "upward" },
        ],
      },
      {
        filename: file("server/db/execute.ts"),
        code: 'import { getEngineRuntime } from "../engine/runtime";',
        errors: [{ messageId: "upward" }],
      },
      {
        // nothing under server/ imports app/, not even the process entry
        filename: file("server/main.ts"),
        code: 'import { x } from "../app/layout";',
        errors: [{ messageId: "upward" }],
      },
      {
        // the app reaches the server through the API and the handover, never the root or http
        filename: file("app/providers.tsx"),
        code: 'import { buildAppServices } from "@/server/app-services"; import { l } from "@/server/http/api-listener";',
        errors: [{ messageId: "upward" }, { messageId: "upward" }],
      },
      {
        // a server file the table does not place yet: nothing may import it
        filename: file("server/services/orders.ts"),
        code: 'import { n } from "../new-thing";',
        errors: [
          {
            messageId: "upward",
            data: {
              from: "server/services/orders.ts",
              fromLayer: "services",
              to: "server/new-thing.ts",
              toLayer: "unplaced",
              allowed: "services, parts, base, core, other and packages",
            },
          },
        ],
      },
      {
        // the table is an option
        filename: file("lib/a.ts"),
        code: 'import { b } from "../ui/b";',
        options: [
          {
            layers: [
              ["ui", ["ui/**"], ["lib"]],
              ["lib", ["lib/**"], []],
            ],
          },
        ],
        errors: [{ messageId: "upward" }],
      },
    ],
  });
});

describe("clearline/no-cycle", () => {
  tester.run("no-cycle", rules["no-cycle"]!, {
    valid: [
      { filename: file("core/uses-leaf.ts"), code: fs.readFileSync(file("core/uses-leaf.ts"), "utf8") },
      // import() is deferred: lazy1 → lazy2 → lazy1 is no cycle at load time
      { filename: file("core/lazy1.ts"), code: fs.readFileSync(file("core/lazy1.ts"), "utf8") },
      { filename: file("core/lazy2.ts"), code: fs.readFileSync(file("core/lazy2.ts"), "utf8") },
      { filename: file("core/sub/deep.ts"), code: 'import { leaf } from "..";' },
      // type-only cycles may be allowed
      {
        filename: file("core/t1.ts"),
        code: fs.readFileSync(file("core/t1.ts"), "utf8"),
        options: [{ dirs: ["core"], ignoreTypeImports: true }],
      },
      // server/ is not in the default set
      { filename: file("server/x.ts"), code: fs.readFileSync(file("server/x.ts"), "utf8") },
    ],
    invalid: [
      {
        filename: file("core/a.ts"),
        code: fs.readFileSync(file("core/a.ts"), "utf8"),
        errors: [{ messageId: "cycle", data: { cycle: "core/a.ts → core/b.ts → core/c.ts → core/a.ts" }, line: 1 }],
      },
      {
        // reported on the re-export too, and on the import that closes it
        filename: file("core/b.ts"),
        code: 'import { c } from "./c";\nexport { c as d } from "./c";\n',
        errors: [
          { messageId: "cycle", data: { cycle: "core/b.ts → core/c.ts → core/a.ts → core/b.ts" }, line: 1 },
          { messageId: "cycle", line: 2 },
        ],
      },
      {
        // type-only cycles count by default
        filename: file("core/t2.ts"),
        code: fs.readFileSync(file("core/t2.ts"), "utf8"),
        errors: [{ messageId: "cycle", data: { cycle: "core/t2.ts → core/t1.ts → core/t2.ts" } }],
      },
      {
        // the file's live text counts, not what is on disk: leaf.ts now imports back
        filename: file("core/leaf.ts"),
        code: 'import { x } from "./uses-leaf";\nexport const leaf = x;\n',
        errors: [{ messageId: "cycle", data: { cycle: "core/leaf.ts → core/uses-leaf.ts → core/leaf.ts" } }],
      },
      {
        filename: file("server/y.ts"),
        code: fs.readFileSync(file("server/y.ts"), "utf8"),
        options: [{ dirs: ["core/**", "server"] }],
        errors: [{ messageId: "cycle", data: { cycle: "server/y.ts → server/x.ts → server/y.ts" } }],
      },
    ],
  });
});

describe("clearline/context-only", () => {
  const procedure = file("server/api/orders/place.ts");
  tester.run("context-only", rules["context-only"]!, {
    valid: [
      { filename: procedure, code: 'import { placeOrder } from "../../services/orders";' },
      { filename: procedure, code: 'import { type EngineRuntime } from "../../engine/runtime";' },
      { filename: procedure, code: 'import type { Env } from "@/server/env"; import type { Db } from "../../db";' },
      // a same-named export of another module is fine
      { filename: procedure, code: 'import { env } from "../../services/config";' },
      {
        filename: procedure,
        code: 'import { getDb } from "../../db";',
        options: [{ getters: [{ module: "server/env", names: ["env"] }] }],
      },
    ],
    invalid: [
      {
        filename: procedure,
        code: 'import { getEngineRuntime, type EngineRuntime } from "../../engine/runtime";',
        errors: [{ messageId: "getter", data: { name: "getEngineRuntime", module: "server/engine/runtime" } }],
      },
      {
        filename: procedure,
        code: 'import { getDb, getDbHandle as h } from "@/server/db"; import { env } from "../../env.ts";',
        errors: [
          { messageId: "getter" },
          { messageId: "getter" },
          { messageId: "getter", data: { name: "env", module: "server/env" } },
        ],
      },
      {
        filename: procedure,
        code: 'import { channels } from "../../services/channels"; import { authDeps } from "../../auth/deps";',
        errors: [{ messageId: "getter" }, { messageId: "getter" }],
      },
      {
        filename: procedure,
        code: 'import * as chain from "../../chain/client"; export { currentDeployment } from "../../chain/deployment";',
        errors: [
          {
            messageId: "whole",
            data: { how: "namespace import", module: "server/chain/client", names: "chainClient" },
          },
          { messageId: "getter" },
        ],
      },
      {
        filename: procedure,
        code: 'export * from "../../engine/runtime"; const m = await import("../../db");',
        errors: [{ messageId: "whole" }, { messageId: "whole" }],
      },
      {
        filename: procedure,
        code: 'import { publishedAppServices } from "../../published-services";',
        errors: [{ messageId: "getter" }],
      },
    ],
  });
});
