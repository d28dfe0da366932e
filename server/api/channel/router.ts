import { createTRPCRouter } from "../trpc";
import { cancelClose } from "./cancelClose";
import { cancelWithdraw } from "./cancelWithdraw";
import { depositInstructions } from "./depositInstructions";
import { history } from "./history";
import { latestState } from "./latestState";
import { prepareOpen } from "./prepareOpen";
import { requestClose } from "./requestClose";
import { requestWithdraw } from "./requestWithdraw";
import { states } from "./states";
import { status } from "./status";
import { submitCoSignature } from "./submitCoSignature";

export const channelRouter = createTRPCRouter({
  prepareOpen,
  submitCoSignature,
  latestState,
  status,
  history,
  depositInstructions,
  requestWithdraw,
  cancelWithdraw,
  requestClose,
  cancelClose,
  states,
});
