import { createTRPCRouter } from "../trpc";
import { me } from "./me";
import { nonce } from "./nonce";
import { signIn } from "./signIn";
import { signOut } from "./signOut";

/** Sign-In with Ethereum and sessions (docs/SERVICE.md, "Sign-in and sessions"). */
export const authRouter = createTRPCRouter({ nonce, signIn, signOut, me });
