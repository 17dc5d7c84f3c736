#!/usr/bin/env node
// `npm run bench:switch` (builds first). The daily-use commands against `node -e 0`, in one run, with
// hyperfine -N (no shell) in rounds that run every case in turn (bench/support.mjs `hyperfineRounds`;
// BENCH_ROUNDS × BENCH_RUNS), each command prefixed by `env HOME=…` (the baseline too):
//  - `portico use dev --print-env --shell bash` with a valid session, at 10 and 21,000 profiles
//    (target ≤ 1.3 × node -e 0: the launcher's fast path, no SDK);
//  - `portico status` at 21,000 profiles (target < 1.3 ×);
//  - `portico console --profile dev --print` with cached role credentials: one federation request
//    to the emulator in this process (target ≤ 1.5 × node -e 0 plus that request; the lean path sends
//    it over node:net, src/console/http-get.ts, so its cost in the command's process is counted); the request's own
//    time is measured alone in the same run (the same getSigninToken request from this process, a new
//    connection each time, as the command makes it), and subtracted.
// The emulator runs in this process (tsx) and signs in with the real device flow (auto-approved).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { hyperfineRounds, loadAverage, median, run } from "./support.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const START_URL = "https://d-0000000000.awsapps.com/start";

const { startEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
const emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
const tmp = mkdtempSync(path.join(tmpdir(), "portico-bench-switch-"));
const small = path.join(tmp, "small");
const big = path.join(tmp, "big");

function config(extra) {
  return `[sso-session acme]
sso_start_url = ${START_URL}
sso_region = eu-north-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
region = eu-north-1
${extra}`;
}
function profiles(n) {
  let s = "";
  for (let i = 0; i < n; i++)
    s += `\n[profile gen-${i}]\nsso_session = acme\nsso_account_id = ${String(100000000000 + i)}\nsso_role_name = Role${i % 3}\nregion = eu-west-1\n`;
  return s;
}
for (const [home, n] of [
  [small, 9],
  [big, 20_999],
]) {
  mkdirSync(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(home, ".aws", "config"), config(profiles(n)), { mode: 0o600 });
}
const baseEnv = {
  PATH: process.env.PATH,
  AWS_ENDPOINT_URL: emu.url,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  PORTICO_SIGNIN_URL: emu.url,
};

// The status and fast-path indexes keep only files last changed more than 2 s ago.
await new Promise((r) => setTimeout(r, 2500));

// Sign in once (device code, auto-approved), then share the token cache with the big HOME.
const login = await run(
  process.execPath,
  [cli, "login", "--sso-session", "acme", "--device-code", "--no-browser"],
  { ...baseEnv, HOME: small },
);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const creds = await run(process.execPath, [cli, "credentials", "--profile", "dev"], {
  ...baseEnv,
  HOME: small,
});
if (creds.code !== 0) throw new Error(`credentials failed: ${creds.stderr}`);
cpSync(path.join(small, ".aws", "sso"), path.join(big, ".aws", "sso"), { recursive: true });
cpSync(path.join(small, ".aws", "cli"), path.join(big, ".aws", "cli"), { recursive: true });
for (const [home, args] of [
  [small, ["use", "dev", "--print-env", "--shell", "bash"]],
  [big, ["use", "dev", "--print-env", "--shell", "bash"]],
  [big, ["status"]],
  [small, ["console", "--profile", "dev", "--print"]],
]) {
  const r = await run(process.execPath, [cli, ...args], { ...baseEnv, HOME: home });
  if (r.code !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
}

const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
const envCmd = (home, rest) => `env HOME=${q(home)} ${rest}`;
const cases = [
  ["node -e 0", envCmd(small, `${process.execPath} -e 0`)],
  [
    "use --print-env, 10 profiles",
    envCmd(small, `${process.execPath} ${cli} use dev --print-env --shell bash`),
  ],
  [
    "use --print-env, 21,000 profiles",
    envCmd(big, `${process.execPath} ${cli} use dev --print-env --shell bash`),
  ],
  ["status, 21,000 profiles", envCmd(big, `${process.execPath} ${cli} status`)],
  [
    "console --print (cached credentials, 1 federation request)",
    envCmd(small, `${process.execPath} ${cli} console --profile dev --print`),
  ],
];
const load = loadAverage();
// Rounds of RUNS runs, every case in every round (bench/support.mjs `hyperfineRounds`).
const results = await hyperfineRounds(cases, {
  rounds: ROUNDS,
  runs: RUNS,
  dir: tmp,
  env: { ...baseEnv, HOME: small },
});
const base = results[0].median;
const cpu = (r) => r.cpu;
// CPU time (user + sys, means) is steadier than wall time on a shared, loaded machine: both columns.
console.log(`| what | median ms | × node -e 0 | CPU ms | CPU × node -e 0 |\n|---|---|---|---|---|`);
for (const r of results)
  console.log(
    `| ${r.command} | ${(r.median * 1000).toFixed(1)} | ${(r.median / base).toFixed(2)}× | ${(cpu(r) * 1000).toFixed(1)} | ${(cpu(r) / cpu(results[0])).toFixed(2)}× |`,
  );
// The federation request alone, as `console --print` sends it (cached credentials of dev, a new
// connection each time), RUNS times from this process.
const { signinEndpoints, signinTokenUrl, defaultDuration } = await tsImport(
  "../src/console/url.ts",
  import.meta.url,
);
const cacheDir = path.join(small, ".aws", "cli", "cache");
const entry = JSON.parse(readFileSync(path.join(cacheDir, readdirSync(cacheDir)[0]), "utf8")).Credentials;
const fedUrl = signinTokenUrl(
  signinEndpoints(baseEnv),
  {
    accessKeyId: entry.AccessKeyId,
    secretAccessKey: entry.SecretAccessKey,
    sessionToken: entry.SessionToken,
  },
  defaultDuration(new Date(entry.Expiration), new Date()),
);
const requestOnce = () =>
  new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http
      .get(fedUrl, { agent: false }, (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      })
      .on("error", reject);
  });
const fedTimes = [];
for (let i = 0; i < RUNS * ROUNDS; i++) fedTimes.push(await requestOnce());
const fedMs = median(fedTimes);
const consoleRow = results[results.length - 1];
const statusRow = results.find((r) => r.command.startsWith("status"));
console.log(
  `\nFederation request alone (same run, ${RUNS * ROUNDS} requests, a new connection each): median ${fedMs.toFixed(1)} ms. console --print minus the request: ${(consoleRow.median * 1000 - fedMs).toFixed(1)} ms = ${((consoleRow.median * 1000 - fedMs) / (base * 1000)).toFixed(2)}× node -e 0 (target ≤ 1.5; CPU, request included: ${(cpu(consoleRow) / cpu(results[0])).toFixed(2)}×). status at 21,000 profiles: ${(statusRow.median / base).toFixed(2)}× node -e 0 (target < 1.3).`,
);
const big21 = readFileSync(path.join(big, ".aws", "config"));
console.log(
  `\n${ROUNDS} rounds of ${RUNS} runs (every case in every round, 3 warm-ups first); 21,000-profile config ${(big21.length / 1048576).toFixed(2)} MiB; load average at start ${load}; node ${process.version}; ${new Date().toISOString()}`,
);
await emu.stop();
rmSync(tmp, { recursive: true, force: true });
