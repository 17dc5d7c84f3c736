/**
 * `portico use` as the shell function runs it: the built command against the emulator, signed in
 * with the real device flow. The fast path (src/shell/fast-path.ts) and the full command print the
 * same statements; failures exit with the project's codes and print nothing on stdout.
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { useFromCache } from "../../src/shell/fast-path";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { portico } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(
    home.home,
    demoConfig(`
[profile static]
aws_access_key_id = AKIASTATICEXAMPLE
aws_secret_access_key = secret
region = us-west-2
`),
  );
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("signed out", () => {
  it("non-interactive: exit 4, the exact login command, nothing on stdout", async () => {
    const r = await portico(["use", "dev", "--print-env", "--shell", "bash"], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("portico login --profile dev");
  });
  it("--export the same", async () => {
    const r = await portico(["use", "dev", "--print-env", "--shell", "zsh", "--export"], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("portico login --profile dev");
  });
});

describe("errors", () => {
  it("an unknown profile is profile_not_found (exit 3), nothing on stdout", async () => {
    const r = await runCli(["use", "nope", "--print-env", "--shell", "bash"], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("The config profile (nope) could not be found");
  });
  it("without --print-env: usage, with the eval form and shell-init in the hint", async () => {
    const r = await runCli(["use", "dev", "--shell", "fish"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('eval "$(portico use dev --print-env --shell fish)"');
    expect(r.stderr).toContain("portico shell-init fish");
  });
  it("an unknown shell is a usage error", async () => {
    const r = await runCli(["use", "dev", "--print-env", "--shell", "tcsh"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});

describe("signed in", () => {
  beforeAll(async () => {
    await deviceSignIn(env, "acme");
  });

  it("profile mode: the fast path answers, the full command prints the same statements", async () => {
    const now = new Date();
    const shellEnv = { ...env, AWS_PROFILE: "admin", AWS_ACCESS_KEY_ID: "AKIASTALE" };
    const fast = useFromCache(["use", "dev", "--print-env", "--shell", "bash"], shellEnv, now);
    expect(fast).toBeDefined();
    const full = await runCli(["use", "dev", "--print-env", "--shell", "bash"], shellEnv);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toBe(fast);
    expect(fast).toContain("export AWS_PROFILE='dev'\n");
    expect(fast).toContain("export AWS_REGION='eu-north-1'\n");
    expect(fast).toContain("unset AWS_ACCESS_KEY_ID\n");
    expect(fast).toContain("export PORTICO_PREVIOUS='admin'\n");
    const child = await portico(["use", "dev", "--print-env", "--shell", "bash"], shellEnv);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe(fast);
  });

  it("--export: the role's keys and expiry; fast path and full command agree", async () => {
    const first = await portico(["use", "dev", "--print-env", "--shell", "fish", "--export"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^set -gx -- AWS_ACCESS_KEY_ID '[A-Z0-9]+'$/m);
    expect(first.stdout).toMatch(/^set -gx -- AWS_SESSION_TOKEN '.+'$/m);
    expect(first.stdout).toMatch(/^set -gx -- AWS_CREDENTIAL_EXPIRATION '\d{4}-.*\+00:00'$/m);
    expect(first.stdout).toMatch(/^set -e -g AWS_PROFILE$/m);
    expect(first.stdout).toMatch(/^set -gx -- PORTICO_REFRESH_AT '\d+'$/m);
    const fast = useFromCache(["use", "dev", "--print-env", "--shell", "fish", "--export"], env, new Date());
    expect(fast).toBeDefined();
    const strip = (s: string) => s.replace(/^set -gx -- PORTICO_BOOT .*\n/m, "");
    expect(strip(fast!)).toBe(strip(first.stdout));
  });

  it("static-key profile: full path; --export gives its keys without an expiry", async () => {
    const r = await runCli(["use", "static", "--print-env", "--shell", "bash", "--export"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("export AWS_ACCESS_KEY_ID='AKIASTATICEXAMPLE'\n");
    expect(r.stdout).toContain("unset AWS_SESSION_TOKEN\n");
    expect(r.stdout).toContain("unset PORTICO_REFRESH_AT\n");
    expect(r.stdout).toContain("export AWS_REGION='us-west-2'\n");
  });

  it("--unset prints the statements that clear what the switch set", async () => {
    const r = await runCli(["use", "--unset", "--print-env", "--shell", "pwsh"], {
      ...env,
      PORTICO_SET: "AWS_PROFILE AWS_REGION",
      PORTICO_PROFILE: "dev",
      PORTICO_MODE: "profile",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Remove-Item -LiteralPath Env:AWS_PROFILE -ErrorAction SilentlyContinue\n");
    expect(r.stdout).toContain("$env:PORTICO_PREVIOUS = 'dev'\n");
  });

  it("the token file named in the fast-path index is used only while the config keeps its identity", async () => {
    const alt = await tempHome();
    try {
      const altEnv = testEnv(alt.home, emu.url);
      const other =
        "\n[sso-session other]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = eu-north-1\n";
      await writeConfig(alt.home, demoConfig(other));
      await deviceSignIn(altEnv, "acme");
      await new Promise((r) => setTimeout(r, 2100)); // settled: the index entry is written
      const argv = ["use", "dev", "--print-env", "--shell", "bash"];
      expect(useFromCache(argv, altEnv, new Date())).toContain("export AWS_PROFILE='dev'\n");
      const dir = path.join(alt.home, ".aws", "portico", "fast-path");
      const [entry] = await readdir(dir);
      const rec = JSON.parse(await readFile(path.join(dir, entry!), "utf8"));
      expect(rec.tokenFile).toBe(createHash("sha1").update("acme").digest("hex"));
      // dev now belongs to a session nobody signed in to: a stale entry would still answer with acme's token.
      await writeConfig(
        alt.home,
        demoConfig(other).replace("[profile dev]\nsso_session = acme", "[profile dev]\nsso_session = other"),
      );
      expect(useFromCache(argv, altEnv, new Date())).toBeUndefined();
      const full = await portico(argv, altEnv);
      expect([full.code, full.stdout]).toEqual([4, ""]);
    } finally {
      await alt.cleanup();
    }
  });

  it("an expired token falls back to the full command, which names the login", async () => {
    const alt = await tempHome();
    try {
      const altEnv = testEnv(alt.home, emu.url);
      await writeConfig(alt.home, demoConfig());
      await deviceSignIn(altEnv, "acme", { expiresAt: new Date(Date.now() - 60_000) });
      expect(
        useFromCache(["use", "legacy", "--print-env", "--shell", "bash"], altEnv, new Date()),
      ).toBeUndefined();
      expect(
        useFromCache(["use", "dev", "--print-env", "--shell", "bash"], altEnv, new Date()),
      ).toBeUndefined();
    } finally {
      await alt.cleanup();
    }
  });

  it("the fast path loads no AWS SDK, @inquirer or emulator code (module-load hook over the bundle)", async () => {
    const trace = path.join(home.home, "modules.txt");
    const hook = `data:text/javascript,${encodeURIComponent(
      `import{appendFileSync}from"node:fs";export async function load(u,c,n){appendFileSync(${JSON.stringify(trace)},u+"\\n");return n(u,c);}`,
    )}`;
    const reg = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`;
    const loaded = async (args: string[], e: NodeJS.ProcessEnv) => {
      await writeFile(trace, "");
      const r = await portico(args, e, ["--import", reg]);
      expect(r.code, r.stderr).toBe(0);
      const files = (await readFile(trace, "utf8"))
        .split("\n")
        .filter((u) => u.startsWith("file:") && u.includes("/dist/cli/"))
        .map((u) => fileURLToPath(u));
      return {
        files,
        sdk: files.filter((f) =>
          /x-amz-user-agent|awsssoportal|User force closed the prompt|SWBExternalService/.test(
            readFileSync(f, "utf8"),
          ),
        ),
      };
    };
    const hit = await loaded(["use", "dev", "--print-env", "--shell", "bash"], env);
    // The launcher itself answered: not even the ESM CLI was read.
    expect(hit.files.filter((f) => f.endsWith(".mjs"))).toEqual([]);
    expect(hit.sdk).toEqual([]);
    const hitExport = await loaded(["use", "dev", "--print-env", "--shell", "bash", "--export"], env);
    expect(hitExport.files.filter((f) => f.endsWith(".mjs"))).toEqual([]);
    // The probe does see the SDK when the cache misses (so the checks above can fail).
    await rm(path.join(home.home, ".aws", "cli", "cache"), { recursive: true, force: true });
    const miss = await loaded(["use", "admin", "--print-env", "--shell", "bash", "--export"], env);
    expect(miss.sdk.length).toBeGreaterThan(0);
  });
});
