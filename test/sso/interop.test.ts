/**
 * Interop with the real AWS CLI v2 (/usr/bin/aws 2.9.19) over the emulator: the CLI signs in with
 * the device flow (auto-approved); portico uses its token and reuses its client registration; and
 * tokens portico refreshes keep working for the CLI and boto3 (and theirs for portico).
 */

import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseToken, serializeToken, tokenFilePath, writeToken } from "../../src/sso/cache";
import { login } from "../../src/sso/login";
import { getSsoToken } from "../../src/sso/token-provider";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome, withEmulator } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { count, depsFor, sessionFor, writeConfig } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

function runNode(
  code: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["-e", code],
      { env, cwd: process.cwd(), timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
    ),
  );
}

function aliceAccount(emu: import("../helpers/emulator").RunningEmulator) {
  const alice = emu.store.findUserByName("alice")!;
  const acct = emu.store.accountsForUser(alice.userId)[0]!;
  return { accountId: acct.accountId, role: emu.store.rolesForUser(alice.userId, acct.accountId)[0]! };
}

describe.skipIf(missing("aws", "boto3"))("AWS CLI v2 first, then portico", () => {
  it("portico uses the CLI's token and reuses the CLI's client registration", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const { accountId, role } = aliceAccount(emu);
      await writeConfig(
        home,
        `[profile dev]\nsso_session = my-sso\nsso_account_id = ${accountId}\nsso_role_name = ${role}\nregion = eu-west-1\n[sso-session my-sso]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\nsso_registration_scopes = sso:account:access\n`,
      );
      const awsEnv = await awsClientEnv(home, emu.url);
      const r = await runAwsCli(["sso", "login", "--profile", "dev", "--no-browser"], awsEnv);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Successfully logged into Start URL: ${emu.startUrl}`);
      expect(count(emu, "RegisterClient")).toBe(1);

      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      const file = tokenFilePath(deps.paths.ssoCacheDir, session);
      const cliBytes = await fs.readFile(file, "utf8");
      const parsed = parseToken(cliBytes);
      expect(parsed.status).toBe("ok");
      if (parsed.status !== "ok") return;
      // portico's serializer reproduces the CLI's bytes exactly.
      expect(serializeToken(parsed.token)).toBe(cliBytes);
      expect((await getSsoToken(deps, session)).accessToken).toBe(parsed.token.accessToken);

      // portico's own device login reuses the registration the CLI cached (no RegisterClient).
      const res = await login({ ...deps, print: () => {} }, session, { flow: "device" });
      expect(res.registrationReused).toBe(true);
      expect(count(emu, "RegisterClient")).toBe(1);
      expect(res.token.clientId).toBe(parsed.token.clientId);
      const files = (await fs.readdir(deps.paths.ssoCacheDir)).filter((f) => f.endsWith(".json"));
      expect(files.length).toBe(2); // one token, one registration — shared, not duplicated
    });
  }, 120_000);

  it("refresh alternates between portico, botocore and the SDK JS; the CLI keeps working; no refresh token lost", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const { accountId, role } = aliceAccount(emu);
      await writeConfig(
        home,
        `[profile dev]\nsso_session = my-sso\nsso_account_id = ${accountId}\nsso_role_name = ${role}\nregion = eu-west-1\n[sso-session my-sso]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\nsso_registration_scopes = sso:account:access\n`,
      );
      const deps = depsFor(home, emu);
      const session = sessionFor(emu);
      await login({ ...deps, print: () => {} }, session, { flow: "device" });
      const file = tokenFilePath(deps.paths.ssoCacheDir, session);
      const age = async () => {
        const t = parseToken(await fs.readFile(file, "utf8"));
        if (t.status !== "ok") throw new Error(`token unreadable: ${t.status}`);
        await writeToken(deps.paths.ssoCacheDir, session, {
          ...t.token,
          expiresAt: new Date(Date.now() + 5 * 60_000),
        });
        return t.token;
      };
      const awsEnv = await awsClientEnv(home, emu.url);
      const boto = `import boto3\ns = boto3.Session(profile_name="dev")\nprint(s.client("sts").get_caller_identity()["Account"])`;
      for (let round = 0; round < 2; round++) {
        // portico refreshes
        const before = await age();
        const p = await getSsoToken(deps, session);
        expect(p.accessToken).not.toBe(before.accessToken);
        // botocore refreshes (its SSOTokenProvider, inside the 15-minute window) and writes back
        const b0 = await age();
        const py = await runPython(boto, awsEnv);
        expect(py.stderr).toBe("");
        expect(py.stdout.trim()).toBe(accountId);
        const afterBoto = parseToken(await fs.readFile(file, "utf8"));
        expect(afterBoto.status).toBe("ok");
        if (afterBoto.status === "ok") {
          expect(afterBoto.token.accessToken).not.toBe(b0.accessToken);
          expect(afterBoto.token.refreshToken).toBeTruthy();
        }
        // the SDK for JavaScript v3 (fromSSO) refreshes below its 5-minute mark and writes its own variant back
        const parsedBefore = parseToken(await fs.readFile(file, "utf8"));
        if (parsedBefore.status !== "ok") throw new Error("token unreadable");
        await writeToken(deps.paths.ssoCacheDir, session, {
          ...parsedBefore.token,
          expiresAt: new Date(Date.now() + 4 * 60_000),
        });
        const sdk = await runNode(
          `const { fromSSO } = require("@aws-sdk/credential-providers");
           fromSSO({ profile: "dev" })().then((c) => console.log(c.accessKeyId ? "ok" : "no"), (e) => { console.error(e.message); process.exit(1); });`,
          awsEnv,
        );
        expect(sdk.stderr).toBe("");
        expect(sdk.stdout.trim()).toBe("ok");
        const sdkBytes = await fs.readFile(file, "utf8");
        expect(sdkBytes).toContain('\n  "accessToken"'); // pretty-printed by the SDK …
        const afterSdk = parseToken(sdkBytes); // … and still read by portico
        expect(
          afterSdk.status === "ok" && afterSdk.token.accessToken !== parsedBefore.token.accessToken,
        ).toBe(true);
        // the AWS CLI v2 keeps working with the shared file
        await age();
        const cli = await runAwsCli(
          ["sts", "get-caller-identity", "--profile", "dev", "--output", "text"],
          awsEnv,
        );
        expect(cli.code).toBe(0);
        expect(cli.stdout).toContain(accountId);
        // (2.9.19 may serve from its own role-credential cache and need no refresh; either way the file stays valid)
        expect(parseToken(await fs.readFile(file, "utf8")).status).toBe("ok");
      }
      // and portico can still refresh with whatever refresh token the others left behind
      await age();
      expect((await getSsoToken(deps, session)).expiresAt.getTime()).toBeGreaterThan(
        Date.now() + 30 * 60_000,
      );
      expect(path.basename(file)).toBe("0ad374308c5a4e22f723adf10145eafad7c4031c.json");
    });
  }, 180_000);
});
