/**
 * Interop 3 (issue 4): with short access tokens (240 s: inside botocore's 15-minute and the SDK's
 * 5-minute refresh windows) portico, botocore (boto3), the SDK JS v3 and the AWS CLI v2 take turns refreshing the same
 * sso-session token. Each turn must rotate the refresh token and write it back; the next client's
 * refresh only succeeds if the previous one did (the emulator accepts only the latest refresh token).
 */
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { assertBuilt, botoCallerArn, portico, porticoSetup, runSdk } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice", lifetimes: { accessToken: 240 } });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await porticoSetup(env, { name: "dev", account: "444444444444", role: "AdministratorAccess" });
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const tokenFile = () =>
  path.join(home.home, ".aws", "sso", "cache", `${createHash("sha1").update("acme").digest("hex")}.json`);

const sdkFromSso = `
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromSSO } from "@aws-sdk/credential-providers";
const sts = new STSClient({ region: "eu-north-1", credentials: fromSSO({ profile: "dev" }) });
console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);
sts.destroy();
`;

const clients: [string, () => Promise<{ code: number; stdout: string; stderr: string }>][] = [
  ["portico", () => portico(["whoami", "--profile", "dev", "--json"], env)],
  ["botocore", () => runPython(botoCallerArn("dev"), env)],
  ["sdk-js", () => runSdk(sdkFromSso, env)],
  ["aws-cli", () => runAwsCli(["sts", "get-caller-identity", "--profile", "dev"], env)],
];

describe.skipIf(missing("aws", "boto3"))("portico → botocore → SDK → AWS CLI, twice", () => {
  it("each client refreshes in turn, rotating and writing back the refresh token", async () => {
    const seen = new Set<string>();
    let prev = JSON.parse(await readFile(tokenFile(), "utf8"));
    seen.add(prev.refreshToken);
    const refreshesBefore = emu.requests().filter((r) => r.operation === "CreateToken").length;
    for (const round of [1, 2]) {
      for (const [name, runClient] of clients) {
        // Role credentials cached by portico would let it skip the token; clear them so it must refresh.
        await rm(path.join(home.home, ".aws", "cli", "cache"), { recursive: true, force: true });
        const r = await runClient();
        expect(r.code, `${name} (round ${round}): ${r.stderr}`).toBe(0);
        expect(r.stdout).toContain("444444444444");
        const next = JSON.parse(await readFile(tokenFile(), "utf8"));
        expect(next.accessToken, `${name} refreshed the access token`).not.toBe(prev.accessToken);
        expect(next.refreshToken, `${name} wrote back a refresh token`).toBeTruthy();
        expect(seen.has(next.refreshToken), `${name} rotated the refresh token`).toBe(false);
        seen.add(next.refreshToken);
        prev = next;
      }
    }
    const refreshes = emu.requests().filter((r) => r.operation === "CreateToken").length - refreshesBefore;
    expect(refreshes).toBe(8);
  });
});
