/**
 * Interop 1 (issue 4): portico configures and signs in from an empty HOME; then the AWS CLI v2
 * (/usr/bin/aws 2.9.19), boto3 and the SDK JS v3 (fromSSO, fromNodeProviderChain) use that profile
 * without signing in, and all report the same ARN. `portico credentials --format F` equals
 * `aws configure export-credentials --format F` byte for byte for every format the CLI supports
 * (they share the role credentials through ~/.aws/cli/cache).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { assertBuilt, botoCallerArn, portico, porticoSetup, runSdk, sdkCallerArns } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await porticoSetup(env, { name: "dev", account: "333333333333", role: "PowerUserAccess" });
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe.skipIf(missing("aws", "boto3"))("portico first, then every other client", () => {
  let arn: string;

  it("portico whoami reports the assumed-role ARN", async () => {
    const r = await portico(["whoami", "--profile", "dev", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const who = JSON.parse(r.stdout);
    arn = who.arn;
    expect(arn).toMatch(
      /^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}\/alice/,
    );
    expect(who.permissionSet).toBe("PowerUserAccess");
  });

  it("AWS CLI v2: sts get-caller-identity without logging in", async () => {
    const r = await runAwsCli(["sts", "get-caller-identity", "--profile", "dev", "--output", "json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toBe(arn);
  });

  it("boto3", async () => {
    const r = await runPython(botoCallerArn("dev"), env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(arn);
  });

  it("SDK JS v3: fromSSO and fromNodeProviderChain", async () => {
    const r = await runSdk(sdkCallerArns("dev"), env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([arn, arn]);
  });

  it.each(["process", "env", "env-no-export", "powershell", "windows-cmd"])(
    "portico credentials --format %s === aws configure export-credentials, byte for byte",
    async (format) => {
      const mine = await portico(["credentials", "--profile", "dev", "--format", format], env);
      const theirs = await runAwsCli(
        ["configure", "export-credentials", "--profile", "dev", "--format", format],
        env,
      );
      expect(mine.code, mine.stderr).toBe(0);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(mine.stdout).toBe(theirs.stdout);
      expect(mine.stdout).toMatch(/ASIA/);
    },
  );

  it("portico exec hands the keys to boto3 and the SDK JS v3 children (AWS_PROFILE removed)", async () => {
    const withProfile = { ...env, AWS_PROFILE: "dev" };
    const py = await portico(
      [
        "exec",
        "--profile",
        "dev",
        "--",
        "python3",
        "-c",
        "import boto3,os; s=boto3.Session(); print(s.get_credentials().method, os.environ.get('AWS_PROFILE'), s.client('sts').get_caller_identity()['Arn'])",
      ],
      withProfile,
    );
    expect(py.code, py.stderr).toBe(0);
    expect(py.stdout.trim()).toBe(`env None ${arn}`);
    const js = await portico(
      [
        "exec",
        "--profile",
        "dev",
        "--",
        process.execPath,
        "--input-type=module",
        "-e",
        'import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts"; const s = new STSClient({}); console.log((await s.send(new GetCallerIdentityCommand({}))).Arn); s.destroy();',
      ],
      { ...withProfile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    );
    expect(js.code, js.stderr).toBe(0);
    expect(js.stdout.trim()).toBe(arn);
  });
});
