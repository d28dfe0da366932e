import { createTRPCRouter } from "../trpc";
import { me } from "./me";
import { nonce } from "./nonce";
import { signIn } from "./signIn";
import { signOut } from "./signOut";

/** Sign-In with Ethereum and sessions (docs/AUTH.md). */
export const authRouter = createTRPCRouter({ nonce, signIn, signOut, me });
