/**
 * Interop 2 (issue 4): the AWS CLI v2 signs in (`aws sso login`, device flow, auto-approved by the
 * emulator); portico then serves credentials for that profile from the CLI's token cache, refreshes with
 * the CLI's client registration, and `portico login` reuses that registration instead of registering anew.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { assertBuilt, portico, SSO_REGION, START_URL } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
const count = (op: string) => emu.requests().filter((r) => r.operation === op).length;
const ssoCache = () => path.join(home.home, ".aws", "sso", "cache");

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  const { mkdir } = await import("node:fs/promises");
  await mkdir(path.join(home.home, ".aws"), { recursive: true, mode: 0o700 });
  // What `aws configure sso` writes (§1.6).
  await writeFile(
    path.join(home.home, ".aws", "config"),
    `[profile dev]\nsso_session = acme\nsso_account_id = 444444444444\nsso_role_name = PowerUserAccess\nregion = eu-north-1\noutput = json\n[sso-session acme]\nsso_start_url = ${START_URL}\nsso_region = ${SSO_REGION}\nsso_registration_scopes = sso:account:access\n`,
  );
  const login = await runAwsCli(["sso", "login", "--profile", "dev", "--no-browser"], env);
  if (login.code !== 0) throw new Error(`aws sso login failed: ${login.stderr}${login.stdout}`);
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

async function tokenPath(): Promise<string> {
  const { createHash } = await import("node:crypto");
  return path.join(ssoCache(), `${createHash("sha1").update("acme").digest("hex")}.json`);
}

describe.skipIf(missing("aws"))("AWS CLI first, then portico", () => {
  it("portico reuses the role credentials the AWS CLI cached (no GetRoleCredentials of its own)", async () => {
    const cli = await runAwsCli(["sts", "get-caller-identity", "--profile", "dev"], env);
    expect(cli.code, cli.stderr).toBe(0);
    const cacheDir = path.join(home.home, ".aws", "cli", "cache");
    const entries = (await readdir(cacheDir)).filter((f) => f.endsWith(".json"));
    expect(entries).toHaveLength(1);
    const written = JSON.parse(await readFile(path.join(cacheDir, entries[0]!), "utf8"));
    const fetches = count("GetRoleCredentials");
    const r = await portico(["credentials", "--profile", "dev", "--format", "process"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).AccessKeyId).toBe(written.Credentials.AccessKeyId);
    expect(count("GetRoleCredentials")).toBe(fetches);
  });

  it("portico serves credentials from the CLI's token without signing in", async () => {
    const tokensBefore = count("CreateToken");
    const r = await portico(["credentials", "--profile", "dev", "--format", "process"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).AccessKeyId).toMatch(/^ASIA/);
    expect(count("CreateToken")).toBe(tokensBefore);
    const who = await portico(["whoami", "--profile", "dev", "--json"], env);
    expect(JSON.parse(who.stdout)).toMatchObject({
      account: "444444444444",
      permissionSet: "PowerUserAccess",
    });
  });

  it("portico refreshes the CLI's expired token with the CLI's client registration", async () => {
    const file = await tokenPath();
    const tok = JSON.parse(await readFile(file, "utf8"));
    expect(tok.refreshToken).toBeTruthy();
    await writeFile(file, JSON.stringify({ ...tok, expiresAt: "2020-01-01T00:00:00Z" }));
    const { rm } = await import("node:fs/promises");
    await rm(path.join(home.home, ".aws", "cli", "cache"), { recursive: true, force: true });
    const regs = count("RegisterClient");
    const r = await portico(["credentials", "--profile", "dev"], env);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(await readFile(file, "utf8"));
    expect(after.clientId).toBe(tok.clientId);
    expect(after.accessToken).not.toBe(tok.accessToken);
    expect(new Date(after.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(count("RegisterClient")).toBe(regs);
    // And the CLI keeps working with what portico wrote back.
    const cli = await runAwsCli(["sts", "get-caller-identity", "--profile", "dev"], env);
    expect(cli.code, cli.stderr).toBe(0);
  });

  it("portico login reuses the CLI's client registration (no RegisterClient)", async () => {
    const files = await readdir(ssoCache());
    expect(files.length).toBeGreaterThanOrEqual(2); // token + registration
    const regs = count("RegisterClient");
    const r = await portico(["login", "--profile", "dev", "--device-code", "--no-browser"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(count("RegisterClient")).toBe(regs);
  });
});
