#!/usr/bin/env node
// `node bench/doctor.bench.mjs` (after `npm run build`): `portico doctor` (no --verify) on a config of
// 21,000 profiles (10 sso-sessions, a cached token each), median wall time vs `node -e 0` in the same
// run (target ≤ 2×). Two PATHs: the machine's own (doctor also runs `aws --version` for each AWS CLI on
// it and python3 for boto3), and an empty one (portico's own work only). Three states each:
// `--no-cache` (nothing reused), cold (the first run after an edit of the config: its content facts are
// computed again; tool probes still cached) and warm (unchanged files, docs/doctor.md "Cache").
// Prints a markdown table. BENCH_RUNS (default 11) timed runs per row after one warm-up.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const portico = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 21_000);

const home = mkdtempSync(path.join(tmpdir(), "portico-bench-doctor-"));
mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true, mode: 0o700 });
const lines = [];
for (let s = 0; s < 10; s++)
  lines.push(
    `[sso-session s${s}]`,
    `sso_start_url = https://d-000000000${s}.awsapps.com/start`,
    "sso_region = eu-north-1",
    "sso_registration_scopes = sso:account:access",
    "",
  );
for (let i = 0; i < PROFILES; i++)
  lines.push(
    `[profile p${i}]`,
    `sso_session = s${i % 10}`,
    `sso_account_id = ${String(100000000000 + i)}`,
    "sso_role_name = ReadOnly",
    "region = eu-west-1",
    "",
  );
writeFileSync(path.join(home, ".aws", "config"), lines.join("\n"), { mode: 0o600 });
const exp = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
for (let s = 0; s < 10; s++) {
  const file = `${createHash("sha1").update(`s${s}`).digest("hex")}.json`;
  writeFileSync(
    path.join(home, ".aws", "sso", "cache", file),
    JSON.stringify({ startUrl: "x", region: "eu-north-1", accessToken: "t", expiresAt: exp }),
    { mode: 0o600 },
  );
}

function time(cmd, args, env, before) {
  before?.();
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, code: r.status };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Each timed run is paired with a `node -e 0` just before it, so a row's ratio is against the
// baseline taken at the same moment (the load on a shared machine moves within a run).
function measure(label, cmd, args, env, before) {
  time(cmd, args, env, before); // warm-up
  const xs = [];
  const base = [];
  let code = 0;
  for (let i = 0; i < RUNS; i++) {
    base.push(time(process.execPath, ["-e", "0"], env).ms);
    const r = time(cmd, args, env, before);
    xs.push(r.ms);
    code = r.code;
  }
  return { label, median: median(xs), baseline: median(base), code };
}

const emptyBin = path.join(home, "bin");
mkdirSync(emptyBin);
const configFile = path.join(home, ".aws", "config");
// An edit: the config's mtime and ctime move to now (its identity changes; too fresh to be kept).
const edit = () => utimesSync(configFile, new Date(), new Date());
const base = { HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
const loadBefore = load();
const doctor = [portico, "doctor"];
const results = [measure("node -e 0", process.execPath, ["-e", "0"], base)];
for (const [pathLabel, PATH] of [
  ["empty PATH", emptyBin],
  ["machine PATH", process.env.PATH],
]) {
  const env = { ...base, PATH };
  results.push(measure(`doctor --no-cache, ${pathLabel}`, process.execPath, [...doctor, "--no-cache"], env));
  // Fill the tool cache, then let the config settle (files changed < 2 s ago are not kept).
  time(process.execPath, doctor, env);
  results.push(measure(`doctor cold (after an edit), ${pathLabel}`, process.execPath, doctor, env, edit));
  await new Promise((r) => setTimeout(r, 2500));
  time(process.execPath, doctor, env);
  results.push(measure(`doctor warm, ${pathLabel}`, process.execPath, doctor, env));
}
console.log(
  `portico doctor on ${PROFILES} profiles, median of ${RUNS} runs; load average before ${loadBefore}, after ${load()}; exit codes: ${results.map((r) => r.code).join(", ")}\n`,
);
console.log("| run | median ms | node -e 0 (same runs) ms | × node -e 0 |\n|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.label} | ${r.median.toFixed(1)} | ${r.baseline.toFixed(1)} | ${(r.median / r.baseline).toFixed(2)} |`,
  );
rmSync(home, { recursive: true, force: true });
