/**
 * Interop after `portico sync` against a generated org: the AWS CLI v2 (/usr/bin/aws 2.9.19), boto3 and
 * the SDK JS v3 run sts get-caller-identity with several generated profiles and no further sign-in;
 * `aws configure list-profiles` lists every generated profile; botocore reads the file with every
 * generated profile as written; the bytes outside the managed block are those of the file before.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { runCli } from "../cli/support";
import { deviceSignIn, writeConfig } from "../credentials/support";
import { AWS_CLI, awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { botoCallerArn, runSdk, sdkCallerArns } from "../interop/support";
import { readConfig, SESSION } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let before: string;
let names: string[];

const USER = `# team profiles, hand-written
[profile team]
region = eu-west-1

[default]
region = eu-north-1
`;

beforeAll(async () => {
  emu = await startEmulator({ accounts: 4, rolesPerAccount: 2, autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  before = `${SESSION}\n${USER}`;
  await writeConfig(home.home, before);
  await deviceSignIn(env, "acme");
  const r = await runCli(["sync", "--yes", "--json", "--region", "eu-north-1", "--output", "json"], env);
  if (r.code !== 0) throw new Error(r.stderr);
  names = JSON.parse(r.stdout).added;
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const accountOf = (profile: string) => `10000000000${profile.split("-")[1]}`;

describe("after portico sync", () => {
  it("the bytes outside the block are the file as it was", async () => {
    expect(names).toHaveLength(8);
    const text = await readConfig(home.home);
    const b = text.indexOf("# >>> portico managed: ");
    const e = text.indexOf("\n", text.indexOf("# <<< portico managed: ")) + 1;
    expect(text.slice(0, b)).toBe(`${before}\n`);
    expect(text.slice(e)).toBe("");
  });

  it.skipIf(!existsSync(AWS_CLI))(
    "AWS CLI v2: get-caller-identity with generated profiles; list-profiles lists them all",
    async () => {
      for (const p of [names[0]!, names[7]!]) {
        const r = await runAwsCli(["sts", "get-caller-identity", "--profile", p, "--output", "json"], env);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).Account).toBe(accountOf(p));
      }
      const list = await runAwsCli(["configure", "list-profiles"], env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout.trim().split("\n").sort()).toEqual(["default", "team", ...names].sort());
    },
  );

  it("boto3 and botocore: get-caller-identity; every generated profile reads as written", async () => {
    for (const p of [names[1]!, names[6]!]) {
      const r = await runPython(botoCallerArn(p), env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`::${accountOf(p)}:assumed-role/`);
    }
    const r = await runPython(
      'import json, botocore.session\nc = botocore.session.Session().full_config["profiles"]\nprint(json.dumps({k: v for k, v in c.items() if "sso_session" in v}))',
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const profiles = JSON.parse(r.stdout);
    expect(Object.keys(profiles).sort()).toEqual([...names].sort());
    expect(profiles[names[3]!]).toEqual({
      sso_session: "acme",
      sso_account_id: accountOf(names[3]!),
      sso_role_name: names[3]!.split("-").at(-1),
      region: "eu-north-1",
      output: "json",
    });
  });

  it("SDK JS v3 (fromSSO, fromNodeProviderChain): get-caller-identity with generated profiles", async () => {
    for (const p of [names[2]!, names[5]!]) {
      const r = await runSdk(sdkCallerArns(p), env);
      expect(r.code, r.stderr).toBe(0);
      const arns = JSON.parse(r.stdout) as string[];
      for (const a of arns) expect(a).toContain(`::${accountOf(p)}:assumed-role/`);
    }
  });

  it("portico config lint finds nothing", async () => {
    const r = await runCli(["config", "lint"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
