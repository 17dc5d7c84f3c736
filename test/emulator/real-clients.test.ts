/**
 * The unmodified real clients against the emulator: AWS CLI v2.9.19 (`aws sso login --no-browser`,
 * device flow, auto-approve; then STS and export-credentials), and boto3's SSO credential provider
 * reading the token cache the CLI wrote. Each prints the expected assumed-role ARN.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { type RunningEmulator, tempHome, withEmulator } from "../helpers/emulator";
import { missing } from "../helpers/tools";

/** Run a CommonJS snippet with node from the repo root (so the installed SDK resolves). */
function runNode(
  code: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], { env, cwd: path.resolve(__dirname, "../..") });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c ?? 1, stdout, stderr }));
  });
}

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

async function writeConfig(emu: RunningEmulator, ssoRegion = emu.region): Promise<void> {
  await mkdir(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  await writeFile(
    path.join(home, ".aws", "config"),
    `[sso-session my-sso]
sso_start_url = ${emu.startUrl}
sso_region = ${ssoRegion}
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = my-sso
sso_account_id = 222222222222
sso_role_name = ViewOnlyAccess
region = us-west-2
output = json
`,
  );
}

const expectedArn = (emu: RunningEmulator, user: string): string => {
  const ps = emu.store.permissionSetByName("ViewOnlyAccess")!;
  return `arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_ViewOnlyAccess_${ps.roleSuffix}/${user}`;
};

describe.skipIf(missing("aws", "boto3"))("AWS CLI v2 and boto3 against the emulator", () => {
  it("aws sso login (device code, auto-approve) → sts get-caller-identity → export-credentials → boto3", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob" }, async (emu) => {
      await writeConfig(emu);
      const env = await awsClientEnv(home, emu.url);
      const login = await runAwsCli(["sso", "login", "--no-browser", "--sso-session", "my-sso"], env);
      expect(login.stderr).toBe("");
      expect(login.code).toBe(0);
      expect(login.stdout).toContain(`Successfully logged into Start URL: ${emu.startUrl}`);
      expect(
        emu
          .requests()
          .map((r) => r.operation)
          .slice(0, 3),
      ).toEqual(["RegisterClient", "StartDeviceAuthorization", "CreateToken"]);

      const token = JSON.parse(
        await readFile(
          path.join(home, ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
          "utf8",
        ),
      );
      expect(token).toMatchObject({ startUrl: emu.startUrl, region: emu.region });
      expect(token.refreshToken).toMatch(/^aor/);

      const who = await runAwsCli(["sts", "get-caller-identity", "--profile", "dev"], env);
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout).Arn).toBe(expectedArn(emu, "bob"));

      const exported = await runAwsCli(["configure", "export-credentials", "--profile", "dev"], env);
      expect(exported.code).toBe(0);
      const creds = JSON.parse(exported.stdout);
      expect(creds.AccessKeyId).toMatch(/^ASIA/);
      expect(emu.store.lookupCredentials(creds.AccessKeyId)).toMatchObject({
        accountId: "222222222222",
        roleName: "ViewOnlyAccess",
      });

      const py = await runPython(
        'import boto3; s = boto3.Session(profile_name="dev"); print(s.client("sts").get_caller_identity()["Arn"])',
        env,
      );
      expect(py.stderr).toBe("");
      expect(py.stdout.trim()).toBe(expectedArn(emu, "bob"));

      // The SDK JS v3 credential chain (fromSSO) reads the same cache, in its own process.
      const js = await runNode(
        `const { fromSSO } = require("@aws-sdk/credential-providers");
         const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
         new STSClient({ region: "us-west-2", credentials: fromSSO({ profile: "dev" }) })
           .send(new GetCallerIdentityCommand({})).then((r) => console.log(r.Arn), (e) => { console.error(e); process.exit(1); });`,
        env,
      );
      expect(js.stderr).toBe("");
      expect(js.stdout.trim()).toBe(expectedArn(emu, "bob"));

      // `aws sso logout` calls Logout on the portal: the token stops working server-side too.
      const logout = await runAwsCli(["sso", "logout"], env);
      expect(logout.code).toBe(0);
      expect(
        emu.requests().some((r) => r.service === "sso" && r.operation === "Logout" && r.status === 200),
      ).toBe(true);
      expect(emu.store.sessionForAccessToken(token.accessToken)).toBeUndefined();
    });
  });

  it("boto3 refreshes an expiring token with the refresh token the CLI cached (rotation written back)", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob", lifetimes: { accessToken: 600 } }, async (emu) => {
      await writeConfig(emu);
      const env = await awsClientEnv(home, emu.url);
      expect((await runAwsCli(["sso", "login", "--no-browser", "--sso-session", "my-sso"], env)).code).toBe(
        0,
      );
      const file = path.join(home, ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json");
      const before = JSON.parse(await readFile(file, "utf8"));
      // 600 s left is inside botocore's 15-minute refresh window.
      const py = await runPython(
        'import boto3; s = boto3.Session(profile_name="dev"); print(s.client("sts").get_caller_identity()["Arn"])',
        env,
      );
      expect(py.stdout.trim()).toBe(expectedArn(emu, "bob"));
      const after = JSON.parse(await readFile(file, "utf8"));
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(emu.requests().filter((r) => r.operation === "CreateToken" && r.status === 200)).toHaveLength(2);
    });
  });

  it("the CLI polls a pending device code until it is approved through the control API", async () => {
    await withEmulator({ seed: "demo", control: true }, async (emu) => {
      await writeConfig(emu);
      const env = await awsClientEnv(home, emu.url);
      const child = spawn("/usr/bin/aws", ["sso", "login", "--no-browser", "--sso-session", "my-sso"], {
        env,
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
      onTestFinished(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      const deadline = Date.now() + 30_000;
      let userCode: string | undefined;
      while (!userCode && Date.now() < deadline) {
        userCode = /^([A-Z]{4}-[A-Z]{4})$/m.exec(out)?.[1];
        if (!userCode) await new Promise((r) => setTimeout(r, 100));
      }
      expect(userCode).toBeDefined();
      expect(out).toContain(`${emu.url}/device?user_code=${userCode}`);
      await new Promise((r) => setTimeout(r, 1500)); // let it poll while pending
      const approve = await fetch(`${emu.url}/_emulator/approve`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userCode, user: "alice" }),
      });
      expect(approve.status).toBe(200);
      expect(await closed).toBe(0);
      expect(out).toContain("Successfully logged into Start URL");
      const polls = emu.requests().filter((r) => r.operation === "CreateToken");
      expect(polls.filter((r) => r.status === 400).length).toBeGreaterThanOrEqual(1);
      expect(polls.at(-1)!.status).toBe(200);
      const who = await runAwsCli(["sts", "get-caller-identity", "--profile", "dev"], env);
      expect(JSON.parse(who.stdout).Arn).toBe(expectedArn(emu, "alice"));
    });
  });

  it("SDK JS v3 refreshes a token with < 5 min left and writes the rotated refresh token back", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob", lifetimes: { accessToken: 240 } }, async (emu) => {
      await writeConfig(emu);
      const env = await awsClientEnv(home, emu.url);
      expect((await runAwsCli(["sso", "login", "--no-browser", "--sso-session", "my-sso"], env)).code).toBe(
        0,
      );
      const file = path.join(home, ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json");
      const before = JSON.parse(await readFile(file, "utf8"));
      const js = await runNode(
        `const { fromSSO } = require("@aws-sdk/credential-providers");
         const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
         new STSClient({ region: "us-west-2", credentials: fromSSO({ profile: "dev" }) })
           .send(new GetCallerIdentityCommand({})).then((r) => console.log(r.Arn), (e) => { console.error(e); process.exit(1); });`,
        env,
      );
      expect(js.stdout.trim()).toBe(expectedArn(emu, "bob"));
      const after = JSON.parse(await readFile(file, "utf8"));
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(typeof after.refreshToken).toBe("string");
      expect(after.refreshToken).not.toBe(before.refreshToken);
    });
  });

  it("legacy profile (sso_start_url in the profile): login, no refresh token, boto3 gets the identity", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob" }, async (emu) => {
      await mkdir(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
      await writeFile(
        path.join(home, ".aws", "config"),
        `[profile legacy]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\nsso_account_id = 222222222222\nsso_role_name = ViewOnlyAccess\nregion = us-west-2\n`,
      );
      const env = await awsClientEnv(home, emu.url);
      const login = await runAwsCli(["sso", "login", "--no-browser", "--profile", "legacy"], env);
      expect(login.code).toBe(0);
      // Legacy cache file: sha1 of the start URL as written (docs/reference.md §2.1).
      const name = createHash("sha1").update(emu.startUrl).digest("hex");
      const token = JSON.parse(await readFile(path.join(home, ".aws/sso/cache", `${name}.json`), "utf8"));
      expect(token.accessToken).toMatch(/^aoa/);
      expect(token.refreshToken).toBeUndefined();
      const py = await runPython(
        'import boto3; s = boto3.Session(profile_name="legacy"); print(s.client("sts").get_caller_identity()["Arn"])',
        env,
      );
      expect(py.stdout.trim()).toBe(expectedArn(emu, "bob"));
    });
  });

  it("a wrong sso_region fails the CLI login with InvalidGrantException and writes no token", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob" }, async (emu) => {
      await writeConfig(emu, "us-east-1");
      const env = await awsClientEnv(home, emu.url, { regionInPath: true });
      const login = await runAwsCli(["sso", "login", "--no-browser", "--sso-session", "my-sso"], env);
      expect(login.code).not.toBe(0);
      expect(login.stderr).toContain("InvalidGrantException");
      const cache = await readdir(path.join(home, ".aws/sso/cache")).catch(() => [] as string[]);
      for (const f of cache)
        expect(
          JSON.parse(await readFile(path.join(home, ".aws/sso/cache", f), "utf8")).accessToken,
        ).toBeUndefined();
    });
  });
});
