export * from "./math";
export * from "./units";
