/**
 * Assume-role profiles shared with the AWS CLI v2 (2.9.19) through ~/.aws/cli/cache: the CLI uses the
 * role credentials portico assumed (export-credentials byte for byte, no AssumeRole of its own), and
 * portico uses the ones the CLI assumed. boto3 (no file cache) resolves the same role.
 */
import { appendFile, readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { assertBuilt, portico, porticoSetup } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let adminArn: string;
const count = (op: string) => emu.requests().filter((r) => r.operation === op).length;
const cacheDir = () => path.join(home.home, ".aws", "cli", "cache");

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await porticoSetup(env, { name: "dev", account: "333333333333", role: "PowerUserAccess" });
  const ps = emu.store.permissionSetByName("AdministratorAccess")!;
  adminArn = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/${emu.store.iamRoleName(ps)}`;
  await appendFile(
    path.join(home.home, ".aws", "config"),
    `\n[profile admin-chain]\nrole_arn = ${adminArn}\nsource_profile = dev\nregion = eu-north-1\n`,
  );
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe.skipIf(missing("aws", "boto3"))("assume-role profile, portico and the AWS CLI", () => {
  it("portico first: the CLI's export-credentials is byte-identical and makes no AssumeRole", async () => {
    const mine = await portico(["credentials", "--profile", "admin-chain", "--format", "env"], env);
    expect(mine.code, mine.stderr).toBe(0);
    const assumes = count("AssumeRole");
    const theirs = await runAwsCli(
      ["configure", "export-credentials", "--profile", "admin-chain", "--format", "env"],
      env,
    );
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(theirs.stdout).toBe(mine.stdout);
    expect(count("AssumeRole")).toBe(assumes);
  });

  it("AWS CLI first: portico uses the role credentials the CLI cached", async () => {
    // CLI 2.9.19 cannot assume a role from an sso-session source (aws/aws-cli#7496: "'NoneType' object has
    // no attribute 'get_frozen_token'"), so here the source is a static-key profile — written by portico.
    const w = await portico(["credentials", "--profile", "dev", "--write-credentials-file", "dev-keys"], env);
    expect(w.code, w.stderr).toBe(0);
    await appendFile(
      path.join(home.home, ".aws", "config"),
      `\n[profile admin-from-keys]\nrole_arn = ${adminArn}\nsource_profile = dev-keys\nregion = eu-north-1\n`,
    );
    await rm(cacheDir(), { recursive: true, force: true });
    const cli = await runAwsCli(
      ["sts", "get-caller-identity", "--profile", "admin-from-keys", "--output", "json"],
      env,
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).Arn).toMatch(
      /assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\//,
    );
    expect((await readdir(cacheDir())).filter((f) => f.endsWith(".json"))).toHaveLength(1); // the CLI's entry
    const assumes = count("AssumeRole");
    const who = await portico(["whoami", "--profile", "admin-from-keys", "--json"], env);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).arn).toBe(JSON.parse(cli.stdout).Arn);
    expect(count("AssumeRole")).toBe(assumes);
  });

  it("AWS CLI 2.9.19 itself fails on an sso-session source (aws/aws-cli#7496) where portico works", async () => {
    await rm(cacheDir(), { recursive: true, force: true });
    const cli = await runAwsCli(["sts", "get-caller-identity", "--profile", "admin-chain"], env);
    expect(cli.code).not.toBe(0);
    expect(`${cli.stdout}${cli.stderr}`).toContain("get_frozen_token");
    const who = await portico(["whoami", "--profile", "admin-chain", "--json"], env);
    expect(who.code, who.stderr).toBe(0);
  });

  it("boto3 resolves the same role", async () => {
    const r = await runPython(
      'import boto3\nprint(boto3.Session(profile_name="admin-chain").client("sts").get_caller_identity()["Arn"])',
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/botocore-session-\d+/,
    );
  });
});
