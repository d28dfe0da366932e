import { describe, expect, it } from "vitest";
import {
  clearSessionCookie,
  hashSessionToken,
  newSessionToken,
  readSessionToken,
  serializeSessionCookie,
} from "./session-token";

describe("session cookie", () => {
  it("round-trips a fresh token through Set-Cookie and Cookie, and ignores other cookies and junk values", () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const set = serializeSessionCookie(token, { secure: false, maxAgeSeconds: 60 });
    expect(set).toBe(`clearline_session=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60`);
    expect(readSessionToken(`a=1; ${set.split(";")[0]}; b=2`, false)).toBe(token);
    expect(readSessionToken(`clearline_session=${token}`, true)).toBeNull(); // https uses the __Host- name
    expect(readSessionToken(`__Host-clearline_session=${token}`, true)).toBe(token);
    expect(readSessionToken("clearline_session=../../etc", false)).toBeNull();
    expect(readSessionToken(null, false)).toBeNull();
    expect(clearSessionCookie(true)).toBe(
      "__Host-clearline_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure",
    );
  });

  it("stores an HMAC that depends on the secret", () => {
    const token = newSessionToken();
    expect(hashSessionToken(token, "a".repeat(32))).not.toBe(hashSessionToken(token, "b".repeat(32)));
    expect(hashSessionToken(token, "a".repeat(32))).toMatch(/^[0-9a-f]{64}$/);
  });
});
