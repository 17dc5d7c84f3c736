// What the benches share: child runs with captured output, the real device-flow sign-in against the
// in-process emulator, the token cached exactly as the AWS CLI caches it (docs/reference.md §2.1),
// medians, the load average, the module-load hook that lists the files a process loads, and hyperfine
// in rounds that take every case in turn (bench/switch.bench.mjs, bench/code-cache.bench.mjs).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { tsImport } from "tsx/esm/api";

export const START_URL = "https://d-0000000000.awsapps.com/start";
export const REGION = "eu-north-1";

/**
 * The in-process emulator (demo org, alice approves), an empty temporary HOME and the environment that
 * points portico at both: { emu, home, env }. The caller stops `emu` and removes `home`.
 */
export async function benchHome(prefix) {
  const { startEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
  const emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  const home = mkdtempSync(path.join(tmpdir(), prefix));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: emu.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  return { emu, home, env };
}

/** Run a command to completion with `env`: { code, stdout, stderr }. */
export function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Device flow with the real SDK client against the emulator (auto-approved): { reg, t }. */
export async function signIn(endpoint) {
  const oidc = await import("@aws-sdk/client-sso-oidc");
  const c = new oidc.SSOOIDCClient({ region: REGION, endpoint });
  const reg = await c.send(
    new oidc.RegisterClientCommand({
      clientName: "bench",
      clientType: "public",
      scopes: ["sso:account:access"],
    }),
  );
  const dev = await c.send(
    new oidc.StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: START_URL,
    }),
  );
  for (let i = 0; ; i++) {
    try {
      const t = await c.send(
        new oidc.CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: "urn:ietf:params:oauth:grant-type:device_code",
          deviceCode: dev.deviceCode,
        }),
      );
      c.destroy();
      return { reg, t };
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const z = (d) => `${d.toISOString().slice(0, 19)}Z`;

/** The sso-session `acme` token in `home`'s cache, as the AWS CLI writes it, expiring at `expiresAt`. */
export function writeToken(home, { reg, t }, expiresAt = new Date(Date.now() + t.expiresIn * 1000)) {
  const dir = path.join(home, ".aws", "sso", "cache");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${createHash("sha1").update("acme").digest("hex")}.json`);
  const doc = {
    startUrl: START_URL,
    region: REGION,
    accessToken: t.accessToken,
    expiresAt: z(expiresAt),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: z(new Date(reg.clientSecretExpiresAt * 1000)),
    refreshToken: t.refreshToken,
  };
  writeFileSync(file, JSON.stringify(doc).replaceAll('","', '", "').replaceAll('":"', '": "'), {
    mode: 0o600,
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** "1.23 / 2.34 / 3.45" from /proc/loadavg ("" where there is none). */
export function loadAverage() {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" / ");
  } catch {
    return "";
  }
}

/** Node arguments that append every URL the process loads to `trace` (a module-load hook). */
export function moduleTraceArgs(trace) {
  const hook = `data:text/javascript,${encodeURIComponent(`import{appendFileSync}from"node:fs";export async function load(u,c,n){appendFileSync(${JSON.stringify(trace)},u+"\\n");return n(u,c);}`)}`;
  return [
    "--import",
    `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`,
  ];
}

/**
 * hyperfine -N over `cases` ([name, command line, prepare?][]) in `rounds` rounds of `runs` runs each,
 * every round running every case in turn (each round in a rotated order), so that a change in the machine's speed during the bench
 * (this VM's steal time moves within seconds) falls on the baseline and the commands alike instead of
 * on whichever command ran then. Returns, per case in order: { command, median (s, over all runs of
 * all rounds), cpu (s, user + sys, mean of the rounds' means) }. `-i` when `ignoreFailures`.
 */
export async function hyperfineRounds(cases, { rounds, runs, dir, env, ignoreFailures = false }) {
  const times = cases.map(() => []);
  const cpus = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    // Each round in another order (a rotation by the round number), so that a disturbance that comes
    // back every few seconds does not land on the same case in every round.
    const order = cases.map((_, i) => (i + r) % cases.length);
    const json = path.join(dir, `hyperfine-${r}.json`);
    const hf = await run(
      "hyperfine",
      [
        "-N",
        ...(ignoreFailures ? ["-i"] : []),
        "--runs",
        String(runs),
        "--warmup",
        r === 0 ? "3" : "1",
        "--export-json",
        json,
        ...(cases.some((c) => c[2]) ? order.flatMap((i) => ["--prepare", cases[i][2] ?? "true"]) : []),
        ...order.flatMap((i) => ["-n", cases[i][0], cases[i][1]]),
      ],
      env,
    );
    if (hf.code !== 0) throw new Error(`hyperfine failed: ${hf.stderr}`);
    JSON.parse(readFileSync(json, "utf8")).results.forEach((res, k) => {
      const i = order[k];
      times[i].push(...res.times);
      cpus[i].push(res.user + res.system);
    });
  }
  return cases.map(([command], i) => ({
    command,
    median: median(times[i]),
    cpu: cpus[i].reduce((a, b) => a + b, 0) / cpus[i].length,
  }));
}
