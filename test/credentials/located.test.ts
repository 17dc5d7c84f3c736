/**
 * Located sections (src/config/located.ts) and the uncached `credential-process` resolved in them
 * (src/cli/lean.ts): the cut's view equals the full view (values, header and key lines) for plain SSO
 * profiles, legacy ones and source_profile chains; what cannot be cut safely ([DEFAULT], a
 * credentials-file section, a missing sso-session) is not; and the built command, after a role-cache
 * miss, answers through the located view — without commander, with only the portal client of the
 * SDK for an SSO profile — with the full command's answers and errors (reported by the full CLI's
 * reporter, loaded only for them). Needs `npm run build`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { parseConfigText } from "../../src/config/botocore";
import { loadAwsConfig } from "../../src/config/load";
import { locateSections } from "../../src/config/located";
import { locatedConfig } from "../../src/config/located-view";
import { awsPaths } from "../../src/config/paths";
import { runCli } from "../cli/support";
import { tempHome } from "../helpers/emulator";
import { type ModuleTrace, moduleTrace } from "../helpers/module-trace";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "./support";

const launcher = fileURLToPath(new URL("../../dist/cli/portico.cjs", import.meta.url));

const CHAIN = `
[profile chain]
role_arn = arn:aws:iam::333333333333:role/Admin
source_profile = dev
region = eu-north-1

[profile chain2]
role_arn = arn:aws:iam::333333333333:role/Admin
source_profile = chain
  # a comment inside
role_session_name = twice

[profile nested]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
s3 =
  max_concurrent_requests = 20
`;

describe("locateSections", () => {
  const text = demoConfig(CHAIN);
  const cfg = parseConfigText(text);
  const paths = { configFile: "/c", credentialsFile: "/k" } as ReturnType<typeof awsPaths>;

  it("the cut's view equals the full view for every profile it holds", async () => {
    const home = await tempHome();
    try {
      await writeConfig(home.home, text);
      const env = { HOME: home.home };
      const full = await loadAwsConfig(env);
      const expected: Record<string, string[]> = {
        dev: ["sso-session acme", "profile dev"],
        legacy: ["profile legacy"],
        chain: ["sso-session acme", "profile dev", "profile chain"],
        chain2: ["sso-session acme", "profile dev", "profile chain", "profile chain2"],
        nested: ["sso-session acme", "profile nested"],
      };
      for (const [name, sections] of Object.entries(expected)) {
        const cut = locateSections(cfg, undefined, name);
        expect(cut, name).not.toBeNull();
        expect(cut!.map((s) => s.text.split("\n")[0])).toEqual(sections.map((s) => `[${s}]`));
        const part = locatedConfig(awsPaths(env), cut!)!;
        for (const [n, v] of part.profiles) expect(v, `${name}: ${n}`).toEqual(full.profiles.get(n));
        for (const [n, v] of part.ssoSessions) expect(v).toEqual(full.ssoSessions.get(n));
      }
    } finally {
      await home.cleanup();
    }
  });

  it("what cannot be cut safely is not", () => {
    expect(locateSections(parseConfigText(`[DEFAULT]\nregion = x\n${text}`), undefined, "dev")).toBeNull();
    expect(locateSections(cfg, parseConfigText("[dev]\naws_access_key_id = A\n"), "dev")).toBeNull();
    expect(locateSections(cfg, parseConfigText("[dev]\naws_access_key_id = A\n"), "chain")).toBeNull();
    expect(locateSections(cfg, undefined, "nope")).toBeNull();
    const orphan = parseConfigText("[profile x]\nsso_session = gone\nsso_account_id = 1\n");
    expect(locateSections(orphan, undefined, "x")).toBeNull();
    const loop = parseConfigText(
      "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n",
    );
    expect(locateSections(loop, undefined, "a")?.length).toBe(2);
    expect(locatedConfig(paths, [{ line: 1, text: "not a section" }])).toBeUndefined();
  });
});

describe("uncached credential-process through the located view", () => {
  let emu: RunningEmulator;
  let home: { home: string; cleanup(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  let trace: ModuleTrace;
  const cacheDir = () => path.join(home.home, ".aws", "cli", "cache");

  beforeAll(async () => {
    emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
    home = await tempHome();
    env = testEnv(home.home, emu.url);
    const ps = emu.store.permissionSetByName("AdministratorAccess")!;
    const arn = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/${emu.store.iamRoleName(ps)}`;
    await writeConfig(home.home, demoConfig(`\n[profile chain]\nrole_arn = ${arn}\nsource_profile = dev\n`));
    trace = moduleTrace(path.join(home.home, "modules.txt"));
  }, 60_000);

  afterAll(async () => {
    await emu?.stop();
    await home?.cleanup();
  });

  async function cp(profile: string) {
    await trace.reset();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [...trace.nodeArgs, launcher, "credential-process", "--profile", profile],
        { env },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    const files = await trace.loaded();
    const has = (s: string) => files.some((f) => f.text.includes(s));
    return {
      ...r,
      commander: has("commander.helpDisplayed"),
      portal: has("awsssoportal"),
      sts: has("AWSSecurityTokenServiceV20110615"),
      oidc: has("sso-oauth"),
    };
  }

  it("signed out: the full command's error and exit code", async () => {
    const lean = await cp("dev");
    const full = await runCli(["credential-process", "--profile", "dev"], env);
    expect(full.code).not.toBe(0);
    // (The error is reported by the full CLI's reporter, which is only then loaded.)
    expect([lean.code, lean.stderr, lean.stdout]).toEqual([full.code, full.stderr, full.stdout]);
    expect(lean.portal).toBe(false);
  });

  it("an SSO profile: GetRoleCredentials through the portal client only; an assume-role chain through STS", async () => {
    await deviceSignIn(env, "acme");
    const before = emu.requests().filter((r) => r.operation === "GetRoleCredentials").length;
    const lean = await cp("dev");
    expect(lean.code, lean.stderr).toBe(0);
    expect(JSON.parse(lean.stdout)).toMatchObject({ Version: 1, AccountId: "333333333333" });
    expect(emu.requests().filter((r) => r.operation === "GetRoleCredentials").length - before).toBe(1);
    expect({ commander: lean.commander, portal: lean.portal, sts: lean.sts, oidc: lean.oidc }).toEqual({
      commander: false,
      portal: true,
      sts: false,
      oidc: false,
    });
    // The answer is now cached: the same bytes as the full command's.
    const full = await runCli(["credential-process", "--profile", "dev"], env);
    expect((await cp("dev")).stdout).toBe(full.stdout);
    await rm(cacheDir(), { recursive: true, force: true });
    const chain = await cp("chain");
    expect(chain.code, chain.stderr).toBe(0);
    expect(JSON.parse(chain.stdout).AccountId).toBe("333333333333");
    expect([chain.commander, chain.sts]).toEqual([false, true]);
  });

  it("a config the cut cannot serve ([DEFAULT]) runs the full command, with the same answer", async () => {
    const file = path.join(home.home, ".aws", "config");
    await writeFile(file, `[DEFAULT]\noutput = json\n\n${readFileSync(file, "utf8")}`);
    await rm(cacheDir(), { recursive: true, force: true });
    const r = await cp("dev");
    expect(r.code, r.stderr).toBe(0);
    expect(r.commander).toBe(true);
    expect(JSON.parse(r.stdout).AccountId).toBe("333333333333");
  });
});
