/**
 * `portico serve` as a child process (the built command) against the emulator, with the real container
 * providers: boto3's and the SDK for JavaScript v3's (`fromContainerMetadata`), each calling STS through
 * the served credentials twice across an expiry (the emulator issues 5-second role credentials, so the
 * second call only works if the client refreshed and portico served new ones). Also: missing and wrong
 * tokens refused, nothing secret on stderr, a port in use.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { PORTICO_CJS, ROOT, run } from "../shell/support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let child: ChildProcess;
let stderr = "";
let uri = "";
let token = "";

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice", lifetimes: { roleCredentials: 5 } });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig());
  await deviceSignIn(env, "acme");
  child = spawn(process.execPath, [PORTICO_CJS, "serve", "--profile", "dev", "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.split("\n").length >= 3) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // The docker line follows on stderr.
  for (let i = 0; i < 200 && !stderr.includes("docker run"); i++) await new Promise((r) => setTimeout(r, 50));
  const lines = out.trim().split("\n");
  expect(lines).toHaveLength(2);
  uri = /^AWS_CONTAINER_CREDENTIALS_FULL_URI=(http:\/\/127\.0\.0\.1:\d+\/\S+)$/.exec(lines[0]!)![1]!;
  token = /^AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S{40,})$/.exec(lines[1]!)![1]!;
}, 60_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  await emu?.stop();
  await home?.cleanup();
});

const clientEnv = () => ({
  ...env,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: uri,
  AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
  AWS_REGION: "eu-north-1",
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
});

describe("serve", () => {
  it("prints the docker run form on stderr, with the token taken from the environment (not argv)", () => {
    expect(stderr).toContain(
      `docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI=${uri} -e AWS_CONTAINER_AUTHORIZATION_TOKEN IMAGE`,
    );
    expect(stderr).not.toContain(token);
  });

  it("refuses a missing (401) or wrong (403) token; answers the right one", async () => {
    expect((await fetch(uri)).status).toBe(401);
    expect((await fetch(uri, { headers: { authorization: `${token}x` } })).status).toBe(403);
    const ok = await fetch(uri, { headers: { authorization: token } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      "AccessKeyId",
      "AccountId",
      "Expiration",
      "SecretAccessKey",
      "Token",
    ]);
  });

  it("boto3 and the SDK JS v3 container providers call STS twice across an expiry", async () => {
    const py = runPython(
      `import boto3, time
s = boto3.Session(region_name="eu-north-1")
sts = s.client("sts")
a = sts.get_caller_identity()["Arn"]; k1 = s.get_credentials().get_frozen_credentials().access_key
time.sleep(6)
b = sts.get_caller_identity()["Arn"]; k2 = s.get_credentials().get_frozen_credentials().access_key
print(a); print(b); print("refreshed" if k1 != k2 else "same")`,
      clientEnv(),
    );
    const js = run(
      process.execPath,
      [
        "-e",
        `const { fromContainerMetadata } = require("@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
(async () => {
  const client = new STSClient({ region: "eu-north-1", endpoint: process.env.AWS_ENDPOINT_URL, credentials: fromContainerMetadata({ timeout: 5000 }) });
  const a = await client.send(new GetCallerIdentityCommand({}));
  const k1 = (await client.config.credentials()).accessKeyId;
  await new Promise((r) => setTimeout(r, 6000));
  const b = await client.send(new GetCallerIdentityCommand({}));
  const k2 = (await client.config.credentials()).accessKeyId;
  console.log(a.Arn); console.log(b.Arn); console.log(k1 !== k2 ? "refreshed" : "same");
})().catch((e) => { console.error(e); process.exit(1); });`,
      ],
      { ...clientEnv(), NODE_PATH: `${ROOT}/node_modules` },
      { timeoutMs: 60_000 },
    );
    for (const r of await Promise.all([py, js])) {
      expect(r.code, r.stderr).toBe(0);
      const [a, b, refreshed] = r.stdout.trim().split("\n");
      expect(a).toMatch(/^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_/);
      expect(b).toBe(a);
      expect(refreshed).toBe("refreshed");
    }
  }, 60_000);

  it("never logs a credential or the token", async () => {
    const body = (await (await fetch(uri, { headers: { authorization: token } })).json()) as Record<
      string,
      string
    >;
    expect(stderr).toMatch(/GET \/portico\/credentials 200/);
    for (const secret of [token, body["SecretAccessKey"]!, body["Token"]!, body["AccessKeyId"]!])
      expect(stderr).not.toContain(secret);
  });

  it("a port in use: serve_port_in_use, exit 2", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(
        process.execPath,
        [PORTICO_CJS, "serve", "--profile", "dev", "--port", String(port)],
        env,
        { timeoutMs: 30_000 },
      );
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("an unknown profile fails before anything listens (exit 3)", async () => {
    const r = await run(process.execPath, [PORTICO_CJS, "serve", "--profile", "nope"], env, {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
  });
});
