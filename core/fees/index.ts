export * from "./fees";
