// Types for clearline-plugin.js (the project compiles without allowJs).
import type { ESLint } from "eslint";

/** [layer, files, may import] rows, top to bottom. */
export declare const LAYERS: [layer: string, files: string[], mayImport: string[]][];
export declare const TEST_FILES: string[];
export declare const PROCESS_GLOBALS: { module: string; names: string[] }[];
export declare function resolveSpecifier(root: string, fromFile: string, spec: string): string | null;
export declare function staticImports(fileName: string, text: string): { spec: string; typeOnly: boolean }[];

declare const plugin: ESLint.Plugin;
export default plugin;
