import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsPaths } from "../../src/config/paths";
import { PorticoError } from "../../src/errors";
import { type CachedToken, tokenFilePath, writeToken } from "../../src/sso/cache";
import type { SsoSession } from "../../src/sso/session";
import { decideToken, getSsoToken, readCachedToken } from "../../src/sso/token-provider";

const now = new Date("2026-11-22T03:00:00Z");
const min = (m: number) => new Date(now.getTime() + m * 60_000);
const session: SsoSession = {
  kind: "sso-session",
  sessionName: "s",
  startUrl: "https://d-0000000000.awsapps.com/start",
  region: "eu-north-1",
  scopes: ["sso:account:access"],
  registrationScopes: ["sso:account:access"],
  cacheKey: "s",
};
const legacy: SsoSession = { ...session, kind: "legacy", sessionName: undefined, cacheKey: session.startUrl };
const tok = (over: Partial<CachedToken> = {}): CachedToken => ({
  startUrl: session.startUrl,
  region: "eu-north-1",
  accessToken: "aoa-1",
  expiresAt: min(60),
  clientId: "c",
  clientSecret: "cs",
  registrationExpiresAt: min(60 * 24),
  refreshToken: "aor-1",
  ...over,
});
const ok = (t: CachedToken) => ({ status: "ok" as const, token: t });

describe("decideToken (botocore's 15-minute window)", () => {
  it("uses, refreshes, or asks for a login", () => {
    expect(decideToken(session, ok(tok()), now).action).toBe("use");
    expect(decideToken(session, ok(tok({ expiresAt: min(14) })), now).action).toBe("refresh");
    expect(decideToken(session, ok(tok({ expiresAt: min(-1) })), now).action).toBe("refresh");
    // legacy tokens are never refreshed: valid → use, expired → login
    expect(decideToken(legacy, ok(tok({ expiresAt: min(14) })), now).action).toBe("use");
    expect(decideToken(legacy, ok(tok({ expiresAt: min(-1) })), now)).toEqual({
      action: "login",
      reason: "expired",
    });
    // no refresh token / expired registration → use while valid, then login
    expect(decideToken(session, ok(tok({ expiresAt: min(5), refreshToken: undefined })), now).action).toBe(
      "use",
    );
    expect(
      decideToken(session, ok(tok({ expiresAt: min(-5), registrationExpiresAt: min(-1) })), now).action,
    ).toBe("login");
    expect(decideToken(session, { status: "missing" }, now)).toEqual({ action: "login", reason: "missing" });
    expect(decideToken(session, { status: "malformed", reason: "x" }, now)).toEqual({
      action: "login",
      reason: "malformed",
    });
  });
});

describe("getSsoToken without network", () => {
  let home: string;
  let deps: Parameters<typeof getSsoToken>[0];
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), "portico-tp-"));
    deps = {
      env: { HOME: home },
      now: () => now,
      paths: awsPaths({ HOME: home }),
      oidc: async () => {
        throw new Error("no network call expected");
      },
    };
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it("returns a cached token with > 15 min left", async () => {
    await writeToken(deps.paths.ssoCacheDir, session, tok());
    expect(await getSsoToken(deps, session)).toEqual({ accessToken: "aoa-1", expiresAt: min(60) });
    expect(await readCachedToken(deps, session)).toEqual({ expiresAt: min(60), refreshable: true });
  });

  it("missing / malformed → sign_in_required exit 4 with the login command; file kept", async () => {
    const e1 = await getSsoToken(deps, session, "--profile dev").catch((e) => e);
    expect(e1).toBeInstanceOf(PorticoError);
    expect(e1.code).toBe("sign_in_required");
    expect(e1.exitCode).toBe(4);
    expect(e1.hint).toBe("portico login --profile dev");
    const file = tokenFilePath(deps.paths.ssoCacheDir, session);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"accessToken": "aoa", "expiresAt": "2026-');
    const e2 = await getSsoToken(deps, session).catch((e) => e);
    expect(e2.code).toBe("sign_in_required");
    expect(e2.hint).toBe("portico login --sso-session s");
    expect(await fs.readFile(file, "utf8")).toContain("2026-");
    expect(await readCachedToken(deps, session)).toBeUndefined();
  });

  it("expired legacy token → sign in", async () => {
    await writeToken(deps.paths.ssoCacheDir, legacy, tok({ expiresAt: min(-1) }));
    const e = await getSsoToken(deps, legacy, "--profile old").catch((x) => x);
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain("has expired");
  });
});
