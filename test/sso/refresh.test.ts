/** Token refresh against the real emulator: rotation written back, single flight across processes, failures. */
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CachedToken, parseToken, serializeToken, tokenFilePath, writeToken } from "../../src/sso/cache";
import { login } from "../../src/sso/login";
import type { SsoSession } from "../../src/sso/session";
import { getSsoToken, readCachedToken, type SsoDeps } from "../../src/sso/token-provider";
import { tempHome, withEmulator } from "../helpers/emulator";
import { count, depsFor, sessionFor } from "./support";

const run = promisify(execFile);
let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

async function signIn(deps: SsoDeps, session: SsoSession): Promise<CachedToken> {
  return (await login({ ...deps, print: () => {} }, session, { flow: "device" })).token;
}

async function readFileToken(deps: SsoDeps, session: SsoSession): Promise<CachedToken> {
  const r = parseToken(await fs.readFile(tokenFilePath(deps.paths.ssoCacheDir, session), "utf8"));
  if (r.status !== "ok") throw new Error("token file unreadable");
  return r.token;
}

/** Rewrite the cached token so that it has `minutes` left (keeping its real tokens). */
async function ageToken(deps: SsoDeps, session: SsoSession, minutes: number): Promise<CachedToken> {
  const t = await readFileToken(deps, session);
  const aged = { ...t, expiresAt: new Date(Date.now() + minutes * 60_000) };
  await writeToken(deps.paths.ssoCacheDir, session, aged);
  return aged;
}

describe("refresh", () => {
  it("refreshes inside the 15-minute window and writes the rotated refresh token back (botocore's fields)", async () => {
    await withEmulator(
      { seed: "demo", autoApprove: "alice", lifetimes: { accessToken: 600 } },
      async (emu) => {
        const deps = depsFor(home, emu);
        const session = sessionFor(emu);
        const first = await signIn(deps, session);
        expect(await readCachedToken(deps, session)).toMatchObject({ refreshable: true });
        const before = count(emu, "CreateToken", 200);
        const got = await getSsoToken(deps, session);
        expect(count(emu, "CreateToken", 200)).toBe(before + 1);
        expect(got.accessToken).not.toBe(first.accessToken);
        const stored = await readFileToken(deps, session);
        expect(stored.accessToken).toBe(got.accessToken);
        expect(stored.refreshToken).toBeTruthy();
        expect(stored.refreshToken).not.toBe(first.refreshToken);
        expect(stored.clientId).toBe(first.clientId);
        expect(stored.registrationExpiresAt).toEqual(first.registrationExpiresAt);
        const text = await fs.readFile(tokenFilePath(deps.paths.ssoCacheDir, session), "utf8");
        expect(text).toBe(serializeToken(stored));
        // The rotated refresh token works again (the old one would not be needed).
        const again = await getSsoToken(deps, session);
        expect(again.accessToken).not.toBe(got.accessToken);
      },
    );
  });

  it("N concurrent processes → exactly one CreateToken, all succeed", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await signIn(deps, session);
      await ageToken(deps, session, 5);
      const before = count(emu, "CreateToken");
      const script = path.join(import.meta.dirname, "fixtures", "get-token.ts");
      const env = { ...process.env, ...deps.env } as NodeJS.ProcessEnv;
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          run(process.execPath, ["--import", "tsx", script, JSON.stringify(session)], {
            env,
            cwd: process.cwd(),
          }),
        ),
      );
      expect(count(emu, "CreateToken") - before).toBe(1);
      const lines = new Set(results.map((r) => r.stdout.trim()));
      expect(lines.size).toBe(1); // everyone got the refreshed token
      const [exp] = [...lines][0]!.split(" ");
      expect(new Date(exp!).getTime() - Date.now()).toBeGreaterThan(30 * 60_000);
    });
  }, 90_000);

  it("a failed refresh never destroys a still-valid token", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await signIn(deps, session);
      const aged = await ageToken(deps, session, 5);
      await writeToken(deps.paths.ssoCacheDir, session, { ...aged, refreshToken: "aor-revoked" });
      const file = tokenFilePath(deps.paths.ssoCacheDir, session);
      const bytes = await fs.readFile(file, "utf8");
      const got = await getSsoToken(deps, session);
      expect(got.accessToken).toBe(aged.accessToken);
      expect(count(emu, "CreateToken", 400)).toBeGreaterThanOrEqual(1);
      expect(await fs.readFile(file, "utf8")).toBe(bytes);
    });
  });

  it("expired token and a revoked refresh token → sign in (exit 4); file kept", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await signIn(deps, session);
      const aged = await ageToken(deps, session, -1);
      await writeToken(deps.paths.ssoCacheDir, session, { ...aged, refreshToken: "aor-revoked" });
      const e = await getSsoToken(deps, session, "--profile dev").catch((x) => x);
      expect(e.code).toBe("sign_in_required");
      expect(e.exitCode).toBe(4);
      expect(e.hint).toBe("portico login --profile dev");
      expect(e.message).toContain("refresh failed");
      await fs.access(tokenFilePath(deps.paths.ssoCacheDir, session));
    });
  });

  it("unreachable endpoint: valid token still served; expired → exit 6 with a clear message", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await signIn(deps, session);
      const aged = await ageToken(deps, session, 5);
      await emu.stop();
      const down = { ...deps, env: { ...deps.env, AWS_ENDPOINT_URL: emu.url } };
      expect((await getSsoToken(down, session)).accessToken).toBe(aged.accessToken);
      await writeToken(deps.paths.ssoCacheDir, session, {
        ...aged,
        expiresAt: new Date(Date.now() - 60_000),
      });
      const e = await getSsoToken(down, session).catch((x) => x);
      expect(e.code).toBe("service_unreachable");
      expect(e.exitCode).toBe(6);
      expect(e.message).toContain("Could not reach the SSO OIDC endpoint");
    });
  });

  it("an endpoint that accepts but never answers → time-out, exit 7, valid token untouched", async () => {
    const net = await import("node:net");
    const { createOidcApi } = await import("../../src/sso/oidc");
    const sockets: import("node:net").Socket[] = [];
    const hole = net.createServer((s) => sockets.push(s)).listen(0, "127.0.0.1");
    await new Promise((r) => hole.once("listening", r));
    const url = `http://127.0.0.1:${(hole.address() as import("node:net").AddressInfo).port}`;
    try {
      await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
        const deps = depsFor(home, emu);
        const session = sessionFor(emu);
        await signIn(deps, session);
        const aged = await ageToken(deps, session, -1);
        const env = { ...deps.env, AWS_ENDPOINT_URL: url };
        const slow: SsoDeps = {
          ...deps,
          env,
          // the real SDK client, with a short time-out so the test does not wait 10 s × 3
          oidc: (region) => createOidcApi({ env, region, requestTimeoutMs: 300, maxAttempts: 1 }),
        };
        const e = await getSsoToken(slow, session).catch((x) => x);
        expect(e.code).toBe("service_timeout");
        expect(e.exitCode).toBe(7);
        expect(e.message).toContain(url);
        expect((await readFileToken(deps, session)).accessToken).toBe(aged.accessToken);
      });
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
    }
  });

  it("throttling (429) is backed off with jitter until the refresh goes through", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice", oidcTps: 0.5 }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await signIn(deps, session);
      await ageToken(deps, session, 5);
      // Use up the CreateToken bucket (burst 1, refilled every 2 s): the refresh must meet a 429 first.
      await fetch(`${emu.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const before = emu.requests().length;
      const got = await getSsoToken(deps, session);
      const calls = emu
        .requests()
        .slice(before)
        .filter((r) => r.operation === "CreateToken");
      expect(calls.some((r) => r.status === 429)).toBe(true);
      expect(calls.at(-1)?.status).toBe(200);
      expect(got.expiresAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      expect((await readFileToken(deps, session)).accessToken).toBe(got.accessToken);
    });
  }, 60_000);
});
