/**
 * Assume-role profiles (role_arn + source_profile) against the emulator's STS AssumeRole (role chaining
 * into an Identity Center role the user holds), with the AWS CLI's cache key and entry shape.
 */

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { assumeRoleKeyMaterial } from "../../src/credentials/assume-role";
import { parseCacheEntry } from "../../src/credentials/cache";
import { getCallerIdentity } from "../../src/credentials/identity";
import { resolveCredentials } from "../../src/credentials/resolve";
import { tempHome } from "../helpers/emulator";
import { demoConfig, deviceSignIn, rejection, testEnv, writeConfig } from "./support";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe("cache key (python3 json.dumps(kwargs, sort_keys=True) → sha1)", () => {
  it.each([
    [
      {
        roleArn:
          "arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
        sourceProfile: "dev",
      },
      "0a6f6f3838c333789326493f91a63121fbba467e",
    ],
    [
      {
        roleArn: "arn:aws:iam::1:role/x",
        sourceProfile: "s",
        durationSeconds: 900,
        externalId: "ext",
        roleSessionName: "me",
      },
      "3ed7b8bc7b94d7d24ccb5b51f2ff60f007651e42",
    ],
  ])("%j", (config, key) => {
    expect(sha1(assumeRoleKeyMaterial(config))).toBe(key);
  });
});

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let adminRoleArn: string;
const deps = () => ({ env, now: () => new Date() });
const count = (op: string) => emu.requests().filter((r) => r.operation === op).length;

beforeEach(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  const ps = emu.store.permissionSetByName("AdministratorAccess")!;
  adminRoleArn = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/${emu.store.iamRoleName(ps)}`;
  await writeConfig(
    home.home,
    demoConfig(`
[profile chain]
role_arn = ${adminRoleArn}
source_profile = dev
region = eu-north-1

[profile chain2]
role_arn = ${adminRoleArn}
source_profile = chain
role_session_name = twice

[profile denied]
role_arn = arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-north-1/AWSReservedSSO_ViewOnlyAccess_0000000000000000
source_profile = dev

[profile loop-a]
role_arn = ${adminRoleArn}
source_profile = loop-b

[profile loop-b]
role_arn = ${adminRoleArn}
source_profile = loop-a

[profile both]
role_arn = ${adminRoleArn}
source_profile = dev
credential_source = Environment
`),
  );
  await deviceSignIn(env, "acme");
});

afterEach(async () => {
  await emu.stop();
  await home.cleanup();
});

describe("role_arn + source_profile", () => {
  it("assumes the role with the SSO source's credentials and caches it where the AWS CLI looks", async () => {
    const r = await resolveCredentials(deps(), { profile: "chain" });
    expect(r.source).toMatchObject({ kind: "assume-role", cached: false, sourceProfile: "dev" });
    const id = await getCallerIdentity(env, r.credentials, "eu-north-1");
    expect(id.arn).toMatch(
      /^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/botocore-session-\d+$/,
    );
    const key = sha1(assumeRoleKeyMaterial({ roleArn: adminRoleArn, sourceProfile: "dev" }));
    const text = await readFile(path.join(home.home, ".aws", "cli", "cache", `${key}.json`), "utf8");
    expect(text).toMatch(
      /^\{"Credentials": \{"AccessKeyId": "ASIA\w+", "SecretAccessKey": "[^"]+", "SessionToken": "[^"]+", "Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC"\}/,
    );
    expect(parseCacheEntry(text)?.accessKeyId).toBe(r.credentials.accessKeyId);
    const again = await resolveCredentials(deps(), { profile: "chain" });
    expect(again.source).toMatchObject({ cached: true });
    expect(again.credentials.accessKeyId).toBe(r.credentials.accessKeyId);
    expect(count("AssumeRole")).toBe(1);
  });

  it("chains through an assume-role source, with the configured session name", async () => {
    const r = await resolveCredentials(deps(), { profile: "chain2" });
    const id = await getCallerIdentity(env, r.credentials, "eu-north-1");
    expect(id.arn).toMatch(/\/twice$/);
    expect(count("AssumeRole")).toBe(2);
  });

  it("a role the user may not assume is access denied (exit 5)", async () => {
    const e = await rejection(resolveCredentials(deps(), { profile: "denied" }));
    expect(e.code).toBe("access_denied");
    expect(e.exitCode).toBe(5);
    expect(e.hint).toContain("[profile denied]");
  });

  it("source_profile cycles and source_profile + credential_source are config errors (exit 3)", async () => {
    const loop = await rejection(resolveCredentials(deps(), { profile: "loop-a" }));
    expect(loop.code).toBe("assume_role_cycle");
    expect(loop.message).toContain("loop-a -> loop-b -> loop-a");
    const both = await rejection(resolveCredentials(deps(), { profile: "both" }));
    expect(both.code).toBe("assume_role_invalid");
    expect(both.exitCode).toBe(3);
  });

  it("not signed in to the source's SSO session: exit 4 naming the source profile", async () => {
    const { rm } = await import("node:fs/promises");
    await rm(path.join(home.home, ".aws", "sso"), { recursive: true, force: true });
    const e = await rejection(resolveCredentials(deps(), { profile: "chain" }));
    expect(e.exitCode).toBe(4);
    expect(e.hint).toBe("portico login --profile dev");
  });
});
