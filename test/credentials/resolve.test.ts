/**
 * Credential resolution against the real emulator over HTTP, with the real SDK SSO client:
 * shared CLI cache, single flight, and the failure modes (forbidden role, no/expired/revoked token,
 * torn cache files, unsupported sources).
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { parseCacheEntry, roleCacheFile, roleCacheKey } from "../../src/credentials/cache";
import { resolveCredentials } from "../../src/credentials/resolve";
import { tempHome } from "../helpers/emulator";
import { demoConfig, deviceSignIn, rejection, START_URL, testEnv, writeConfig } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
const deps = () => ({ env, now: () => new Date() });

const count = (op: string) => emu.requests().filter((r) => r.operation === op).length;

beforeEach(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(
    home.home,
    demoConfig(
      "\n[profile static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s3cret\n\n[profile chained]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = dev\n\n[profile empty]\nregion = eu-north-1\n",
    ),
  );
});

afterEach(async () => {
  await emu.stop();
  await home.cleanup();
});

const devKey = roleCacheKey({ accountId: "333333333333", roleName: "PowerUserAccess", sessionName: "acme" });

describe("SSO profiles", () => {
  it("fetches role credentials once, caches them where the AWS CLI looks, then reuses them", async () => {
    await deviceSignIn(env, "acme");
    const first = await resolveCredentials(deps(), { profile: "dev" });
    expect(first.source).toMatchObject({ kind: "sso", cached: false, accountId: "333333333333" });
    expect(first.region).toBe("eu-north-1");
    expect(first.credentials.accessKeyId).toMatch(/^ASIA/);
    const file = roleCacheFile(path.join(home.home, ".aws", "cli", "cache"), devKey);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const onDisk = parseCacheEntry(await readFile(file, "utf8"));
    expect(onDisk?.accessKeyId).toBe(first.credentials.accessKeyId);
    expect(onDisk?.accountId).toBe("333333333333");

    const second = await resolveCredentials(deps(), { profile: "dev" });
    expect(second.source).toMatchObject({ kind: "sso", cached: true });
    expect(second.credentials).toEqual(first.credentials);
    expect(count("GetRoleCredentials")).toBe(1);
  });

  it("legacy profiles use the start-URL cache key", async () => {
    await deviceSignIn(env, START_URL);
    const r = await resolveCredentials(deps(), { profile: "legacy" });
    expect(r.credentials.accountId).toBe("222222222222");
    const key = roleCacheKey({
      accountId: "222222222222",
      roleName: "AdministratorAccess",
      startUrl: START_URL,
    });
    expect(await readdir(path.join(home.home, ".aws", "cli", "cache"))).toContain(`${key}.json`);
  });

  it("is single-flight: 10 parallel callers make one GetRoleCredentials call", async () => {
    await deviceSignIn(env, "acme");
    const all = await Promise.all(
      Array.from({ length: 10 }, () => resolveCredentials(deps(), { profile: "dev" })),
    );
    expect(new Set(all.map((r) => r.credentials.accessKeyId)).size).toBe(1);
    expect(count("GetRoleCredentials")).toBe(1);
  });

  it("refetches when the cached entry has less than 15 minutes left", async () => {
    await deviceSignIn(env, "acme");
    const first = await resolveCredentials(deps(), { profile: "dev" });
    const later = () => new Date(first.credentials.expiration!.getTime() - 14 * 60_000);
    const again = await resolveCredentials({ env, now: later }, { profile: "dev" });
    expect(again.source).toMatchObject({ cached: false });
    expect(again.credentials.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(count("GetRoleCredentials")).toBe(2);
  });

  it.each([
    ["truncated", '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA'],
    ["empty", ""],
    ["foreign", '{"hello": "world"}'],
    ["binary", "\u0000\u0001\u0002"],
  ])("a %s cache file is a miss: refetched and replaced, no crash", async (_n, text) => {
    await deviceSignIn(env, "acme");
    const file = roleCacheFile(path.join(home.home, ".aws", "cli", "cache"), devKey);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    const r = await resolveCredentials(deps(), { profile: "dev" });
    expect(r.source).toMatchObject({ cached: false });
    expect(parseCacheEntry(await readFile(file, "utf8"))?.accessKeyId).toBe(r.credentials.accessKeyId);
  });

  it("a role that is not assigned is access denied (exit 5) with a hint", async () => {
    await deviceSignIn(env, "acme");
    const e = await rejection(resolveCredentials(deps(), { profile: "forbidden" }));
    expect(e.code).toBe("access_denied");
    expect(e.exitCode).toBe(5);
    expect(e.message).toContain("ViewOnlyAccess");
    expect(e.hint).toContain("portico accounts --profile forbidden");
  });

  it("no token: sign-in required (exit 4) naming the exact login command, no network call", async () => {
    const e = await rejection(resolveCredentials(deps(), { profile: "dev" }));
    expect(e.exitCode).toBe(4);
    expect(e.hint).toBe("portico login --profile dev");
    expect(count("GetRoleCredentials")).toBe(0);
  });

  it("an expired legacy token (not refreshable): sign-in required", async () => {
    await deviceSignIn(env, START_URL, { expiresAt: new Date(Date.now() - 60_000) });
    const e = await rejection(resolveCredentials(deps(), { profile: "legacy" }));
    expect(e.exitCode).toBe(4);
    expect(e.hint).toBe("portico login --profile legacy");
  });

  it("an expired sso-session token is refreshed once, then role credentials fetched", async () => {
    await deviceSignIn(env, "acme", { expiresAt: new Date(Date.now() - 60_000) });
    const r = await resolveCredentials(deps(), { profile: "dev" });
    expect(r.credentials.accessKeyId).toMatch(/^ASIA/);
    expect(count("CreateToken")).toBe(2); // the sign-in itself, then one refresh
  });

  it("a token the service no longer accepts (401) is sign-in required", async () => {
    const tok = await deviceSignIn(env, "acme");
    // Sign out on the server side only (Logout), leaving the cached token in place.
    const { SSOClient, LogoutCommand } = await import("@aws-sdk/client-sso");
    const c = new SSOClient({ region: "eu-north-1", endpoint: emu.url });
    await c.send(new LogoutCommand({ accessToken: tok.accessToken }));
    c.destroy();
    const e = await rejection(resolveCredentials(deps(), { profile: "dev" }));
    expect(e.code).toBe("sign_in_required");
    expect(e.exitCode).toBe(4);
    expect(e.hint).toBe("portico login --profile dev");
  });
});

describe("other sources", () => {
  it("environment keys win when no --profile is given (botocore), not when it is", async () => {
    env = { ...env, AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "envsecret", AWS_PROFILE: "static" };
    const fromEnv = await resolveCredentials(deps());
    expect(fromEnv.source.kind).toBe("env");
    expect(fromEnv.credentials.accessKeyId).toBe("AKIAENV");
    const fromFlag = await resolveCredentials(deps(), { profile: "static" });
    expect(fromFlag.credentials).toEqual({ accessKeyId: "AKIASTATIC", secretAccessKey: "s3cret" });
  });

  it("a web identity profile without role_arn, and MFA assume-role profiles, are refused naming the key (exit 3)", async () => {
    await writeConfig(
      home.home,
      demoConfig(
        "\n[profile wif]\nweb_identity_token_file = /tmp/t\nrole_arn_x = y\n\n[profile proc]\ncredential_process = /bin/true\n\n[profile viamfa]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/me\n",
      ),
    );
    for (const [profile, words, code] of [
      ["wif", "web_identity_token_file", "web_identity_invalid"],
      ["viamfa", "mfa_serial", "credential_source_unsupported"],
    ] as const) {
      const e = await rejection(resolveCredentials(deps(), { profile }));
      expect(e.code).toBe(code);
      expect(e.exitCode).toBe(3);
      expect(e.message).toContain(words);
    }
  });

  it("unknown and empty profiles are config errors", async () => {
    expect((await rejection(resolveCredentials(deps(), { profile: "nope" }))).exitCode).toBe(3);
    const empty = await rejection(resolveCredentials(deps(), { profile: "empty" }));
    expect(empty.code).toBe("no_credentials");
    expect(empty.hint).toContain("portico configure sso --profile empty");
  });

  it("an unreachable portal is a service error (exit 6), not a crash", async () => {
    await deviceSignIn(env, "acme");
    await emu.stop();
    const e = await rejection(resolveCredentials(deps(), { profile: "dev" }));
    expect(e.exitCode).toBe(6);
    emu = await startEmulator({ seed: "demo" }); // for afterEach
  });
});

describe("a portal that never answers", () => {
  it("times out (exit 7) instead of hanging", async () => {
    const { createServer } = await import("node:net");
    const { getRoleCredentials } = await import("../../src/portal/client");
    const sockets: import("node:net").Socket[] = [];
    const server = createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    try {
      const started = Date.now();
      const e = await rejection(
        getRoleCredentials(
          {
            region: "eu-north-1",
            env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
            loginArgs: "--profile dev",
            requestTimeoutMs: 300,
            maxAttempts: 2,
          },
          "token",
          "333333333333",
          "PowerUserAccess",
        ),
      );
      expect(e.code).toBe("service_timeout");
      expect(e.exitCode).toBe(7);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
