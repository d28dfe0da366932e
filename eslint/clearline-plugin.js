/**
 * Clearline's architecture rules, as a local ESLint plugin (eslint.config.js loads it):
 *
 *   clearline/layers        imports point down the LAYERS table below, never up
 *   clearline/no-cycle      no import cycle among the files of the configured directories
 *   clearline/context-only  tRPC procedures reach the server's parts through the context,
 *                           not through the process-global getters
 *
 * Import specifiers are resolved to repo paths: relative ones against the importing file, the
 * others through tsconfig.json's `paths` (`@/*` → `./*`); anything else is a package and allowed.
 * Tests: eslint/clearline-plugin.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * The layers, top to bottom. A file belongs to the first row one of whose patterns matches its
 * repo path (`dir/**`: anything under dir; otherwise the exact file). A file may import files of
 * its own layer, of the layers its row lists, and packages; "other" stands for repo files no row
 * claims (contracts/, generated/, prisma/, …). Type-only imports count: a cycle in types is still
 * a cycle between layers.
 */
export const LAYERS = [
  // [layer, files, may import (besides its own layer and packages)]
  ["app", ["app/**"], ["handover", "api", "services", "parts", "base", "core", "other"]],
  // the slot through which server/main.ts hands the running services to Next's copy of the modules
  // (it holds an AppServices, whose type the api layer declares)
  ["handover", ["server/published-services.ts"], ["api"]],
  // the process entry and the composition root: the only place that wires the parts together
  // (main.ts publishes into the handover slot above it: the one sanctioned upward import)
  [
    "entry",
    ["server/main.ts", "server/app-services.ts"],
    ["handover", "http", "api", "services", "parts", "base", "core", "other"],
  ],
  ["http", ["server/http/**"], ["api", "services", "parts", "base", "core", "other"]],
  ["api", ["server/api/**"], ["services", "parts", "base", "core", "other"]],
  ["services", ["server/services/**", "server/public-config.ts"], ["parts", "base", "core", "other"]],
  // the server's parts; they may use each other (auth/deps reads the chain client)
  ["parts", ["server/engine/**", "server/channels/**", "server/chain/**", "server/auth/**"], ["base", "core", "other"]],
  // what every part stands on: configuration, the seams, the database, process plumbing
  [
    "base",
    ["server/env.ts", "server/ports.ts", "server/db.ts", "server/db/**", "server/process-singleton.ts"],
    ["core", "other"],
  ],
  ["core", ["core/**"], []],
  // a server file not placed above yet: it may import anything but app/, and nothing may import it
  ["unplaced", ["server/**"], ["handover", "entry", "http", "api", "services", "parts", "base", "core", "other"]],
];

/** Files the layer rule does not look at: tests and test support. */
export const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "**/*.test-util.ts", "**/testing/**", "**/testing.ts"];

/** The process-global getters a procedure must not import (the default of clearline/context-only). */
export const PROCESS_GLOBALS = [
  { module: "server/engine/runtime", names: ["getEngineRuntime", "maybeEngineRuntime"] },
  { module: "server/services/channels", names: ["channels", "channelCustodySink"] },
  { module: "server/db", names: ["getDb", "getDbHandle"] },
  { module: "server/auth/deps", names: ["authDeps"] },
  { module: "server/chain/client", names: ["chainClient"] },
  { module: "server/chain/deployment", names: ["currentDeployment"] },
  { module: "server/env", names: ["env"] },
  { module: "server/published-services", names: ["publishedAppServices"] },
];

// ---------------------------------------------------------------------------------------------
// Paths

/** The repo root: `settings.clearline.root`, else the folder above this plugin. */
function repoRoot(context) {
  return context.settings?.clearline?.root ?? path.resolve(import.meta.dirname, "..");
}

const toPosix = (p) => p.split(path.sep).join("/");

/** `root`-relative POSIX path, or null when `abs` lies outside root. */
function relative(root, abs) {
  const rel = toPosix(path.relative(root, abs));
  return rel.startsWith("../") || rel === ".." || path.isAbsolute(rel) ? null : rel;
}

/** A tiny glob: `**\/x` (any folder), `dir/**` (under dir), `*` within one segment. */
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith("**/", i)) {
      re += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("/**", i) && i + 3 === glob.length) {
      re += "/.*";
      i += 2;
    } else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const globCache = new Map();
function matches(rel, globs) {
  return globs.some((g) => {
    let re = globCache.get(g);
    if (!re) globCache.set(g, (re = globToRegExp(g)));
    return re.test(rel);
  });
}

const fileCache = new Map();
function isFile(abs) {
  let yes = fileCache.get(abs);
  if (yes === undefined) {
    try {
      yes = fs.statSync(abs).isFile();
    } catch {
      yes = false;
    }
    fileCache.set(abs, yes);
  }
  return yes;
}

const aliasCache = new Map();
/** tsconfig.json `paths` of root as [prefix, [target prefixes]] (only `x/*` → `y/*` forms). */
function aliases(root) {
  let found = aliasCache.get(root);
  if (found) return found;
  found = [["@/", ["./"]]];
  const file = path.join(root, "tsconfig.json");
  if (isFile(file)) {
    const { config } = ts.readConfigFile(file, ts.sys.readFile);
    const paths = config?.compilerOptions?.paths;
    if (paths) {
      found = Object.entries(paths)
        .filter(([key]) => key.endsWith("*"))
        .map(([key, targets]) => [key.slice(0, -1), targets.map((t) => t.replace(/\*$/, ""))]);
    }
  }
  aliasCache.set(root, found);
  return found;
}

const EXTENSIONS = [".ts", ".tsx", ".d.ts", ".js", ".mjs"];
/**
 * The file an import specifier names, as an absolute path; null for a package. When no file
 * exists, the path with `.ts` appended (so the rules still classify an import of a missing file).
 */
export function resolveSpecifier(root, fromFile, spec) {
  let bases;
  if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
    bases = [path.resolve(path.dirname(fromFile), spec)];
  } else {
    const alias = aliases(root).find(([prefix]) => spec.startsWith(prefix));
    if (!alias) return null;
    bases = alias[1].map((target) => path.resolve(root, target + spec.slice(alias[0].length)));
  }
  for (const base of bases) {
    const candidates = [base, base.replace(/\.(m?)js(x?)$/, ".$1ts$2")];
    for (const ext of EXTENSIONS) candidates.push(base + ext);
    for (const ext of EXTENSIONS) candidates.push(path.join(base, "index" + ext));
    const hit = candidates.find(isFile);
    if (hit) return hit;
  }
  return /\.[cm]?[jt]sx?$/.test(bases[0]) ? bases[0] : bases[0] + ".ts";
}

// ---------------------------------------------------------------------------------------------
// Imports in an ESLint AST

/** The string a module-naming node holds, or null. */
function literal(node) {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node.type === "TSLiteralType") return literal(node.literal);
  return null;
}

function allTypeOnly(specifiers, kindKey) {
  return specifiers.length > 0 && specifiers.every((s) => s[kindKey] === "type");
}

/**
 * Calls visit({ node, spec, typeOnly, dynamic }) for every import of a module in the file:
 * import/export-from declarations, `import x = require()`, `import()` and `import("x").T`.
 */
function importVisitors(visit) {
  return {
    ImportDeclaration(node) {
      const typeOnly = node.importKind === "type" || allTypeOnly(node.specifiers, "importKind");
      visit({ node, spec: node.source.value, typeOnly, dynamic: false });
    },
    ExportNamedDeclaration(node) {
      if (!node.source) return;
      const typeOnly = node.exportKind === "type" || allTypeOnly(node.specifiers, "exportKind");
      visit({ node, spec: node.source.value, typeOnly, dynamic: false });
    },
    ExportAllDeclaration(node) {
      visit({ node, spec: node.source.value, typeOnly: node.exportKind === "type", dynamic: false });
    },
    TSImportEqualsDeclaration(node) {
      if (node.moduleReference.type !== "TSExternalModuleReference") return;
      const spec = literal(node.moduleReference.expression);
      if (spec !== null) visit({ node, spec, typeOnly: node.importKind === "type", dynamic: false });
    },
    ImportExpression(node) {
      const spec = literal(node.source);
      if (spec !== null) visit({ node, spec, typeOnly: false, dynamic: true });
    },
    TSImportType(node) {
      const spec = literal(node.source) ?? literal(node.argument);
      if (spec !== null) visit({ node, spec, typeOnly: true, dynamic: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// clearline/layers

function layerOf(rel, layers) {
  const row = layers.find(([, files]) => matches(rel, files));
  return row ? row[0] : "other";
}

const layers = {
  meta: {
    type: "problem",
    docs: { description: "Imports point down the layer table (app → api → services → parts → base → core)." },
    schema: [
      {
        type: "object",
        properties: {
          layers: {
            type: "array",
            items: {
              type: "array",
              items: [{ type: "string" }, { type: "array", items: { type: "string" } }],
              minItems: 3,
              maxItems: 3,
            },
          },
          exempt: { type: "array", items: { type: "string" } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "{{from}} (layer {{fromLayer}}) may not import {{to}} (layer {{toLayer}}): layer {{fromLayer}} imports only {{allowed}}.",
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const table = options.layers ?? LAYERS;
    const root = repoRoot(context);
    const from = relative(root, context.filename);
    if (from === null || matches(from, options.exempt ?? TEST_FILES)) return {};
    const row = table.find(([, files]) => matches(from, files));
    if (!row) return {};
    const [fromLayer, , mayImport] = row;
    return importVisitors(({ node, spec }) => {
      const target = resolveSpecifier(root, context.filename, spec);
      if (target === null) return;
      const to = relative(root, target);
      if (to === null) return;
      const toLayer = layerOf(to, table);
      if (toLayer === fromLayer || mayImport.includes(toLayer)) return;
      context.report({
        node,
        messageId: "upward",
        data: {
          from,
          fromLayer,
          to,
          toLayer,
          allowed: [fromLayer, ...mayImport].join(", ") + " and packages",
        },
      });
    });
  },
};

// ---------------------------------------------------------------------------------------------
// clearline/no-cycle

const SKIP_DIRS = new Set(["node_modules", "generated", ".next", ".git"]);

/** Every .ts/.tsx file (not .d.ts) under root/dir. */
function sourceFiles(root, dir) {
  const out = [];
  const walk = (abs) => {
    let entries;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(abs, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
    }
  };
  walk(path.join(root, dir));
  return out;
}

/** The static imports of one file's text: [{ spec, typeOnly }], read with the TypeScript parser. */
export function staticImports(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const out = [];
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      const clause = s.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : null;
      const typeOnly =
        !!clause?.isTypeOnly ||
        (!!clause && !clause.name && !!named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      out.push({ spec: s.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const named = s.exportClause && ts.isNamedExports(s.exportClause) ? s.exportClause : null;
      const typeOnly =
        s.isTypeOnly || (!!named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      out.push({ spec: s.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isImportEqualsDeclaration(s) &&
      ts.isExternalModuleReference(s.moduleReference) &&
      ts.isStringLiteral(s.moduleReference.expression)
    ) {
      out.push({ spec: s.moduleReference.expression.text, typeOnly: s.isTypeOnly });
    }
  }
  return out;
}

/**
 * The import graph of the files under `dirs`, built once per lint run (per root and dir set):
 * file → [{ target, typeOnly }], edges only between files of the set. The file being linted
 * replaces its own edges from its live source, so an edit is seen without a restart.
 */
const graphs = new Map();
function importGraph(root, dirs) {
  const key = `${root}\0${dirs.join("\0")}`;
  let graph = graphs.get(key);
  if (graph) return graph;
  graph = { files: new Set(), edges: new Map() };
  for (const dir of dirs) for (const f of sourceFiles(root, dir)) graph.files.add(f);
  for (const file of graph.files) {
    const text = fs.readFileSync(file, "utf8");
    const edges = [];
    for (const { spec, typeOnly } of staticImports(file, text)) {
      const target = resolveSpecifier(root, file, spec);
      if (target !== null && graph.files.has(target)) edges.push({ target, typeOnly });
    }
    graph.edges.set(file, edges);
  }
  graphs.set(key, graph);
  return graph;
}

/** The shortest import path from `start` to `goal` as a list of files, or null. */
function shortestPath(graph, start, goal, countTypes) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === goal) {
      const chain = [];
      for (let f = goal; f !== null; f = previous.get(f)) chain.unshift(f);
      return chain;
    }
    for (const { target, typeOnly } of graph.edges.get(file) ?? []) {
      if ((countTypes || !typeOnly) && !previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return null;
}

const noCycle = {
  meta: {
    type: "problem",
    docs: { description: "No import cycle among the files of the configured directories." },
    schema: [
      {
        type: "object",
        properties: {
          dirs: { type: "array", items: { type: "string" }, minItems: 1 },
          ignoreTypeImports: { type: "boolean" },
        },
        additionalProperties: false,
      },
    ],
    messages: { cycle: "Import cycle: {{cycle}}." },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const dirs = (options.dirs ?? ["core"]).map((d) => d.replace(/\/(\*\*)?$/, ""));
    const countTypes = !options.ignoreTypeImports;
    const root = repoRoot(context);
    const file = context.filename;
    const rel = relative(root, file);
    if (rel === null || !dirs.some((d) => rel.startsWith(d + "/"))) return {};
    const graph = importGraph(root, dirs);
    const imports = [];
    return {
      ...importVisitors(({ node, spec, typeOnly, dynamic }) => {
        if (dynamic) return; // import() is deferred: it does not take part in module initialisation
        const target = resolveSpecifier(root, file, spec);
        if (target !== null && graph.files.has(target)) imports.push({ node, target, typeOnly });
      }),
      "Program:exit"() {
        graph.files.add(file);
        graph.edges.set(
          file,
          imports.map(({ target, typeOnly }) => ({ target, typeOnly })),
        );
        for (const { node, target, typeOnly } of imports) {
          if (typeOnly && !countTypes) continue;
          const back = shortestPath(graph, target, file, countTypes);
          if (!back) continue;
          const cycle = [file, ...back].map((f) => relative(root, f) ?? f).join(" → ");
          context.report({ node, messageId: "cycle", data: { cycle } });
        }
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// clearline/context-only

const moduleKey = (rel) => rel.replace(/\.(d\.)?[cm]?[jt]sx?$/, "").replace(/\/index$/, "");

const contextOnly = {
  meta: {
    type: "problem",
    docs: { description: "Procedures reach the server's parts through the tRPC context, not process-global getters." },
    schema: [
      {
        type: "object",
        properties: {
          getters: {
            type: "array",
            items: {
              type: "object",
              properties: {
                module: { type: "string" },
                names: { type: "array", items: { type: "string" } },
              },
              required: ["module", "names"],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      getter: "{{name}} (from {{module}}) is a process-global getter: reach it through the tRPC context (ctx).",
      whole: "This {{how}} of {{module}} reaches its process-global getters ({{names}}): use the tRPC context (ctx).",
    },
  },
  create(context) {
    const getters = (context.options[0]?.getters ?? PROCESS_GLOBALS).map((g) => ({ ...g, key: moduleKey(g.module) }));
    const root = repoRoot(context);
    const getterModule = (spec) => {
      const target = resolveSpecifier(root, context.filename, spec);
      const rel = target && relative(root, target);
      return rel ? getters.find((g) => g.key === moduleKey(rel)) : undefined;
    };
    const name = (id) => (id.type === "Identifier" ? id.name : id.value);
    const whole = (node, g, how) =>
      context.report({ node, messageId: "whole", data: { how, module: g.module, names: g.names.join(", ") } });
    const named = (specifiers, kindKey, nameKey) => (node, g) => {
      for (const s of specifiers(node)) {
        if (s.type === "ImportNamespaceSpecifier") whole(s, g, "namespace import");
        else if (s[kindKey] !== "type" && s[nameKey] && g.names.includes(name(s[nameKey])))
          context.report({ node: s, messageId: "getter", data: { name: name(s[nameKey]), module: g.module } });
      }
    };
    const checkImport = named((n) => n.specifiers, "importKind", "imported");
    const checkExport = named((n) => n.specifiers, "exportKind", "local");
    return {
      ImportDeclaration(node) {
        if (node.importKind === "type") return;
        const g = getterModule(node.source.value);
        if (g) checkImport(node, g);
      },
      ExportNamedDeclaration(node) {
        if (!node.source || node.exportKind === "type") return;
        const g = getterModule(node.source.value);
        if (g) checkExport(node, g);
      },
      ExportAllDeclaration(node) {
        if (node.exportKind === "type") return;
        const g = getterModule(node.source.value);
        if (g) whole(node, g, "re-export");
      },
      ImportExpression(node) {
        const spec = literal(node.source);
        const g = spec === null ? undefined : getterModule(spec);
        if (g) whole(node, g, "dynamic import");
      },
    };
  },
};

export default {
  meta: { name: "clearline", version: "1.0.0" },
  rules: { layers, "no-cycle": noCycle, "context-only": contextOnly },
};
