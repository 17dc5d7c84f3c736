/**
 * The launcher's lean `console --print` (src/console/fast-path.ts) against the emulator's federation
 * endpoint: answered without loading the ESM CLI when the role credentials are cached, the same URL
 * as the full command (but for the one-time token), working once over plain HTTP; every other case
 * left to the full command (cache miss, environment keys, refused regions and durations). And the
 * profile's `portico_browser_profile` key, which `--browser-profile` overrides. Needs `npm run build`.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, START_URL, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { type ModuleTrace, moduleTrace } from "../helpers/module-trace";
import { run } from "../shell/support";

const launcher = fileURLToPath(new URL("../../dist/cli/portico.cjs", import.meta.url));
const fullCli = fileURLToPath(new URL("../../dist/cli/portico.mjs", import.meta.url));

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

describe("console --print, lean: the Issuer from the validated index", () => {
  it("is the entry's start URL while the config keeps its identity; an edit is seen at once", async () => {
    const alt = path.join(home.home, "alt-config");
    const other = "https://d-1111111111.awsapps.com/start";
    await writeFile(alt, demoConfig().replace(START_URL, other), { mode: 0o600 });
    const altEnv = { ...env, AWS_CONFIG_FILE: alt };
    const issuer = (r: { stdout: string }) =>
      decodeURIComponent(/Issuer=([^&]*)/.exec(r.stdout)?.[1] ?? "missing");
    await new Promise((r) => setTimeout(r, 2100)); // settled: the index entry is written
    const first = await portico(["console", "--profile", "dev", "--print", "--no-logout-first"], altEnv);
    expect([first.code, first.mjs, issuer(first)]).toEqual([0, false, other]);
    const dir = path.join(home.home, ".aws", "portico", "fast-path");
    const entries = await Promise.all(
      (await readdir(dir)).map(async (f) => ({
        f,
        rec: JSON.parse(await readFile(path.join(dir, f), "utf8")),
      })),
    );
    const mine = entries.find((e) => e.rec.for?.[0] === alt && e.rec.for?.[2] === "dev")!;
    expect(mine.rec.startUrl).toBe(other);
    // The entry is what answers (the config is not parsed): a changed start URL in it is printed.
    await writeFile(
      path.join(dir, mine.f),
      JSON.stringify({ ...mine.rec, startUrl: "https://x.example/start" }),
    );
    const fromIndex = await portico(["console", "--profile", "dev", "--print", "--no-logout-first"], altEnv);
    expect([fromIndex.mjs, issuer(fromIndex)]).toEqual([false, "https://x.example/start"]);
    // A same-size edit of the config (another start URL): the entry is stale, the file is read again.
    await writeFile(alt, demoConfig(), { mode: 0o600 });
    const edited = await portico(["console", "--profile", "dev", "--print", "--no-logout-first"], altEnv);
    expect([edited.code, edited.mjs, issuer(edited)]).toEqual([0, false, START_URL]);
    const full = await runCli(["console", "--profile", "dev", "--print", "--no-logout-first"], altEnv);
    expect(tokenless(edited.stdout)).toBe(tokenless(full.stdout));
  });
});

describe("console --print, lean, over https (node:tls)", () => {
  it("trusts what Node trusts and checks the host name; anything else goes to the full command", async () => {
    const dir = path.join(home.home, "tls");
    await mkdir(dir, { recursive: true });
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
      ],
      { stdio: "ignore" },
    );
    // A TLS front for the emulator's federation endpoint, on 127.0.0.1 only.
    let hits = 0;
    const server = createHttpsServer(
      { key: await readFile(key), cert: await readFile(cert) },
      async (req, res) => {
        hits++;
        const r = await fetch(new URL(req.url ?? "/", emu.url), { redirect: "manual" });
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" });
        res.end(await r.text());
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const args = ["console", "--profile", "dev", "--print", "--no-logout-first"];
      const trusted = { ...env, PORTICO_SIGNIN_URL: `https://localhost:${port}`, NODE_EXTRA_CA_CERTS: cert };
      const ok = await portico(args, trusted);
      expect([ok.code, ok.mjs, hits], ok.stderr).toEqual([0, false, 1]);
      expect(ok.stdout).toMatch(new RegExp(`^https://localhost:${port}/federation\\?Action=login&Issuer=`));
      // The full command (fetch) prints the same URL but for the one-time token.
      const full = await run(process.execPath, [fullCli, ...args], trusted);
      expect(full.code, full.stderr).toBe(0);
      expect(tokenless(ok.stdout)).toBe(tokenless(full.stdout));
      // Not trusted, or not the certificate's name: the lean client refuses, the full command reports it.
      for (const e of [
        { ...env, PORTICO_SIGNIN_URL: `https://localhost:${port}` },
        { ...trusted, PORTICO_SIGNIN_URL: `https://127.0.0.1:${port}` },
      ]) {
        const bad = await portico(args, e);
        expect([bad.code === 0, bad.mjs, bad.stdout]).toEqual([false, true, ""]);
        expect(bad.stderr).toContain("could not be reached");
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
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
