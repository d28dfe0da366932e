export { Exchange, type AccountRisk } from "./exchange";
export type * from "./events";
export type { EngineSnapshot } from "./snapshot";
export { FEE_ACCOUNT, INSURANCE_ACCOUNT, EXCHANGE_ACCOUNT, isReservedAccount } from "./state";
export { checkInvariants } from "./invariants";
export { toClearlineError, type Rejection } from "../market/rejection";
