import { z } from "zod";
import { positions as positionsService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { positionSchema } from "./schemas";

/** Open perpetual positions: size, entry, mark, estimated liquidation price, PnL, margin ratio. */
export const positions = authedProcedure
  .output(z.array(positionSchema))
  .query(({ ctx }) => positionsService(ctx.services.engine, ctx.session.address));
