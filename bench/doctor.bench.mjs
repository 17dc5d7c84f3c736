#!/usr/bin/env node
// `node bench/doctor.bench.mjs` (after `npm run build`): `portico doctor` (no --verify) on a config of
// 21,000 profiles (10 sso-sessions, a cached token each), median wall time vs `node -e 0` in the same
// run (target ≤ 2×). Two PATHs: the machine's own (doctor also runs `aws --version` for each AWS CLI on
// it and python3 for boto3, whose start-up it cannot avoid), and an empty one (portico's own work only).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const portico = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
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

function time(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, code: r.status };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function measure(label, cmd, args, env) {
  time(cmd, args, env); // warm-up
  const xs = [];
  let code = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = time(cmd, args, env);
    xs.push(r.ms);
    code = r.code;
  }
  return { label, median: median(xs), code };
}

const emptyBin = path.join(home, "bin");
mkdirSync(emptyBin);
const base = { HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const results = [
  measure("node -e 0", process.execPath, ["-e", "0"], base),
  measure("doctor, empty PATH", process.execPath, [portico, "doctor"], { ...base, PATH: emptyBin }),
  measure("doctor, machine PATH", process.execPath, [portico, "doctor"], { ...base, PATH: process.env.PATH }),
];
const floor = results[0].median;
console.log(
  `portico doctor on ${PROFILES} profiles, median of ${RUNS} runs (exit codes: ${results.map((r) => r.code).join(", ")})`,
);
for (const r of results)
  console.log(
    `${r.label.padEnd(24)} ${r.median.toFixed(1).padStart(8)} ms  ${(r.median / floor).toFixed(2)}× node -e 0`,
  );
rmSync(home, { recursive: true, force: true });
