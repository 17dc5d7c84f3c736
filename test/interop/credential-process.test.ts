/**
 * Interop 4 (issue 4): a credential_process profile pointing at portico works for AWS CLI v2, boto3 and
 * the SDK JS v3 — all get the ARN of the SSO profile behind it. Also: `credential-process` prints the
 * JSON and nothing else on stdout, and nothing at all on stdout when it fails.
 */
import { appendFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { assertBuilt, botoCallerArn, PORTICO, portico, porticoSetup, runSdk, sdkCallerArns } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let arn: string;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await porticoSetup(env, { name: "dev", account: "222222222222", role: "AdministratorAccess" });
  await appendFile(
    path.join(home.home, ".aws", "config"),
    `\n[profile dev-process]\ncredential_process = ${process.execPath} ${PORTICO} credential-process --profile dev\nregion = eu-north-1\n\n[profile broken-process]\ncredential_process = ${process.execPath} ${PORTICO} credential-process --profile nope\n`,
  );
  const who = await portico(["whoami", "--profile", "dev", "--json"], env);
  arn = JSON.parse(who.stdout).arn;
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe.skipIf(missing("aws", "boto3"))(
  "credential_process = portico credential-process --profile dev",
  () => {
    it("prints only the credential_process JSON on stdout", async () => {
      const r = await portico(["credential-process", "--profile", "dev"], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      const doc = JSON.parse(r.stdout);
      expect(doc.Version).toBe(1);
      expect(Object.keys(doc)).toEqual([
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
        "AccountId",
      ]);
    });

    it("on failure: nothing on stdout, the reason on stderr, non-zero exit", async () => {
      const r = await portico(["credential-process", "--profile", "nope"], env);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("nope");
    });

    it("portico itself resolves the credential_process profile (running portico as the process)", async () => {
      const r = await portico(["whoami", "--profile", "dev-process", "--json"], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ arn, source: "process" });
    });

    it("AWS CLI v2", async () => {
      const r = await runAwsCli(
        ["sts", "get-caller-identity", "--profile", "dev-process", "--output", "json"],
        env,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).Arn).toBe(arn);
    });

    it("AWS CLI v2 reports portico's stderr when it fails", async () => {
      const r = await runAwsCli(["sts", "get-caller-identity", "--profile", "broken-process"], env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("nope");
    });

    it("boto3", async () => {
      const r = await runPython(botoCallerArn("dev-process"), env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(arn);
    });

    it("SDK JS v3: fromProcess and fromNodeProviderChain", async () => {
      const r = await runSdk(sdkCallerArns("dev-process"), { ...env, _PORTICO_SDK_MODE: "process" });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([arn, arn]);
    });
  },
);
