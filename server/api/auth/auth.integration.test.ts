/**
 * Sign-in, sessions, roles and the request guard through the real HTTP handler (the one
 * server/main.ts serves), with real Requests, a real database, real signatures
 * from the well-known test keys and a real Hardhat node for smart-wallet (ERC-1271) signatures.
 * SECURITY.md attacks 14 and 15.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import superjson from "superjson";
import { createWalletClient, getAddress, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { parseStateSignature } from "../../../core/channel/signature";
import { hardhatTestAccount, LOCAL_CHAIN_ID, LOCAL_ROLES } from "../../../core/chain/hardhat-test-accounts";
import { compileContracts, REPO_ROOT } from "../../../scripts/contracts/codegen";
import { startLocalChain, type ChainHandle } from "../../../scripts/stack/chain";
import type { AuthDeps } from "../../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../../auth/rate-limit";
import { CallMemory } from "../../auth/call-memory";
import { hashSessionToken } from "../../auth/session-token";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import { createContext } from "../context";
import { createTrpcHandler } from "../handler";
import { authOnlyServices } from "../testing";
import { adminProcedure, createCallerFactory, createTRPCRouter, operatorProcedure, tradingProcedure } from "../trpc";

const APP = "http://localhost:3610";
const CHAIN_PORT = 8610;
const SECRET = "integration-test-session-secret-0123456789";
const admin = hardhatTestAccount(LOCAL_ROLES.deployer);
const victim = hardhatTestAccount(LOCAL_ROLES.traders[0]);
const attacker = hardhatTestAccount(LOCAL_ROLES.traders[1]);

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
let chain: ChainHandle;
let chainLogDir: string;
let nowMs = Date.now();

function deps(overrides: Partial<AuthDeps> = {}): AuthDeps {
  return {
    db: t.handle.db,
    appUrl: new URL(APP),
    chainId: async () => LOCAL_CHAIN_ID,
    publicClient: chain.client,
    now: () => new Date(nowMs),
    sessionSecret: SECRET,
    sessionTtlSeconds: 3600,
    siweMaxAgeSeconds: 600,
    maxBodyBytes: 65_536,
    adminAddress: admin.address,
    limiter: new RateLimiter(),
    calls: new CallMemory(),
    // generous, so only the test about limits meets them
    limits: rateLimitsFrom({ signInPerMinute: 1000, ordersPerSecond: 1000 }),
    ...overrides,
  };
}

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  chainLogDir = mkdtempSync(path.join(os.tmpdir(), "clearline-auth-chain-"));
  chain = await startLocalChain({ port: CHAIN_PORT, logDir: chainLogDir });
});
afterAll(async () => {
  await chain?.process?.stop();
  rmSync(chainLogDir, { recursive: true, force: true });
  await t?.drop();
});

// ---- HTTP helpers: what a browser (or an attacker's page) sends ----------------------------

interface TrpcError {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    zodIssues: { path: string; message: string }[] | null;
    clearline: { details: Record<string, unknown> } | null;
  };
}
interface Answer<T = unknown> {
  status: number;
  data?: T;
  error?: TrpcError;
  setCookies: string[];
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  const body = (await res.json()) as { result?: { data: unknown }; error?: { json: TrpcError } };
  return {
    status: res.status,
    data: body.result ? superjson.deserialize(body.result.data as never) : undefined,
    error: body.error?.json,
    setCookies: res.headers.getSetCookie(),
  };
}

function mutationRequest(
  procedure: string,
  input: unknown,
  opts: { cookie?: string; ip?: string; headers?: Record<string, string>; body?: BodyInit } = {},
): Request {
  return new Request(`${APP}/api/trpc/${procedure}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: APP,
      "x-forwarded-for": opts.ip ?? "203.0.113.7",
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
    body: opts.body ?? JSON.stringify(superjson.serialize(input)),
  });
}

async function mutate<T>(
  handler: (r: Request) => Promise<Response>,
  procedure: string,
  input?: unknown,
  opts: Parameters<typeof mutationRequest>[2] = {},
) {
  return answer<T>(await handler(mutationRequest(procedure, input, opts)));
}

async function query<T>(handler: (r: Request) => Promise<Response>, procedure: string, cookie?: string) {
  return answer<T>(await handler(new Request(`${APP}/api/trpc/${procedure}`, { headers: cookie ? { cookie } : {} })));
}

/** The cookie a browser would send back, from a Set-Cookie header. */
function cookieFrom(setCookies: string[]): string {
  const c = setCookies.find((s) => s.startsWith("clearline_session="));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(setCookies)}`);
  return c.split(";")[0]!;
}

interface MessageOverrides {
  domain?: string;
  uri?: string;
  chainId?: number;
  issuedAt?: Date;
  expirationTime?: Date;
  address?: Address;
}

function siweMessage(address: Address, nonce: string, o: MessageOverrides = {}): string {
  return createSiweMessage({
    domain: o.domain ?? new URL(APP).host,
    address: o.address ?? address,
    statement: "Sign in to Clearline.",
    uri: o.uri ?? APP,
    version: "1",
    chainId: o.chainId ?? LOCAL_CHAIN_ID,
    nonce,
    issuedAt: o.issuedAt ?? new Date(nowMs),
    ...(o.expirationTime ? { expirationTime: o.expirationTime } : {}),
  });
}

async function signed(privateKey: Hex, nonce: string, o: MessageOverrides = {}) {
  const account = privateKeyToAccount(privateKey);
  const message = siweMessage(account.address, nonce, o);
  return { message, signature: await account.signMessage({ message }) };
}

async function newNonce(handler: (r: Request) => Promise<Response>): Promise<string> {
  const r = await mutate<{ nonce: string }>(handler, "auth.nonce");
  expect(r.error).toBeUndefined();
  return r.data!.nonce;
}

async function signInAs(handler: (r: Request) => Promise<Response>, privateKey: Hex) {
  const r = await mutate<{ address: string; roles: string[] }>(
    handler,
    "auth.signIn",
    await signed(privateKey, await newNonce(handler)),
  );
  expect(r.error).toBeUndefined();
  return { me: r.data!, cookie: cookieFrom(r.setCookies), setCookie: r.setCookies[0]! };
}

function expectRefused(r: Answer, code: string, reason: string | null, message: RegExp) {
  expect(r.data).toBeUndefined();
  expect(r.error?.data.code).toBe(code);
  expect(r.error?.message).toMatch(message);
  if (reason) expect(r.error?.data.clearline?.details.reason).toBe(reason);
}

// ---- Tests -----------------------------------------------------------------------------------

describe(`sign-in with Ethereum and sessions (${serverUrl ? "PostgreSQL" : "PGlite"}, real route handler)`, () => {
  it("signs in with a real signature: an HttpOnly Lax cookie holding a token whose hash alone is stored; auth.me answers the address and roles from the database", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    expect((await query(handler, "auth.me")).data).toBeNull();

    const { me, cookie, setCookie } = await signInAs(handler, victim.privateKey);
    expect(me).toEqual({ address: victim.address, roles: ["TRADER"], suspended: false });
    expect(setCookie).toMatch(/^clearline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/);

    const token = cookie.split("=")[1]!;
    const row = await t.handle.db.session.findFirstOrThrow({ where: { address: victim.address } });
    expect(row.tokenHash).toBe(hashSessionToken(token, SECRET));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await query(handler, "auth.me", cookie)).data).toEqual({
      address: victim.address,
      roles: ["TRADER"],
      suspended: false,
    });

    // The configured admin address gets ADMIN on its first sign-in (as the seed grants it).
    const asAdmin = await signInAs(handler, admin.privateKey);
    expect(asAdmin.me.roles).toEqual(["TRADER", "ADMIN"]);
    // Roles are read from the database on every request: a grant applies at once.
    await t.handle.db.user.update({ where: { address: victim.address }, data: { roles: ["TRADER", "OPERATOR"] } });
    expect((await query<{ roles: string[] }>(handler, "auth.me", cookie)).data?.roles).toEqual(["TRADER", "OPERATOR"]);
    await t.handle.db.user.update({ where: { address: victim.address }, data: { roles: ["TRADER"] } });
  });

  it("the cookie is Secure and __Host- prefixed when APP_URL is https", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps({ appUrl: new URL("https://exchange.example") })));
    const nonce = (
      await mutate<{ nonce: string }>(handler, "auth.nonce", undefined, {
        headers: { origin: "https://exchange.example" },
      })
    ).data!.nonce;
    const input = await signed(victim.privateKey, nonce, {
      domain: "exchange.example",
      uri: "https://exchange.example",
    });
    const r = await answer(
      await handler(
        new Request("https://exchange.example/api/trpc/auth.signIn", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://exchange.example" },
          body: JSON.stringify(superjson.serialize(input)),
        }),
      ),
    );
    expect(r.error).toBeUndefined();
    expect(r.setCookies[0]).toMatch(
      /^__Host-clearline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure$/,
    );
  });

  it("SECURITY.md attack 14: a replayed message, a wrong domain, URI or chain, an expired or stale message, an unknown nonce and another user's nonce are refused; the real user can still sign in", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const signIn = (input: { message: string; signature: Hex }) => mutate(handler, "auth.signIn", input);

    // Replay: the same signed message twice.
    const first = await signed(victim.privateKey, await newNonce(handler));
    expect((await signIn(first)).error).toBeUndefined();
    expectRefused(await signIn(first), "UNAUTHORIZED", "nonce_used", /nonce was already used/);

    // Wrong domain, wrong URI origin, wrong chain: each named in the answer.
    expectRefused(
      await signIn(await signed(victim.privateKey, await newNonce(handler), { domain: "evil.example" })),
      "UNAUTHORIZED",
      "domain",
      /for domain "evil\.example", but this exchange is "localhost:3610"/,
    );
    expectRefused(
      await signIn(await signed(victim.privateKey, await newNonce(handler), { uri: "https://evil.example/login" })),
      "UNAUTHORIZED",
      "uri",
      /URI https:\/\/evil\.example\/login is not on http:\/\/localhost:3610/,
    );
    expectRefused(
      await signIn(await signed(victim.privateKey, await newNonce(handler), { chainId: 1 })),
      "UNAUTHORIZED",
      "chain",
      /for chain 1, but this exchange runs on chain 31337/,
    );

    // Expired (expirationTime passed), stale (issued too long ago), issued in the future.
    expectRefused(
      await signIn(
        await signed(victim.privateKey, await newNonce(handler), {
          issuedAt: new Date(nowMs - 60_000),
          expirationTime: new Date(nowMs - 1_000),
        }),
      ),
      "UNAUTHORIZED",
      "expired",
      /expired at/,
    );
    expectRefused(
      await signIn(await signed(victim.privateKey, await newNonce(handler), { issuedAt: new Date(nowMs - 601_000) })),
      "UNAUTHORIZED",
      "too_old",
      /more than 600 s ago/,
    );
    expectRefused(
      await signIn(
        await signed(victim.privateKey, await newNonce(handler), { issuedAt: new Date(nowMs + 5 * 60_000) }),
      ),
      "UNAUTHORIZED",
      "issued_in_future",
      /issued in the future/,
    );

    // A nonce the server never issued; a nonce that expired unused.
    expectRefused(
      await signIn(await signed(victim.privateKey, "abcdef0123456789abcdef0123456789")),
      "UNAUTHORIZED",
      "nonce_unknown",
      /Unknown sign-in nonce/,
    );
    const staleNonce = await newNonce(handler);
    nowMs += 601_000;
    try {
      expectRefused(
        await signIn(await signed(victim.privateKey, staleNonce)),
        "UNAUTHORIZED",
        "nonce_expired",
        /nonce expired/,
      );
    } finally {
      nowMs -= 601_000;
    }

    // Text the parser would ignore (after the last field) is not accepted: only the canonical
    // EIP-4361 text of the fields that were checked.
    const smuggled = `${siweMessage(victim.address, await newNonce(handler))}\nTransfer all funds to 0x0000000000000000000000000000000000000bad`;
    expectRefused(
      await signIn({
        message: smuggled,
        signature: await privateKeyToAccount(victim.privateKey).signMessage({ message: smuggled }),
      }),
      "UNAUTHORIZED",
      "malformed",
      /canonical|EIP-4361/,
    );

    // Another user's nonce. The rule: a nonce is bound to nothing until a VALID signed message
    // uses it, and the first such use consumes it.
    const victimsNonce = await newNonce(handler);
    const victimSessions = await t.handle.db.session.count({ where: { address: victim.address } });
    // (a) The attacker cannot sign as the victim: a message naming the victim's address with the
    //     attacker's signature is refused, and does not burn the victim's nonce.
    const forged = siweMessage(victim.address, victimsNonce);
    const forgedSig = await privateKeyToAccount(attacker.privateKey).signMessage({ message: forged });
    expectRefused(
      await signIn({ message: forged, signature: forgedSig }),
      "UNAUTHORIZED",
      "signature",
      new RegExp(`not ${victim.address}'s signature`),
    );
    expect((await t.handle.db.authNonce.findUniqueOrThrow({ where: { nonce: victimsNonce } })).usedAt).toBeNull();
    // (b) The attacker uses the nonce for their OWN address: they get a session, but as themselves.
    const stolen = await signIn(await signed(attacker.privateKey, victimsNonce));
    expect(stolen.data).toMatchObject({ address: attacker.address });
    expect((await query<{ address: string }>(handler, "auth.me", cookieFrom(stolen.setCookies))).data?.address).toBe(
      attacker.address,
    );
    expect(await t.handle.db.authNonce.findUniqueOrThrow({ where: { nonce: victimsNonce } })).toMatchObject({
      usedBy: attacker.address,
    });
    // (c) The victim's message with that nonce is now refused…
    expectRefused(
      await signIn(await signed(victim.privateKey, victimsNonce)),
      "UNAUTHORIZED",
      "nonce_used",
      /already used/,
    );
    // …and no session was opened for the victim by any of it.
    expect(await t.handle.db.session.count({ where: { address: victim.address } })).toBe(victimSessions);

    // Afterwards the real user signs in with a fresh nonce.
    const { me } = await signInAs(handler, victim.privateKey);
    expect(me.address).toBe(victim.address);
  });

  it("two concurrent sign-ins with one nonce: exactly one gets a session", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const input = await signed(victim.privateKey, await newNonce(handler));
    const results = await Promise.all(Array.from({ length: 5 }, () => mutate(handler, "auth.signIn", input)));
    expect(results.filter((r) => r.data).length).toBe(1);
    for (const r of results.filter((x) => x.error)) expectRefused(r, "UNAUTHORIZED", "nonce_used", /already used/);
  });

  it("sign-out revokes the session: the old cookie no longer works, even replayed by someone who copied it", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const { cookie } = await signInAs(handler, victim.privateKey);
    const out = await mutate<{ signedOut: boolean }>(handler, "auth.signOut", undefined, { cookie });
    expect(out.data).toEqual({ signedOut: true });
    expect(out.setCookies[0]).toMatch(
      /^clearline_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970/,
    );
    expect((await query(handler, "auth.me", cookie)).data).toBeNull();
    const row = await t.handle.db.session.findFirstOrThrow({
      where: { tokenHash: hashSessionToken(cookie.split("=")[1]!, SECRET) },
    });
    expect(row.revokedAt).not.toBeNull();
    // An expired session stops working too.
    const second = await signInAs(handler, victim.privateKey);
    nowMs += 3601_000;
    try {
      expect((await query(handler, "auth.me", second.cookie)).data).toBeNull();
    } finally {
      nowMs -= 3601_000;
    }
  });

  it("SECURITY.md attack 15: cross-site form posts and non-JSON mutations are FORBIDDEN, non-admins get FORBIDDEN from admin procedures, oversized and malformed input fail clearly, a sign-in burst gets TOO_MANY_REQUESTS", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const { cookie } = await signInAs(handler, victim.privateKey);

    // A cross-site HTML form post (urlencoded, Origin evil.example) with the victim's cookie.
    const formPost = await answer(
      await handler(
        mutationRequest("auth.signOut", undefined, {
          cookie,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            origin: "https://evil.example",
            "sec-fetch-site": "cross-site",
          },
          body: "x=1",
        }),
      ),
    );
    expect(formPost.status).toBe(403);
    expectRefused(
      formPost,
      "FORBIDDEN",
      null,
      /Cross-site request refused: origin https:\/\/evil\.example may not call this API/,
    );
    // a guard refusal is a ClearlineError from the one map, with the header that failed
    expect(formPost.error?.data.clearline).toEqual({
      clearlineCode: "FORBIDDEN",
      details: { header: "origin", got: "https://evil.example", expected: APP },
    });
    // The multipart form variant (which tRPC would otherwise parse as FormData), and a JSON
    // post from another origin (a fetch that would need a CORS preflight).
    const multipart = new FormData();
    multipart.set("x", "1");
    expectRefused(
      await answer(
        await handler(
          mutationRequest("auth.signOut", undefined, {
            cookie,
            headers: { origin: "https://evil.example" },
            body: multipart,
          }),
        ),
      ),
      "FORBIDDEN",
      null,
      /Cross-site/,
    );
    expectRefused(
      await mutate(handler, "auth.signOut", undefined, { cookie, headers: { origin: "https://evil.example" } }),
      "FORBIDDEN",
      null,
      /Cross-site/,
    );
    // Same origin but not JSON; no Origin at all.
    expectRefused(
      await mutate(handler, "auth.signOut", undefined, { cookie, headers: { "content-type": "text/plain" } }),
      "FORBIDDEN",
      null,
      /content-type application\/json \(got text\/plain\)/,
    );
    const noOrigin = new Request(`${APP}/api/trpc/auth.signOut`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: "{}",
    });
    expectRefused(
      await answer(await handler(noOrigin)),
      "FORBIDDEN",
      null,
      /send an Origin header of http:\/\/localhost:3610/,
    );
    // A batch gets the refusal for every call, in tRPC's shape.
    const batch = await handler(
      mutationRequest("auth.signOut,auth.nonce?batch=1", undefined, {
        headers: { origin: "https://evil.example" },
        body: "{}",
      }),
    );
    const batchBody = (await batch.json()) as { error: { json: TrpcError } }[];
    expect(batchBody.map((b) => b.error.json.data.code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    // None of it signed the victim out.
    expect((await query<{ address: string }>(handler, "auth.me", cookie)).data?.address).toBe(victim.address);

    // Roles: a trader calling an admin or operator procedure; signed out → UNAUTHORIZED.
    const testRouter = createTRPCRouter({
      adminWhoami: adminProcedure.query(({ ctx }) => ctx.session.address),
      operatorWhoami: operatorProcedure.query(({ ctx }) => ctx.session.address),
    });
    const callerFor = async (cookieHeader?: string) =>
      createCallerFactory(testRouter)(
        await createContext(
          new Headers(cookieHeader ? { cookie: cookieHeader } : {}),
          new Headers(),
          authOnlyServices(deps()),
        ),
      );
    await expect((await callerFor(cookie)).adminWhoami()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "This needs the ADMIN role.",
    });
    await expect((await callerFor(cookie)).operatorWhoami()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerFor()).adminWhoami()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const asAdmin = await signInAs(handler, admin.privateKey);
    expect(await (await callerFor(asAdmin.cookie)).adminWhoami()).toBe(admin.address);
    expect(await (await callerFor(asAdmin.cookie)).operatorWhoami()).toBe(admin.address);

    // Oversized input: declared, and streamed without a Content-Length.
    const big = { message: "x".repeat(70_000), signature: "0x00" };
    const oversized = await mutate(handler, "auth.signIn", big);
    expect(oversized.status).toBe(413);
    expectRefused(oversized, "PAYLOAD_TOO_LARGE", null, /Request body too large: the limit is 65536 bytes/);
    expect(oversized.error?.data.clearline).toEqual({
      clearlineCode: "PAYLOAD_TOO_LARGE",
      details: { maxBodyBytes: 65_536 },
    });
    const bytes = new TextEncoder().encode(JSON.stringify(superjson.serialize(big)));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
        c.close();
      },
    });
    const streamed = new Request(`${APP}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expectRefused(await answer(await handler(streamed)), "PAYLOAD_TOO_LARGE", null, /too large/);
    // Within the limit but over the field's own maximum; malformed fields: BAD_REQUEST naming the field.
    const tooLong = await mutate(handler, "auth.signIn", { message: "x".repeat(5000), signature: "0x00" });
    expect(tooLong.error?.data.code).toBe("BAD_REQUEST");
    expect(tooLong.error?.data.zodIssues).toEqual([expect.objectContaining({ path: "message" })]);
    const malformed = await mutate(handler, "auth.signIn", { message: "hello", signature: "not-hex" });
    expect(malformed.status).toBe(400);
    expect(malformed.error?.data.zodIssues).toEqual([{ path: "signature", message: "must be 0x-prefixed hex bytes" }]);
    const missing = await mutate(handler, "auth.signIn", { signature: "0x00" });
    expect(missing.error?.data.zodIssues?.map((i) => i.path)).toEqual(["message"]);

    // A burst on sign-in from one IP: the 11th attempt within the minute is refused, before its input is even parsed.
    const limiter = new RateLimiter();
    const limited = createTrpcHandler(
      authOnlyServices(deps({ limits: rateLimitsFrom({ signInPerMinute: 10, ordersPerSecond: 50 }), limiter })),
    );
    const burst = [];
    for (let i = 0; i < 11; i++)
      burst.push(await mutate(limited, "auth.signIn", { message: "junk", signature: "0x00" }, { ip: "198.51.100.9" }));
    expect(
      burst.slice(0, 10).every((r) => r.error?.data.code === "BAD_REQUEST" || r.error?.data.code === "UNAUTHORIZED"),
    ).toBe(true);
    expect(burst[10]!.status).toBe(429);
    expectRefused(burst[10]!, "TOO_MANY_REQUESTS", null, /^too many requests: retry in 6 s$/);
    // The refusal is RATE_LIMITED in the one error map, with when to retry in the body and in Retry-After.
    const again = await limited(
      mutationRequest("auth.signIn", { message: "junk", signature: "0x00" }, { ip: "198.51.100.9" }),
    );
    expect(again.status).toBe(429);
    expect(again.headers.get("retry-after")).toBe("6");
    expect((await answer(again)).error?.data.clearline).toMatchObject({
      clearlineCode: "RATE_LIMITED",
      details: { limit: "auth.signIn" },
    });
    // Another IP is not affected; the bucket refills with time.
    expect(
      (await mutate(limited, "auth.signIn", { message: "junk", signature: "0x00" }, { ip: "198.51.100.10" })).status,
    ).not.toBe(429);
    nowMs += 6_000;
    try {
      expect(
        (await mutate(limited, "auth.signIn", { message: "junk", signature: "0x00" }, { ip: "198.51.100.9" })).status,
      ).not.toBe(429);
    } finally {
      nowMs -= 6_000;
    }
  });

  it("concurrent requests share session lookups, yet each gets its own session; a revoked cookie among them is signed out", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const a = await signInAs(handler, victim.privateKey);
    const b = await signInAs(handler, attacker.privateKey);
    const revoked = await signInAs(handler, victim.privateKey);
    await mutate(handler, "auth.signOut", undefined, { cookie: revoked.cookie });
    const cookies = Array.from({ length: 30 }, (_, i) => [a.cookie, b.cookie, revoked.cookie, null][i % 4]!);
    const answers = await Promise.all(
      cookies.map((c) => query<{ address: string } | null>(handler, "auth.me", c ?? undefined)),
    );
    answers.forEach((r, i) => {
      const c = cookies[i];
      expect(r.data?.address ?? null).toBe(c === a.cookie ? victim.address : c === b.cookie ? attacker.address : null);
    });
  });

  it("a suspended user can sign in and read, but tradingProcedure refuses them", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const { cookie } = await signInAs(handler, attacker.privateKey);
    await t.handle.db.user.update({
      where: { address: attacker.address },
      data: { suspendedAt: new Date(nowMs), suspendReason: "test" },
    });
    expect((await query(handler, "auth.me", cookie)).data).toEqual({
      address: attacker.address,
      roles: ["TRADER"],
      suspended: true,
    });
    const again = await signInAs(handler, attacker.privateKey);
    expect(again.me).toMatchObject({ suspended: true });
    const router = createTRPCRouter({ place: tradingProcedure.mutation(() => "placed") });
    const caller = createCallerFactory(router)(
      await createContext(new Headers({ cookie }), new Headers(), authOnlyServices(deps())),
    );
    await expect(caller.place()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/suspended/),
    });
    // Read per request: lifting the suspension applies to the next request.
    await t.handle.db.user.update({
      where: { address: attacker.address },
      data: { suspendedAt: null, suspendReason: null },
    });
    const next = createCallerFactory(router)(
      await createContext(new Headers({ cookie }), new Headers(), authOnlyServices(deps())),
    );
    expect(await next.place()).toBe("placed");
  });

  it("SECURITY.md attack 2: sign-in refuses high-s, v in {0, 1}, 64-byte compact and padded signatures exactly as co-signatures are; the canonical one then signs in with the same nonce", async () => {
    const handler = createTrpcHandler(authOnlyServices(deps()));
    const nonce = await newNonce(handler);
    const { message, signature } = await signed(attacker.privateKey, nonce);
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const r = signature.slice(2, 66);
    const s = BigInt("0x" + signature.slice(66, 130));
    const v = Number.parseInt(signature.slice(130, 132), 16);
    const hex64 = (x: bigint) => x.toString(16).padStart(64, "0");
    const byte = (x: number) => x.toString(16).padStart(2, "0");
    // each recovers the same key with a lenient ecrecover; each is refused by the contract's rules
    const forms: Record<string, Hex> = {
      highS: `0x${r}${hex64(N - s)}${byte(v === 27 ? 28 : 27)}`,
      vZeroOrOne: `0x${r}${hex64(s)}${byte(v - 27)}`,
      compact64: `0x${r}${hex64(s | (BigInt(v - 27) << 255n))}`,
      padded: `${signature}00`,
    };
    for (const [form, sig] of Object.entries(forms)) {
      expect(() => parseStateSignature(sig), form).toThrow(/malformed signature/);
      const refused = await mutate(handler, "auth.signIn", { message, signature: sig });
      expect(refused.error?.data.code, form).toBe("UNAUTHORIZED");
      expect(refused.error?.data.clearline?.details.reason, form).toBe("signature");
    }
    // none of them consumed the nonce: the canonical signature signs in with it
    const ok = await mutate<{ address: string }>(handler, "auth.signIn", { message, signature });
    expect(ok.error).toBeUndefined();
    expect(ok.data!.address).toBe(attacker.address);
  });

  it("a smart wallet (ERC-1271) signs in through the chain, and not once its owner revoked its signatures (SECURITY.md attack 5)", async () => {
    const artifactPath = path.join(REPO_ROOT, "artifacts/contracts/src/test/SmartWallet.sol/SmartWallet.json");
    if (!existsSync(artifactPath)) compileContracts();
    const { abi, bytecode } = JSON.parse(readFileSync(artifactPath, "utf8")) as { abi: never; bytecode: Hex };
    const owner = privateKeyToAccount(victim.privateKey);
    const chainDef = {
      id: LOCAL_CHAIN_ID,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    };
    const wallet = createWalletClient({ account: owner, chain: chainDef, transport: http(chain.rpcUrl) });
    const receipt = await chain.client.waitForTransactionReceipt({
      hash: await wallet.deployContract({ abi, bytecode, args: [owner.address] }),
    });
    const smartWallet = getAddress(receipt.contractAddress!);

    const handler = createTrpcHandler(authOnlyServices(deps()));
    // The message names the contract's address; its owner's key signs (the contract checks that).
    const message = siweMessage(smartWallet, await newNonce(handler));
    const signature = await owner.signMessage({ message });
    const r = await mutate<{ address: string }>(handler, "auth.signIn", { message, signature });
    expect(r.error).toBeUndefined();
    expect(r.data?.address).toBe(smartWallet);

    await chain.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: smartWallet, abi, functionName: "setRevoked", args: [true] }),
    });
    const message2 = siweMessage(smartWallet, await newNonce(handler));
    expectRefused(
      await mutate(handler, "auth.signIn", {
        message: message2,
        signature: await owner.signMessage({ message: message2 }),
      }),
      "UNAUTHORIZED",
      "signature",
      /not .*'s signature/,
    );
  });
});
