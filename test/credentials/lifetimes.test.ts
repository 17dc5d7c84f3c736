/** whoami's three lifetimes, each labelled for what it is (src/credentials/lifetimes.ts): pure cases. */
import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/credentials/identity";
import { type Lifetimes, lifetimeRows, lifetimesJson, signInSession } from "../../src/credentials/lifetimes";

const now = new Date("2026-12-01T10:00:00Z");
const at = (min: number) => new Date(now.getTime() + min * 60_000);
const rows = (l: Lifetimes) => lifetimeRows(l, now, formatDuration, "portico login --profile dev");

describe("sign-in session", () => {
  it("refreshable: no invented end, only the registration's bound", () => {
    const s = signInSession({ expiresAt: at(50), registrationExpiresAt: at(90 * 24 * 60) }, true, false);
    expect(s).toEqual({ refreshable: true, endsAt: null, endsAtLatest: at(90 * 24 * 60), reason: null });
  });

  it("not refreshable: it ends with the access token, and says why", () => {
    expect(signInSession({ expiresAt: at(50) }, false, true)).toMatchObject({
      endsAt: at(50),
      reason: "a profile without sso_session never refreshes",
    });
    expect(signInSession({ expiresAt: at(50) }, false, false).reason).toBe(
      "no usable refresh token or client registration in the cache",
    );
  });
});

describe("rows and JSON", () => {
  const sso: Lifetimes = {
    sso: true,
    accessTokenExpiresAt: at(42),
    signInSession: signInSession({ expiresAt: at(42), registrationExpiresAt: at(600) }, true, false),
    credentialsExpireAt: at(59),
    credentialsLabel: "Role credentials",
  };

  it("SSO: access token, sign-in session, role credentials — in that order", () => {
    expect(rows(sso)).toEqual([
      ["Access token", "expires in 42m (2026-12-01T10:42:00.000Z)"],
      [
        "Sign-in session",
        "refreshable; its end is not recorded locally (at the latest 2026-12-01T20:00:00.000Z, when the client registration expires)",
      ],
      ["Role credentials", "expires in 59m (2026-12-01T10:59:00.000Z)"],
    ]);
    expect(lifetimesJson(sso, now)).toEqual({
      credentialsExpireAt: "2026-12-01T10:59:00.000Z",
      credentialsSecondsLeft: 3540,
      accessTokenExpiresAt: "2026-12-01T10:42:00.000Z",
      accessTokenSecondsLeft: 2520,
      signInSession: { refreshable: true, endsAt: null, endsAtLatest: "2026-12-01T20:00:00.000Z" },
    });
  });

  it("an expired access token and no cached token are said as such", () => {
    expect(rows({ ...sso, accessTokenExpiresAt: at(-5) })[0]).toEqual([
      "Access token",
      "expired (2026-12-01T09:55:00.000Z)",
    ]);
    expect(rows({ ...sso, accessTokenExpiresAt: null, signInSession: null })).toEqual([
      ["Access token", "none cached (portico login --profile dev)"],
      ["Role credentials", "expires in 59m (2026-12-01T10:59:00.000Z)"],
    ]);
  });

  it("static keys: only the credentials, long-term", () => {
    const stat: Lifetimes = {
      sso: false,
      accessTokenExpiresAt: null,
      signInSession: null,
      credentialsExpireAt: null,
      credentialsLabel: "Credentials",
    };
    expect(rows(stat)).toEqual([["Credentials", "long-term (no expiry)"]]);
    expect(lifetimesJson(stat, now)).toMatchObject({ accessTokenExpiresAt: null, signInSession: null });
  });
});
