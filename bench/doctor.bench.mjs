#!/usr/bin/env node
// `npm run bench:doctor` (= `npm run build && node bench/doctor.bench.mjs`): `portico doctor` (no
// --verify) through the installed command (dist/cli/portico.cjs) on a config of 21,000 profiles
// (10 sso-sessions, a cached token each), against `node -e 0` in the same run (target ≤ 2×,
// docs/benchmarks.md "Doctor"). Two PATHs: the machine's own (doctor reports each AWS CLI on it and
// python3's boto3: answers kept in the doctor cache, keyed by the binary's identity) and an empty one
// (portico's own work only). Rows: cached (unchanged files: the launcher answers from the doctor cache,
// src/cli/doctor-fast.ts), the same with PORTICO_NO_CODE_CACHE=1 (the V8 code cache's share), the
// first run after a touch of the config (a miss on the files' identity; every chunk of the text as
// analysed before, src/doctor/chunks.ts) and after an edit of one profile (a miss: that chunk is
// analysed again).
// Each timed run is paired with a `node -e 0` just before it; a row's ratio is median over median of
// those pairs (wall), and the mean CPU time (user+sys, from /proc/self/stat's children times, so
// Linux only; steadier than wall time on a loaded machine) over the baseline's. Prints a markdown
// table. BENCH_RUNS (default 11) timed runs per row after one warm-up; BENCH_PROFILES (21000);
// BENCH_PATHS=empty runs the empty PATH only.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ssoConfigText } from "./sso-config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const portico = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 21_000);

const home = mkdtempSync(path.join(tmpdir(), "portico-bench-doctor-"));
mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true, mode: 0o700 });
writeFileSync(path.join(home, ".aws", "config"), ssoConfigText({ profiles: PROFILES }), { mode: 0o600 });
const exp = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
for (let s = 0; s < 10; s++) {
  const file = `${createHash("sha1").update(`s${s}`).digest("hex")}.json`;
  writeFileSync(
    path.join(home, ".aws", "sso", "cache", file),
    JSON.stringify({ startUrl: "x", region: "eu-north-1", accessToken: "t", expiresAt: exp }),
    { mode: 0o600 },
  );
}

// CPU time (ms, user+sys) of this process's waited-for children so far: /proc/self/stat fields 16-17.
const TICK_MS = 10; // USER_HZ is 100 on Linux
function childCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[13]) + Number(f[14])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
function time(cmd, args, env, before) {
  before?.();
  const cpu = childCpuMs();
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, cpu: childCpuMs() - cpu, code: r.status };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
function measure(label, cmd, args, env, before) {
  time(cmd, args, env, before); // warm-up
  const xs = [];
  const base = [];
  let code = 0;
  for (let i = 0; i < RUNS; i++) {
    base.push(time(process.execPath, ["-e", "0"], env));
    const r = time(cmd, args, env, before);
    xs.push(r);
    code = r.code;
  }
  return {
    label,
    median: median(xs.map((x) => x.ms)),
    baseline: median(base.map((x) => x.ms)),
    cpu: mean(xs.map((x) => x.cpu)),
    baseCpu: mean(base.map((x) => x.cpu)),
    code,
  };
}

const emptyBin = path.join(home, "bin");
mkdirSync(emptyBin);
const configFile = path.join(home, ".aws", "config");
// A touch: the config's mtime and ctime move to now (its identity changes, its text does not).
const touch = () => utimesSync(configFile, new Date(), new Date());
// An edit: one profile's role changes (a new value each run), in the middle of the file.
let edits = 0;
const editedProfile = `[profile p${Math.floor(PROFILES / 2)}]\n`;
const edit = () => {
  const text = readFileSync(configFile, "utf8");
  const at = text.indexOf(editedProfile);
  const role = text.indexOf("sso_role_name = ", at);
  const end = text.indexOf("\n", role);
  writeFileSync(configFile, `${text.slice(0, role)}sso_role_name = Role${++edits}${text.slice(end)}`);
};
const base = { HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
const loadBefore = load();
const doctor = [portico, "doctor"];
const results = [];
// BENCH_PATHS=empty: the empty PATH only (a quicker run).
for (const [pathLabel, PATH] of [
  ["empty PATH", emptyBin],
  ["machine PATH", process.env.PATH],
].slice(0, process.env.BENCH_PATHS === "empty" ? 1 : 2)) {
  const env = { ...base, PATH };
  // Fill the tool cache, then let the config settle (files changed < 2 s ago are not kept) and keep it.
  time(process.execPath, doctor, env);
  await new Promise((r) => setTimeout(r, 2500));
  time(process.execPath, doctor, env);
  results.push(measure(`cached, ${pathLabel}`, process.execPath, doctor, env));
  results.push(
    measure(`cached, ${pathLabel}, PORTICO_NO_CODE_CACHE=1`, process.execPath, doctor, {
      ...env,
      PORTICO_NO_CODE_CACHE: "1",
    }),
  );
  results.push(
    measure(`first run after a touch (same text), ${pathLabel}`, process.execPath, doctor, env, touch),
  );
  results.push(
    measure(
      `first run after an edit (one profile's role), ${pathLabel}`,
      process.execPath,
      doctor,
      env,
      edit,
    ),
  );
}
console.log(
  `\`portico doctor\` (no --verify) on ${PROFILES} profiles, median of ${RUNS} runs (wall) and mean CPU (user+sys); Node ${process.version}; load average before ${loadBefore}, after ${load()}; exit codes: ${results.map((r) => r.code).join(", ")}\n`,
);
console.log(
  "| run | median ms | `node -e 0` (same runs) ms | × `node -e 0` (wall) | CPU ms | `node -e 0` CPU ms | × `node -e 0` (CPU) |\n|---|---|---|---|---|---|---|",
);
for (const r of results)
  console.log(
    `| ${r.label} | ${r.median.toFixed(1)} | ${r.baseline.toFixed(1)} | ${(r.median / r.baseline).toFixed(2)} | ${r.cpu.toFixed(0)} | ${r.baseCpu.toFixed(0)} | ${(r.cpu / r.baseCpu).toFixed(2)} |`,
  );
rmSync(home, { recursive: true, force: true });
