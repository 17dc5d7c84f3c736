/** Sign-in flows against the real emulator over HTTP (device code, PKCE via a BROWSER script). */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PorticoError } from "../../src/errors";
import { openBrowser } from "../../src/platform/browser";
import {
  parseRegistration,
  parseToken,
  registrationFilePath,
  registrationKeyArgs,
  serializeToken,
  tokenFilePath,
} from "../../src/sso/cache";
import { type LoginIo, login, startLoopback } from "../../src/sso/login";
import { tempHome, withEmulator } from "../helpers/emulator";
import { count, depsFor, FETCHING_BROWSER, legacyFor, recordingBrowser, sessionFor } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

function io(deps: ReturnType<typeof depsFor>, out: string[], browser?: boolean): LoginIo {
  return {
    ...deps,
    print: (t) => out.push(t),
    ...(browser ? { openBrowser: (url: string) => openBrowser(url, deps.env) } : {}),
  };
}

describe("device-code login", () => {
  it("writes the token and registration exactly where and how the CLI does; reuses the registration", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      const out: string[] = [];
      const r = await login(io(deps, out), session, { flow: "device" });
      expect(r.registrationReused).toBe(false);
      const file = tokenFilePath(deps.paths.ssoCacheDir, session);
      expect(path.basename(file)).toBe("0ad374308c5a4e22f723adf10145eafad7c4031c.json");
      const text = await fs.readFile(file, "utf8");
      const parsed = parseToken(text);
      expect(parsed.status).toBe("ok");
      if (parsed.status !== "ok") return;
      expect(text).toBe(serializeToken(parsed.token)); // byte-identical to the CLI's layout
      expect(parsed.token.startUrl).toBe(emu.startUrl);
      expect(parsed.token.refreshToken).toBeTruthy();
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      const regFile = registrationFilePath(deps.paths.ssoCacheDir, registrationKeyArgs(session));
      const reg = parseRegistration(await fs.readFile(regFile, "utf8"));
      expect(reg?.scopes).toEqual(["sso:account:access"]);
      expect(reg?.grantTypes).toBeUndefined();
      // Auto-approved on the first, immediate CreateToken: no prompt printed (as the CLI).
      expect(out.join("")).toBe("");
      const again = await login(io(deps, []), session, { flow: "device" });
      expect(again.registrationReused).toBe(true);
      expect(count(emu, "RegisterClient")).toBe(1);
    });
  });

  it("polls while pending, prints URL and code, and succeeds after approval", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const deps = depsFor(home, emu);
      const out: string[] = [];
      const p = login(io(deps, out), legacyFor(emu), { flow: "device", timeoutMs: 30_000 });
      // Approve as alice once the prompt is up.
      for (let i = 0; i < 600 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const code = /enter the code:\n\n(\S+)/.exec(out.join(""))?.[1];
      expect(code).toBeTruthy();
      expect(out.join("")).toContain("Browser will not be automatically opened.");
      expect(out.join("")).toContain(`${emu.url}/device?user_code=${code}`);
      emu.store.approveDevice(code!, emu.store.findUserByName("alice")!.userId);
      const r = await p;
      expect(r.token.refreshToken).toBeUndefined(); // legacy: no scopes → no refresh token
      expect(count(emu, "CreateToken", 400)).toBeGreaterThanOrEqual(1);
    });
  });

  it("denied → access_denied, exit 5, nothing written", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const deps = depsFor(home, emu);
      const out: string[] = [];
      const session = sessionFor(emu);
      const p = login(io(deps, out), session, { flow: "device", timeoutMs: 30_000 }).catch((e) => e);
      for (let i = 0; i < 600 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const code = /enter the code:\n\n(\S+)/.exec(out.join(""))?.[1];
      emu.store.denyDevice(code!);
      const e = await p;
      expect(e).toBeInstanceOf(PorticoError);
      expect(e.code).toBe("access_denied");
      expect(e.exitCode).toBe(5);
      await expect(fs.access(tokenFilePath(deps.paths.ssoCacheDir, session))).rejects.toThrow();
    });
  });

  it("times out with a clear error (exit 7) and can be cancelled (exit 130)", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const deps = depsFor(home, emu);
      const e = await login(io(deps, []), sessionFor(emu), { flow: "device", timeoutMs: 1500 }).catch(
        (x) => x,
      );
      expect(e.code).toBe("login_timeout");
      expect(e.exitCode).toBe(7);
      const ac = new AbortController();
      const p = login({ ...io(deps, []), signal: ac.signal }, sessionFor(emu), { flow: "device" }).catch(
        (x) => x,
      );
      setTimeout(() => ac.abort(), 300);
      const c = await p;
      expect(c.exitCode).toBe(130);
      await expect(fs.access(tokenFilePath(deps.paths.ssoCacheDir, sessionFor(emu)))).rejects.toThrow();
    });
  });

  it("legacy: token under sha1(start URL), registration under the CLI's legacy key (null scopes / session)", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = legacyFor(emu);
      await login(io(deps, []), session, { flow: "device" });
      const files = (await fs.readdir(deps.paths.ssoCacheDir)).filter((f) => f.endsWith(".json")).sort();
      const { sha1Hex, registrationCacheKey } = await import("../../src/sso/cache");
      const expected = [
        `${sha1Hex(emu.startUrl)}.json`,
        `${registrationCacheKey({ startUrl: emu.startUrl, region: emu.region, scopes: null, sessionName: null })}.json`,
      ].sort();
      expect(files).toEqual(expected);
    });
  });

  it("a start URL of another instance (invalid_grant) → named as the likely cause", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const session = {
        ...legacyFor(emu),
        startUrl: "https://d-9999999999.awsapps.com/start",
        cacheKey: "x",
      };
      const e = await login(io(deps, []), session, { flow: "device", timeoutMs: 1500 }).catch((x) => x);
      expect(e.code).toBe("sso_region_or_url_wrong");
      expect(e.exitCode).toBe(3);
      expect(e.message).toContain("sso_start_url (https://d-9999999999.awsapps.com/start)");
    });
  });

  it("refuses a verification URL off the AWS/endpoint hosts", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      // The endpoint override names a different path, so the emulator's /device URL is not under it.
      const deps = depsFor(home, emu, {
        AWS_ENDPOINT_URL: undefined,
        AWS_ENDPOINT_URL_SSO_OIDC: `${emu.url}/region/${emu.region}`,
      });
      const e = await login(io(deps, []), sessionFor(emu), { flow: "device" }).catch((x) => x);
      expect(e.code).toBe("untrusted_url");
    });
  });
});

describe("PKCE login", () => {
  it("BROWSER script follows the authorize redirect to the 127.0.0.1 callback", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu, { BROWSER: FETCHING_BROWSER });
      const session = sessionFor(emu);
      const out: string[] = [];
      const r = await login(io(deps, out, true), session, { flow: "pkce", timeoutMs: 20_000 });
      expect(r.flow).toBe("pkce");
      expect(r.token.refreshToken).toBeTruthy();
      const url = /(http:\/\/\S+\/authorize\?\S+)/.exec(out.join(""))?.[1];
      expect(url).toBeTruthy();
      const q = new URL(url!).searchParams;
      expect([...q.keys()]).toEqual([
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge_method",
        "scopes",
        "code_challenge",
      ]);
      expect(q.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const reg = parseRegistration(
        await fs.readFile(registrationFilePath(deps.paths.ssoCacheDir, registrationKeyArgs(session)), "utf8"),
      );
      expect(reg?.grantTypes).toEqual(["authorization_code", "refresh_token"]);
      expect(
        parseToken(await fs.readFile(tokenFilePath(deps.paths.ssoCacheDir, session), "utf8")).status,
      ).toBe("ok");
    });
  });

  it("denied in the consent page → access_denied (exit 5)", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const urlFile = path.join(home, "url.txt");
      const deps = depsFor(home, emu, { BROWSER: recordingBrowser(urlFile) });
      const p = login(io(deps, [], true), sessionFor(emu), { flow: "pkce", timeoutMs: 20_000 }).catch(
        (x) => x,
      );
      let url = "";
      for (let i = 0; i < 600 && !url; i++) {
        await new Promise((r) => setTimeout(r, 50));
        url = await fs.readFile(urlFile, "utf8").catch(() => "");
      }
      const consent = await fetch(url, { redirect: "manual" });
      const id = new URL(consent.headers.get("location")!, emu.url).searchParams.get("request")!;
      const back = emu.store.denyAuthorize(id);
      await fetch(back);
      const e = await p;
      expect(e.code).toBe("access_denied");
      expect(e.exitCode).toBe(5);
    });
  });

  it("wrong sso_region → named as the likely cause, with the fix", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      // A client configured for us-west-2 addresses that region's OIDC endpoint (path prefix in the emulator).
      const deps = depsFor(home, emu, {
        BROWSER: FETCHING_BROWSER,
        AWS_ENDPOINT_URL: undefined,
        AWS_ENDPOINT_URL_SSO_OIDC: `${emu.url}/region/us-west-2`,
      });
      const session = sessionFor(emu, "wrong", { region: "us-west-2" });
      const e = await login(io(deps, [], true), session, { flow: "pkce", timeoutMs: 20_000 }).catch((x) => x);
      expect(e.code).toBe("sso_region_or_url_wrong");
      expect(e.message).toContain("wrong sso_region (us-west-2)");
      expect(e.hint).toContain("portico configure sso-session wrong");
    });
  });

  it("callback port in use → actionable error", async () => {
    const first = await startLoopback(undefined);
    try {
      const e = await startLoopback(first.port).catch((x) => x);
      expect(e.code).toBe("callback_port_in_use");
      expect(e.hint).toContain("--callback-port");
    } finally {
      await first.close();
    }
  });

  it("the loopback server listens on 127.0.0.1 only and ignores stray requests", async () => {
    const lb = await startLoopback(undefined);
    try {
      expect((await fetch(`http://127.0.0.1:${lb.port}/favicon.ico`)).status).toBe(404);
      const ok = await fetch(`http://127.0.0.1:${lb.port}/oauth/callback?code=c&state=s`);
      expect(ok.status).toBe(200);
      expect(await lb.result).toEqual({ code: "c", state: "s" });
      const os = await import("node:os");
      const other = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
      if (other) await expect(fetch(`http://${other}:${lb.port}/oauth/callback`)).rejects.toThrow();
    } finally {
      await lb.close();
    }
  });
});
