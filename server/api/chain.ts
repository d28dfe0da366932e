/** The chain parts and the channel service a procedure needs, or UNAVAILABLE (only engine-only test processes lack them). */
import { ClearlineError } from "../../core/errors";
import type { ChainParts } from "./services";
import type { ChannelService } from "../channels/service";
import type { Context } from "./context";

export function chainOf(ctx: Context): ChainParts {
  const chain = ctx.services.chain;
  if (chain === null) throw new ClearlineError("UNAVAILABLE", "this server has no chain connection", {});
  return chain;
}

export function channelsOf(ctx: Context): ChannelService {
  const channels = ctx.services.channels;
  if (channels === null) throw new ClearlineError("UNAVAILABLE", "this server runs no channel service", {});
  return channels;
}
