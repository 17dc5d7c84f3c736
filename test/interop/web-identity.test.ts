/**
 * Web-identity profiles (role_arn + web_identity_token_file), shared with the AWS CLI v2 (2.9.19)
 * through ~/.aws/cli/cache exactly like assume-role ones: the CLI uses what portico fetched (no
 * AssumeRoleWithWebIdentity of its own, export-credentials byte for byte) and portico uses what the CLI
 * fetched; boto3 resolves the same role. The emulator's STS is the identity provider (its own access
 * tokens are the web identity tokens, docs/emulator.md). Plus the refusals, in-process.
 */
import { createHash } from "node:crypto";
import { appendFile, readdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { runCli } from "../cli/support";
import { deviceSignIn } from "../credentials/support";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { assertBuilt, portico, porticoSetup } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let adminArn: string;
const OP = "AssumeRoleWithWebIdentity";
const count = () => emu.requests().filter((r) => r.operation === OP).length;
const cacheDir = () => path.join(home.home, ".aws", "cli", "cache");

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await porticoSetup(env, { name: "dev", account: "333333333333", role: "PowerUserAccess" });
  const { accessToken } = await deviceSignIn(env, "other");
  await writeFile(path.join(home.home, "token"), accessToken);
  const ps = emu.store.permissionSetByName("AdministratorAccess")!;
  adminArn = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/${emu.store.iamRoleName(ps)}`;
  const viewOnly = emu.store.permissionSetByName("ViewOnlyAccess")!;
  await appendFile(
    path.join(home.home, ".aws", "config"),
    [
      "",
      "[profile wi]",
      `role_arn = ${adminArn}`,
      `web_identity_token_file = ${path.join(home.home, "token")}`,
      "role_session_name = ci-run",
      "region = eu-north-1",
      "",
      "[profile wi-missing-file]",
      `role_arn = ${adminArn}`,
      `web_identity_token_file = ${path.join(home.home, "no-such-token")}`,
      "",
      "[profile wi-bad-token]",
      `role_arn = ${adminArn}`,
      `web_identity_token_file = ${path.join(home.home, ".aws", "config")}`,
      "",
      "[profile wi-not-granted]",
      `role_arn = arn:aws:iam::111111111111:role/${emu.store.iamRoleName(viewOnly)}`,
      `web_identity_token_file = ${path.join(home.home, "token")}`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("web-identity profile, portico and the AWS CLI", () => {
  it("portico first: cached under the CLI's key; the CLI's export-credentials is byte-identical, no STS call", async () => {
    const before = count();
    const mine = await portico(["credentials", "--profile", "wi", "--format", "env"], env);
    expect(mine.code, mine.stderr).toBe(0);
    expect(count()).toBe(before + 1);
    // botocore's key: sha1 of json.dumps({RoleArn, RoleSessionName}, sort_keys=True) — no token in it.
    const key = createHash("sha1")
      .update(`{"RoleArn": "${adminArn}", "RoleSessionName": "ci-run"}`)
      .digest("hex");
    expect(await readdir(cacheDir())).toContain(`${key}.json`);
    const again = await portico(["credentials", "--profile", "wi", "--format", "env"], env);
    expect(again.stdout).toBe(mine.stdout);
    expect(count()).toBe(before + 1);
    const theirs = await runAwsCli(
      ["configure", "export-credentials", "--profile", "wi", "--format", "env"],
      env,
    );
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(theirs.stdout).toBe(mine.stdout);
    expect(count()).toBe(before + 1);
  });

  it("AWS CLI first: portico uses the credentials the CLI cached", async () => {
    await rm(cacheDir(), { recursive: true, force: true });
    const cli = await runAwsCli(["sts", "get-caller-identity", "--profile", "wi", "--output", "json"], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).Arn).toMatch(
      /assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/ci-run$/,
    );
    const calls = count();
    const who = await portico(["whoami", "--profile", "wi", "--json"], env);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).arn).toBe(JSON.parse(cli.stdout).Arn);
    expect(count()).toBe(calls);
  });

  it("boto3 resolves the same role", async () => {
    const r = await runPython(
      'import boto3\nprint(boto3.Session(profile_name="wi").client("sts").get_caller_identity()["Arn"])',
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/ci-run$/);
  });

  it("refusals: unreadable token file (3), a token STS rejects (4), a role not granted (5)", async () => {
    const cases: [string, number, string][] = [
      ["wi-missing-file", 3, "web_identity_token_unreadable"],
      ["wi-bad-token", 4, "sign_in_required"],
      ["wi-not-granted", 5, "access_denied"],
    ];
    for (const [profile, exit, code] of cases) {
      const r = await runCli(["whoami", "--profile", profile, "--json"], env);
      expect([r.code, JSON.parse(r.stdout).error.code], r.stderr).toEqual([exit, code]);
      expect(r.stderr).toMatch(/^portico: .*\nhint: .*\n$/);
    }
  });
});
