/**
 * The emulator's admin-API throttle (--admin-tps, docs/emulator.md): one collective bucket for
 * identitystore and sso-admin together, answered with HTTP 429 ThrottlingException, which the real
 * SDK clients (JS v3 and boto3) recognise as throttling.
 */
import { IdentitystoreClient, ListUsersCommand } from "@aws-sdk/client-identitystore";
import { ListInstancesCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { isThrottle } from "../../src/platform/aws-errors";
import { awsClientEnv, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";

let emu: RunningEmulator;
const credentials = { accessKeyId: "AKIAADMINEXAMPLE0001", secretAccessKey: "admin-secret" };

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", adminTps: 5 });
});
afterAll(async () => {
  await emu?.stop();
});

const clients = () => {
  const common = { endpoint: emu.url, region: emu.region, credentials, maxAttempts: 1 };
  return { ids: new IdentitystoreClient(common), sso: new SSOAdminClient(common) };
};

describe("--admin-tps", () => {
  it("throttles identitystore and sso-admin from one collective bucket with 429 ThrottlingException", async () => {
    const { ids, sso } = clients();
    try {
      // Let the bucket fill (burst 5), then 12 calls at once, alternating the two services.
      await new Promise((r) => setTimeout(r, 1100));
      const store = emu.store.org.instance.identityStoreId;
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0
            ? sso.send(new ListInstancesCommand({}))
            : ids.send(new ListUsersCommand({ IdentityStoreId: store })),
        ),
      );
      const ok = results.filter((r) => r.status === "fulfilled").length;
      const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      // Collective: 5 tokens for both services together, not 5 each.
      expect(ok).toBeGreaterThanOrEqual(5);
      expect(ok).toBeLessThanOrEqual(6);
      expect(failed.length).toBe(12 - ok);
      for (const e of failed) {
        expect(e.name).toBe("ThrottlingException");
        expect(e.$metadata.httpStatusCode).toBe(429);
        expect(isThrottle(e)).toBe(true);
      }
      const idsFailure = failed.find((e) => "RetryAfterSeconds" in e);
      if (idsFailure) expect(idsFailure.RetryAfterSeconds).toBe(1);
      // Refilled at 5/s: a second later calls pass again.
      await new Promise((r) => setTimeout(r, 1100));
      await expect(sso.send(new ListInstancesCommand({}))).resolves.toBeDefined();
    } finally {
      ids.destroy();
      sso.destroy();
    }
  });

  it("rejects a non-positive rate", async () => {
    await expect(startEmulator({ seed: "demo", adminTps: 0 })).rejects.toThrow(/admin-tps/);
  });

  it.skipIf(missing("python3"))("boto3 sees the error code ThrottlingException", async () => {
    const home = await tempHome();
    try {
      const env = {
        ...(await awsClientEnv(home.home, emu.url)),
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_DEFAULT_REGION: emu.region,
      };
      await new Promise((r) => setTimeout(r, 1100));
      const out = await runPython(
        `
import json, boto3, botocore
from botocore.config import Config
sso = boto3.client("sso-admin", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
from concurrent.futures import ThreadPoolExecutor
sso.list_instances()
def call(_):
    try:
        sso.list_instances(); return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + ":" + str(e.response["ResponseMetadata"]["HTTPStatusCode"])
with ThreadPoolExecutor(12) as pool:
    print(json.dumps(list(pool.map(call, range(24)))))
`,
        env,
      );
      expect(out.code, out.stderr).toBe(0);
      const codes = JSON.parse(out.stdout) as string[];
      expect(codes.filter((c) => c === "ok").length).toBeGreaterThanOrEqual(3);
      expect(codes).toContain("ThrottlingException:429");
    } finally {
      await home.cleanup();
    }
  });
});
