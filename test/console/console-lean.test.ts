/**
 * The launcher's lean `console --print` (src/console/fast-path.ts) against the emulator's federation
 * endpoint: answered without loading the ESM CLI when the role credentials are cached, the same URL
 * as the full command (but for the one-time token), working once over plain HTTP; every other case
 * left to the full command (cache miss, environment keys, refused regions and durations). And the
 * profile's `portico_browser_profile` key, which `--browser-profile` overrides. Needs `npm run build`.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { type ModuleTrace, moduleTrace } from "../helpers/module-trace";

const launcher = fileURLToPath(new URL("../../dist/cli/portico.cjs", import.meta.url));

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let trace: ModuleTrace;

async function portico(args: string[], e: NodeJS.ProcessEnv) {
  await trace.reset();
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [...trace.nodeArgs, launcher, ...args], { env: e }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
  return { ...r, mjs: (await trace.loaded()).length > 0 };
}

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = { ...testEnv(home.home, emu.url), PORTICO_SIGNIN_URL: emu.url };
  trace = moduleTrace(path.join(home.home, "modules.txt"));
  await writeConfig(
    home.home,
    demoConfig(`
[profile windowed]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
portico_browser_profile = Profile 7
`),
  );
  await deviceSignIn(env, "acme");
  for (const p of ["dev", "windowed"]) {
    const r = await runCli(["credentials", "--profile", p], env);
    expect(r.code, r.stderr).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const tokenless = (url: string) => url.replace(/SigninToken%3D[^&]*|SigninToken=[^&]*/, "SigninToken=T");

describe("console --print, lean", () => {
  it("cached credentials: one federation request, no ESM CLI, the full command's URL; it works once", async () => {
    const fed = () => emu.requests().filter((r) => r.operation === "GET /federation").length;
    for (const extra of [
      [],
      ["--no-logout-first"],
      ["--destination", "s3", "--region", "us-east-1", "--duration", "1h"],
    ]) {
      const before = fed();
      const lean = await portico(["console", "--profile", "dev", "--print", ...extra], env);
      expect(lean.code, lean.stderr).toBe(0);
      expect(lean.mjs).toBe(false);
      expect(fed() - before).toBe(1);
      expect(lean.stdout.split("\n")).toHaveLength(2);
      const full = await runCli(["console", "--profile", "dev", "--print", ...extra], env);
      expect(full.code, full.stderr).toBe(0);
      expect(tokenless(lean.stdout)).toBe(tokenless(full.stdout));
    }
    const lean = await portico(["console", "--profile", "dev", "--print", "--no-logout-first"], env);
    const url = lean.stdout.trim();
    expect(url).toContain("Issuer=https%3A%2F%2Fd-0000000000.awsapps.com%2Fstart");
    const r1 = await fetch(url, { redirect: "manual" });
    expect(r1.status).toBe(302);
    const cookie = (r1.headers.get("set-cookie") ?? "").split(";")[0]!;
    const r2 = await fetch(new URL(r1.headers.get("location")!, emu.url), { headers: { cookie } });
    expect(r2.status).toBe(200);
    expect(await r2.text()).toContain("333333333333");
    expect((await fetch(url, { redirect: "manual" })).status).not.toBe(302);
  });

  it("steps aside for the full command: cache miss, environment keys, refused region or duration", async () => {
    const miss = await portico(["console", "--profile", "admin", "--print"], env);
    expect(miss.code, miss.stderr).toBe(0);
    expect(miss.mjs).toBe(true);
    const keys = await portico(["console", "--print"], {
      ...env,
      AWS_PROFILE: "dev",
      AWS_ACCESS_KEY_ID: "AKIAIAMUSEREXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
    });
    expect(keys.mjs).toBe(true);
    expect(keys.code).toBe(3);
    expect(keys.stderr).toContain("long-term IAM user keys");
    const cn = await portico(["console", "--profile", "dev", "--print", "--region", "cn-north-1"], env);
    expect([cn.code, cn.mjs]).toEqual([3, true]);
    expect(cn.stderr).toContain("AWS China");
    const short = await portico(["console", "--profile", "dev", "--print", "--duration", "5m"], env);
    expect([short.code, short.mjs]).toEqual([2, true]);
    expect(short.stdout).toBe("");
  });
});

describe("portico_browser_profile", () => {
  it("opens the profile's browser profile; --browser-profile overrides it", async () => {
    const bin = path.join(home.home, "bin");
    await mkdir(bin, { recursive: true });
    const argvFile = path.join(home.home, "browser-argv.txt");
    const chromium = path.join(bin, "chromium");
    await writeFile(
      chromium,
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${JSON.stringify(argvFile)}\n`,
    );
    await chmod(chromium, 0o755);
    const opened = async (args: string[]) => {
      await writeFile(argvFile, "");
      const r = await runCli(["console", ...args], { ...env, BROWSER: chromium });
      expect(r.code, r.stderr).toBe(0);
      for (let i = 0; i < 50 && (await readFile(argvFile, "utf8")) === ""; i++)
        await new Promise((res) => setTimeout(res, 100));
      return (await readFile(argvFile, "utf8")).split("\n").slice(0, -1);
    };
    const fromKey = await opened(["--profile", "windowed"]);
    expect(fromKey[0]).toBe("--profile-directory=Profile 7");
    expect(fromKey[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\?Action=logout/);
    const flag = await opened(["--profile", "windowed", "--browser-profile", "Work"]);
    expect(flag[0]).toBe("--profile-directory=Work");
    const none = await opened(["--profile", "dev"]);
    expect(none[0]).toMatch(/^http:\/\/127\.0\.0\.1/);
  });
});
