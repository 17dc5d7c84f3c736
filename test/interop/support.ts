/**
 * Shared pieces of the interop tests: run the built portico CLI, run the SDK JS v3 in a child process
 * (its providers read HOME and AWS_* from the process environment), and a scripted "browser".
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PORTICO = path.join(ROOT, "dist", "cli", "portico.mjs");

import { SSO_REGION, START_URL } from "../helpers/sign-in";

export { SSO_REGION, START_URL };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(PORTICO)) throw new Error("dist/cli/portico.mjs is missing: run `npm run build` first");
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? 128 + (signal ? 1 : 0), stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

export const portico = (args: string[], env: NodeJS.ProcessEnv, input?: string) =>
  run(process.execPath, [PORTICO, ...args], env, input);

/** Run an ES module snippet with the SDK JS v3 from this repo's node_modules. Prints whatever it logs. */
export const runSdk = (code: string, env: NodeJS.ProcessEnv) =>
  run(process.execPath, ["--input-type=module", "-e", code], {
    ...env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });

/** SDK JS v3: GetCallerIdentity with fromSSO and with fromNodeProviderChain for `profile`; prints two ARNs. */
export function sdkCallerArns(profile: string, region = "eu-north-1"): string {
  return `
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromSSO, fromNodeProviderChain, fromProcess } from "@aws-sdk/credential-providers";
const which = process.env._PORTICO_SDK_MODE === "process" ? "process" : "sso";
const out = [];
const providers = which === "process"
  ? [fromProcess({ profile: ${JSON.stringify(profile)} }), fromNodeProviderChain({ profile: ${JSON.stringify(profile)} })]
  : [fromSSO({ profile: ${JSON.stringify(profile)} }), fromNodeProviderChain({ profile: ${JSON.stringify(profile)} })];
for (const credentials of providers) {
  const sts = new STSClient({ region: ${JSON.stringify(region)}, credentials });
  out.push((await sts.send(new GetCallerIdentityCommand({}))).Arn);
  sts.destroy();
}
console.log(JSON.stringify(out));
`;
}

/** boto3 GetCallerIdentity for a profile; prints the ARN. HOME must be set before boto3 is imported. */
export function botoCallerArn(profile: string): string {
  return `import boto3\nprint(boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts", region_name="eu-north-1").get_caller_identity()["Arn"])`;
}

/** `portico configure sso-session`, `portico login` (device code), `portico configure sso` — all by flags. */
export async function porticoSetup(
  env: NodeJS.ProcessEnv,
  profile: { name: string; account: string; role: string },
  session = "acme",
): Promise<void> {
  const steps: string[][] = [
    [
      "configure",
      "sso-session",
      session,
      "--start-url",
      START_URL,
      "--sso-region",
      SSO_REGION,
      "--scopes",
      "sso:account:access",
      "--non-interactive",
    ],
    // Non-interactive runs never open a browser: device code, approved by the emulator (autoApprove).
    ["login", "--sso-session", session, "--device-code", "--no-browser"],
    [
      "configure",
      "sso",
      "--profile",
      profile.name,
      "--sso-session",
      session,
      "--account",
      profile.account,
      "--role",
      profile.role,
      "--region",
      "eu-north-1",
      "--output",
      "json",
      "--non-interactive",
    ],
  ];
  for (const args of steps) {
    const r = await portico(args, env);
    if (r.code !== 0) throw new Error(`portico ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  }
}
