/**
 * Checks a Sign-In with Ethereum (EIP-4361) message against what this exchange expects, field
 * by field, so a refusal says which field is wrong. The signature and the nonce are checked by
 * the sign-in service (server/services/auth.ts) with verifySiweSignature below; this module reads
 * no clock, env or database.
 */
import {
  getAddress,
  hashMessage,
  hexToBytes,
  isErc6492Signature,
  parseErc6492Signature,
  recoverMessageAddress,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { createSiweMessage, parseSiweMessage } from "viem/siwe";
import { verifyDigestSignature } from "../../core/channel/signature";
import { ClearlineError } from "../../core/errors";

export interface SiweExpectations {
  /** RFC 3986 authority of the app (APP_URL's host, with port) */
  domain: string;
  /** APP_URL's origin; the message's URI must be on it */
  origin: string;
  chainId: number;
  now: Date;
  /** the oldest issuedAt accepted, as an age */
  maxAgeSeconds: number;
}

export interface CheckedSiweMessage {
  address: Address;
  nonce: string;
  chainId: number;
  issuedAt: Date;
  expirationTime: Date | null;
}

/** Clocks of browsers and servers drift; a message "issued" this far ahead is still accepted. */
export const SIWE_CLOCK_SKEW_MS = 60_000;

export function refuseSignIn(reason: string, message: string, details: Record<string, string | number> = {}): never {
  throw new ClearlineError("UNAUTHORIZED", message, { reason, ...details });
}

/** The fields of a well-formed message that passes every check; throws UNAUTHORIZED naming the failed check. */
export function checkSiweMessage(message: string, expect: SiweExpectations): CheckedSiweMessage {
  const parsed = parseSiweMessage(message);
  const missing = (["domain", "address", "uri", "version", "chainId", "nonce", "issuedAt"] as const).filter(
    (k) => parsed[k] === undefined,
  );
  if (missing.length > 0)
    refuseSignIn("malformed", `Sign-in message is not an EIP-4361 message (missing: ${missing.join(", ")}).`);

  // The parser is a lenient regex: accept only the canonical text of the parsed fields, so what
  // the wallet showed is exactly what was checked (no second "URI:" hidden in a statement).
  let canonical: string;
  try {
    canonical = createSiweMessage({ ...parsed } as Parameters<typeof createSiweMessage>[0]);
  } catch (e) {
    refuseSignIn(
      "malformed",
      `Sign-in message is not a valid EIP-4361 message: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  if (canonical !== message)
    refuseSignIn(
      "malformed",
      "Sign-in message is not in canonical EIP-4361 form (create it with viem's createSiweMessage).",
    );

  if (parsed.domain !== expect.domain) {
    refuseSignIn(
      "domain",
      `Sign-in message is for domain "${parsed.domain}", but this exchange is "${expect.domain}".`,
      { domain: parsed.domain!, expected: expect.domain },
    );
  }
  let uriOrigin: string;
  try {
    uriOrigin = new URL(parsed.uri!).origin;
  } catch {
    uriOrigin = "(invalid URI)";
  }
  if (uriOrigin !== expect.origin) {
    refuseSignIn("uri", `Sign-in message URI ${parsed.uri} is not on ${expect.origin}.`, {
      uri: parsed.uri!,
      expected: expect.origin,
    });
  }
  if (parsed.chainId !== expect.chainId) {
    refuseSignIn(
      "chain",
      `Sign-in message is for chain ${parsed.chainId}, but this exchange runs on chain ${expect.chainId}.`,
      {
        chainId: parsed.chainId!,
        expected: expect.chainId,
      },
    );
  }

  const now = expect.now.getTime();
  const issuedAt = parsed.issuedAt!;
  if (issuedAt.getTime() > now + SIWE_CLOCK_SKEW_MS) {
    refuseSignIn(
      "issued_in_future",
      `Sign-in message was issued in the future (${issuedAt.toISOString()}); check your clock.`,
    );
  }
  if (issuedAt.getTime() < now - expect.maxAgeSeconds * 1000) {
    refuseSignIn(
      "too_old",
      `Sign-in message was issued at ${issuedAt.toISOString()}, more than ${expect.maxAgeSeconds} s ago; sign in again.`,
    );
  }
  const expirationTime = parsed.expirationTime ?? null;
  if (expirationTime && expirationTime.getTime() <= now) {
    refuseSignIn("expired", `Sign-in message expired at ${expirationTime.toISOString()}; sign in again.`);
  }
  if (parsed.notBefore && parsed.notBefore.getTime() > now + SIWE_CLOCK_SKEW_MS) {
    refuseSignIn("not_yet_valid", `Sign-in message is not valid before ${parsed.notBefore.toISOString()}.`);
  }
  return {
    address: getAddress(parsed.address!),
    nonce: parsed.nonce!,
    chainId: parsed.chainId!,
    issuedAt,
    expirationTime,
  };
}

/**
 * The signature of a sign-in, under the rules co-signatures follow (core/channel/signature.ts,
 * the custody contract's): a key's signature is 65 bytes r ‖ s ‖ v with low s and v ∈ {27, 28};
 * high-s, v ∈ {0, 1}, 64-byte compact and padded forms are refused, not normalised (SECURITY
 * attack 2). A smart wallet — code at the address, or an ERC-6492 wrapper for one not yet
 * deployed — is asked of the chain at every sign-in (ERC-1271, never cached), as a co-signature
 * is; an ERC-6492 wrapper around the address's own key signature gets no second chance that way.
 * Throws only when the chain cannot be asked.
 */
export async function verifySiweSignature(
  client: Pick<PublicClient, "getCode" | "verifyMessage">,
  address: Address,
  message: string,
  signature: Hex,
): Promise<boolean> {
  if (verifyDigestSignature(hexToBytes(hashMessage(message)), signature, address)) return true;
  if (isErc6492Signature(signature)) {
    const inner = parseErc6492Signature(signature).signature;
    const signer = await recoverMessageAddress({ message, signature: inner }).catch(() => null);
    if (signer !== null && signer.toLowerCase() === address.toLowerCase()) return false;
  } else {
    const code = await client.getCode({ address });
    if (code === undefined || code === "0x") return false;
  }
  return client.verifyMessage({ address, message, signature });
}
