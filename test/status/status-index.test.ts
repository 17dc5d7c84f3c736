/**
 * The status index and the launcher's lean `status`: the same report whether the lean path (the
 * validated status index) or the full path (the whole config) answered — in-process with one clock,
 * and through the built launcher (which must not load the ESM CLI when it answers); assume-role
 * profiles' cached entries listed; the index dropped the moment the config changes.
 * Needs `npm run build` (dist/cli/portico.cjs).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { table } from "../../src/cli/output";
import { loadAwsConfig } from "../../src/config/load";
import { awsPaths } from "../../src/config/paths";
import { statusFromIndex } from "../../src/status/fast-path";
import { collectStatus, configIdentity, renderStatus } from "../../src/status/status";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, START_URL, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { moduleTrace } from "../helpers/module-trace";

const launcher = fileURLToPath(new URL("../../dist/cli/portico.cjs", import.meta.url));

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
const settle = () => new Promise((r) => setTimeout(r, 2_200));
const indexFiles = () => {
  const dir = path.join(home.home, ".aws", "portico", "fast-path");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith("status-")) : [];
};

function portico(args: string[], e: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [...nodeArgs, launcher, ...args], { env: e }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  const ps = emu.store.permissionSetByName("AdministratorAccess")!;
  const arn = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/${emu.store.iamRoleName(ps)}`;
  await writeConfig(
    home.home,
    demoConfig(`
[profile chain]
role_arn = ${arn}
source_profile = dev
region = eu-north-1

[profile dev-copy]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
`),
  );
  await deviceSignIn(env, "acme");
  await deviceSignIn(env, START_URL);
  for (const p of ["dev", "legacy", "chain"]) {
    const r = await runCli(["credentials", "--profile", p], env);
    expect(r.code, r.stderr).toBe(0);
  }
  await settle();
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("status index", () => {
  it("the lean path's report equals the full path's, for every shell selection", async () => {
    const now = new Date();
    const selections: NodeJS.ProcessEnv[] = [
      {},
      { AWS_PROFILE: "dev" },
      { AWS_PROFILE: "chain" },
      { AWS_PROFILE: "legacy", AWS_REGION: "us-east-1" },
      { AWS_PROFILE: "nope" },
      {
        AWS_PROFILE: "dev",
        AWS_ACCESS_KEY_ID: "ASIAEXAMPLE1234",
        AWS_SECRET_ACCESS_KEY: "x",
        AWS_CREDENTIAL_EXPIRATION: new Date(now.getTime() + 5 * 60_000).toISOString(),
        PORTICO_MODE: "export",
        PORTICO_PROFILE: "dev",
      },
    ];
    const e0 = env;
    const config = await loadAwsConfig(e0);
    const full0 = await collectStatus({ env: e0, now: () => now }, config, configIdentity(awsPaths(e0)));
    expect(indexFiles()).toHaveLength(1);
    expect(
      statSync(path.join(home.home, ".aws", "portico", "fast-path", indexFiles()[0]!)).mode & 0o777,
    ).toBe(0o600);
    // Cached role credentials: SSO (two profiles share dev's entry), legacy, and the assume-role entry.
    expect(full0.roleCredentials.map((r) => [r.profile, r.accountId, r.roleName])).toEqual([
      ["dev", "333333333333", "PowerUserAccess"],
      ["legacy", "222222222222", "AdministratorAccess"],
      ["chain", "333333333333", expect.stringMatching(/^AWSReservedSSO_AdministratorAccess_/)],
      ["dev-copy", "333333333333", "PowerUserAccess"],
    ]);
    for (const sel of selections) {
      const e = { ...env, ...sel };
      const full = await collectStatus({ env: e, now: () => now }, await loadAwsConfig(e));
      const lean = statusFromIndex(["status"], e, now);
      expect(lean, JSON.stringify(sel)).toBeDefined();
      expect(lean!.status).toEqual(full);
      expect(renderStatus(lean!.status, table)).toBe(renderStatus(full, table));
    }
    const warned = statusFromIndex(["status"], { ...env, ...selections[5] }, now)!.status.warnings;
    expect(warned).toEqual([
      "the environment credentials expires in 4 min (portico use --export dev): pc --export dev",
    ]);
  });

  it("the launcher answers from the index without loading the ESM CLI, with the full command's bytes", async () => {
    const trace = moduleTrace(path.join(home.home, "modules.txt"));
    const e = { ...env, AWS_PROFILE: "chain" };
    await trace.reset();
    const lean = await portico(["status", "--json"], e, trace.nodeArgs);
    expect(lean.code, lean.stderr).toBe(0);
    expect(await trace.loaded()).toEqual([]);
    const full = await runCli(["status", "--json"], e);
    const strip = (s: string) => ({ ...JSON.parse(s), now: "" });
    expect(strip(lean.stdout)).toEqual(strip(full.stdout));
    // The probe sees the ESM CLI when the lean path steps aside (--verify is never answered there).
    await trace.reset();
    await portico(["status", "--verify", "--json"], e, trace.nodeArgs);
    expect((await trace.loaded()).length).toBeGreaterThan(0);
  });

  it("a changed config is never answered from the old index", async () => {
    const before = statusFromIndex(["status", "--json"], env, new Date());
    expect(before).toBeDefined();
    await appendFile(
      path.join(home.home, ".aws", "config"),
      "\n[sso-session other]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n",
    );
    expect(statusFromIndex(["status", "--json"], env, new Date())).toBeUndefined();
    // The full path (through the launcher) sees the new session; the file is too fresh to be indexed.
    const r = await portico(["status", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).sessions.map((s: { name: string | null }) => s.name)).toEqual([
      "acme",
      "other",
      null,
    ]);
    expect(statusFromIndex(["status"], env, new Date())).toBeUndefined();
    // A torn index is ignored.
    await settle();
    await portico(["status"], env);
    const file = path.join(home.home, ".aws", "portico", "fast-path", indexFiles()[0]!);
    expect(statusFromIndex(["status"], env, new Date())).toBeDefined();
    await writeFile(file, readFileSync(file, "utf8").slice(0, 40));
    expect(statusFromIndex(["status"], env, new Date())).toBeUndefined();
  });
});
