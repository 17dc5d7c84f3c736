/**
 * `portico whoami` when STS refuses the credentials: the hint must name a step that can help for the
 * kind of credentials used (a --refresh only helps cached temporary credentials).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { demoConfig, deviceSignIn, START_URL, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

const BOGUS_KEY = "AKIAQAQAQAQAQAQAQA12";
const BOGUS_SECRET = "bogusSecretbogusSecretbogusSecretbogus12";

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(
    home.home,
    demoConfig(
      `\n[profile static]\naws_access_key_id = ${BOGUS_KEY}\naws_secret_access_key = ${BOGUS_SECRET}\nregion = eu-north-1\n`,
    ),
  );
  await deviceSignIn(env, "acme");
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("whoami: credentials STS refuses", () => {
  it("static keys in a profile: points at the keys, not at --refresh", async () => {
    const r = await runCli(["whoami", "--profile", "static"], env);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^portico: STS rejected the credentials/);
    expect(r.stderr).not.toContain("--refresh");
    expect(r.stderr).toContain("hint: ");
    expect(r.stderr).toContain("portico config show --profile static");
    expect(r.stderr).not.toContain(BOGUS_SECRET);
  });

  it("keys from the environment: points at the environment variables", async () => {
    const r = await runCli(["whoami"], {
      ...env,
      AWS_ACCESS_KEY_ID: BOGUS_KEY,
      AWS_SECRET_ACCESS_KEY: BOGUS_SECRET,
    });
    expect(r.code).toBe(5);
    expect(r.stderr).not.toContain("--refresh");
    expect(r.stderr).toContain("AWS_ACCESS_KEY_ID");
    expect(r.stderr).not.toContain(BOGUS_SECRET);
  });

  it("SSO profile: whoami answers, and --refresh fetches new role credentials", async () => {
    const ok = await runCli(["whoami", "--profile", "dev", "--json"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      account: "333333333333",
      permissionSet: "PowerUserAccess",
    });
    const fresh = await runCli(["whoami", "--profile", "dev", "--refresh"], env);
    expect(fresh.code, fresh.stderr).toBe(0);
  });
});

describe("whoami: each lifetime named for what it is", () => {
  it("a legacy profile (no sso_session): the sign-in session ends with the access token", async () => {
    await deviceSignIn(env, START_URL);
    const r = await runCli(["whoami", "--profile", "legacy"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Access token: +expires in \d+m \((\S+Z)\)\n/);
    const token = /Access token: +expires in \d+m \((\S+Z)\)/.exec(r.stdout)![1];
    expect(r.stdout).toMatch(
      /Sign-in session: +ends with the access token \((\S+Z)\): a profile without sso_session never refreshes\n/,
    );
    expect(/Sign-in session: +ends with the access token \((\S+Z)\)/.exec(r.stdout)![1]).toBe(token);
    expect(r.stdout).toMatch(/Role credentials: +expires in/);
    const j = JSON.parse((await runCli(["whoami", "--profile", "legacy", "--json"], env)).stdout);
    expect(j.signInSession).toEqual({ refreshable: false, endsAt: token, endsAtLatest: null });
    expect(j.accessTokenExpiresAt).toBe(token);
  });

  it("static keys: only the credentials, no token or sign-in lines", async () => {
    const r = await runCli(["whoami", "--profile", "static"], env);
    expect(r.stdout).not.toContain("Access token");
    expect(r.stdout).not.toContain("Sign-in session");
  });
});
