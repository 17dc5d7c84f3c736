/**
 * `portico status` against real caches: signed out, then signed in with the real device flow, role
 * credentials fetched from the emulator into the AWS CLI's cache; the shell's selection from the
 * environment; warnings for what ends within 15 minutes. No network unless --verify: the emulator's
 * request log must not grow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig());
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

interface StatusJson {
  sessions: {
    name: string | null;
    startUrl: string;
    signedIn: boolean;
    expiresAt: string | null;
    refreshable: boolean;
  }[];
  roleCredentials: { profile: string; accountId: string; expiration: string | null; fresh: boolean }[];
  shell: {
    profile: string | null;
    profileSource: string | null;
    envCredentials: null | { accessKeyId: string; setBy: string };
  };
  warnings: string[];
  verified?: { arn?: string; error?: string };
}

const requests = () => emu.requests().length;

describe("status", () => {
  it("signed out: every session listed as not signed in; the shell's AWS_PROFILE warned about", async () => {
    const r = await runCli(["status", "--json"], { ...env, AWS_PROFILE: "dev" });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as StatusJson;
    expect(s.sessions.map((x) => [x.name, x.signedIn])).toEqual([
      ["acme", false],
      [null, false],
    ]);
    expect(s.shell).toMatchObject({ profile: "dev", profileSource: "AWS_PROFILE", envCredentials: null });
    expect(r.stderr).toContain("the SSO session of dev has expired: portico login --profile dev");
  });

  it("signed in, with cached role credentials; text and JSON; no network", async () => {
    await deviceSignIn(env, "acme");
    const c = await runCli(["credentials", "--profile", "dev"], env);
    expect(c.code, c.stderr).toBe(0);
    const before = requests();
    const r = await runCli(["status", "--json"], { ...env, AWS_PROFILE: "dev" });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as StatusJson;
    expect(s.sessions[0]).toMatchObject({ name: "acme", signedIn: true, refreshable: true });
    expect(s.roleCredentials).toEqual([
      expect.objectContaining({ profile: "dev", accountId: "333333333333", fresh: true }),
    ]);
    expect(s.warnings).toEqual([]);
    expect(requests()).toBe(before);
    const text = await runCli(["status"], { ...env, AWS_PROFILE: "dev" });
    expect(text.stdout).toMatch(
      /acme\s+https:\/\/d-0000000000\.awsapps\.com\/start\s+eu-north-1\s+yes\s+(\d+h)?\d+m\s+yes/,
    );
    expect(text.stdout).toMatch(/dev\s+333333333333\s+PowerUserAccess\s+(\d+h)?\d+m/);
    expect(text.stdout).toContain("profile: dev (from AWS_PROFILE)");
  });

  it("environment credentials: where they come from, masked, and a warning when they end within 15 minutes", async () => {
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    const r = await runCli(["status", "--json"], {
      ...env,
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLEKEY1234",
      AWS_SECRET_ACCESS_KEY: "secret-never-printed",
      AWS_CREDENTIAL_EXPIRATION: soon,
      PORTICO_MODE: "export",
      PORTICO_PROFILE: "dev",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("secret-never-printed");
    expect(r.stdout).not.toContain("ASIAEXAMPLEKEY1234");
    const s = JSON.parse(r.stdout) as StatusJson;
    expect(s.shell.envCredentials).toEqual(
      expect.objectContaining({ accessKeyId: "****************1234", setBy: "portico use --export dev" }),
    );
    expect(s.warnings[0]).toMatch(
      /^the environment credentials expires in [345] min \(portico use --export dev\)/,
    );
    expect(r.stderr).toContain("warning: the environment credentials");
  });

  it("--verify asks STS who the credentials are", async () => {
    const r = await runCli(["status", "--json", "--verify"], { ...env, AWS_PROFILE: "dev" });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as StatusJson;
    expect(s.verified?.arn).toMatch(/^arn:aws:sts::333333333333:assumed-role\//);
  });
});
