/**
 * The risk picture of a B2B channel from its app data, per direction: the stressed exposure of the
 * net liabilities, the open-order add-on, the debtor's locked collateral, utilisation and zone.
 * The zone is taken on the worst case (filled exposure plus open orders) so that orange already
 * refuses orders whose fills could not be covered; the zone of the fills alone is reported beside it.
 */
import type { B2BAppData } from "./app-data-types";
import { validateB2BAppData } from "./app-data-validate";
import { collateralValue, type CollateralValue } from "./collateral";
import { directionalExposure, type DirectionalExposure } from "./exposure";
import { openOrderAddOn, type MarketAssets, type OpenOrderAddOn } from "./open-orders";
import { pricingTable, type AssetParams } from "./pricing";
import { directionsOf, type BrokerPair, type Direction } from "./types";
import { utilisationBps, zoneOf, type Zone } from "./zones";

/** What the app data does not carry: the brokers, each asset's decimals and f, and what each market trades. */
export interface ChannelRiskContext {
  pair: BrokerPair;
  assets: readonly AssetParams[];
  markets: readonly MarketAssets[];
}

/** One direction's risk; USD amounts ×1e18, utilisation in bps (null: no collateral against a positive exposure). */
export interface DirectionalRisk {
  exposure: DirectionalExposure;
  openOrders: OpenOrderAddOn;
  /** exposure + open-order add-on */
  worstCaseExposureUsdE18: bigint;
  /** the debtor's locked collateral */
  collateral: CollateralValue;
  utilisationBps: bigint | null;
  zone: Zone;
  /** utilisation and zone of the filled exposure alone */
  filledUtilisationBps: bigint | null;
  filledZone: Zone;
}

/** Both directions' risk [A as the debtor, B as the debtor] from validated app data at its marks and thresholds. */
export function assessChannelRisk(
  appData: B2BAppData,
  context: ChannelRiskContext,
): [DirectionalRisk, DirectionalRisk] {
  validateB2BAppData(appData);
  const pricing = pricingTable(context.assets, appData.marks);
  const assess = (direction: Direction): DirectionalRisk => {
    const exposure = directionalExposure(direction, appData.liabilities, pricing);
    const openOrders = openOrderAddOn(direction, appData.oos, context.markets, pricing);
    const collateral = collateralValue(direction.debtor, appData.cl, pricing);
    const worstCaseExposureUsdE18 = exposure.exposureUsdE18 + openOrders.addOnUsdE18;
    const utilisation = utilisationBps(worstCaseExposureUsdE18, collateral.stressedUsdE18);
    const filledUtilisation = utilisationBps(exposure.exposureUsdE18, collateral.stressedUsdE18);
    return {
      exposure,
      openOrders,
      worstCaseExposureUsdE18,
      collateral,
      utilisationBps: utilisation,
      zone: zoneOf(utilisation, appData.thresholds),
      filledUtilisationBps: filledUtilisation,
      filledZone: zoneOf(filledUtilisation, appData.thresholds),
    };
  };
  const directions = directionsOf(context.pair);
  return [assess(directions[0]), assess(directions[1])];
}
