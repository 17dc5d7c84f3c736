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
// those pairs (wall), and the mean CPU time (user+sys, all threads; steadier than wall time on a loaded
// machine) over the baseline's, both from wait4(2) (see `time` below). Prints a markdown
// table. BENCH_RUNS (default 11) timed runs per row after one warm-up; BENCH_PROFILES (21000);
// BENCH_PATHS=empty runs the empty PATH only.
// BENCH_IR=1 (needs valgrind) adds each row's instruction count: one run under callgrind with
// `node --predictable` (V8's compilers and GC on the main thread, fixed seeds: the same count to
// ±0.01% run after run, where wall and CPU times move by ±10% on a shared machine), after two
// warm-up runs with that flag (its own code cache entry, in a TMPDIR of its own), over the same count
// for `node --predictable -e 0`. Every thread's instructions count (a background compile too).
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

// Each timed run's wall and CPU time from wait4(2) (µs), through a python3 wrapper that forks, execs
// the command with exactly the row's environment and waits for it (its own start-up is outside both
// figures). Without python3: wall time around spawnSync, and CPU from /proc/self/stat's children times,
// which this kernel counts in whole 10 ms ticks per child (a 45 ms run reads 40 or 50: the mean of 11
// runs moves by ±10%).
/** What a shell script prints (trimmed): tools are found on this process's PATH (a row's may be empty). */
const sh = (script) => spawnSync("sh", ["-c", script], { encoding: "utf8" }).stdout.trim();
const python = sh('command -v python3 >/dev/null && python3 -c "import sys; print(sys.executable)"');
const WAIT4 = [
  "import json, os, sys, time",
  "env = json.loads(sys.argv[1])",
  "t = time.perf_counter()",
  "pid = os.fork()",
  "if pid == 0:",
  "    os.execve(sys.argv[2], sys.argv[2:], env)",
  "_, status, ru = os.wait4(pid, 0)",
  "ms = (time.perf_counter() - t) * 1000",
  "sys.stderr.write(f'\\nbench-wait4 {ms:.3f} {(ru.ru_utime + ru.ru_stime) * 1000:.3f} {os.waitstatus_to_exitcode(status)}\\n')",
].join("\n");
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
  if (python) {
    const r = spawnSync(python, ["-c", WAIT4, JSON.stringify(env), cmd, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    const m = /\nbench-wait4 (\S+) (\S+) (-?\d+)\n$/.exec(r.stderr ?? "");
    if (!m) throw new Error(`the wait4 wrapper gave no times: ${String(r.error ?? r.stderr).slice(-300)}`);
    return { ms: Number(m[1]), cpu: Number(m[2]), code: Number(m[3]) };
  }
  const cpu = childCpuMs();
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, cpu: childCpuMs() - cpu, code: r.status };
}
const IR = process.env.BENCH_IR === "1";
const irTmp = path.join(home, "tmp-ir");
if (IR) mkdirSync(irTmp, { mode: 0o700 });
const valgrind = IR ? sh("command -v valgrind") || "valgrind" : "";
/** Instructions (callgrind's "Collected") of one `node --predictable ARGS` run. */
function instructions(args, env) {
  const r = spawnSync(
    valgrind,
    ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--predictable", ...args],
    { env: { ...env, TMPDIR: irTmp }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" },
  );
  const m = /Collected : (\d+)/.exec(r.stderr ?? "");
  if (!m) throw new Error(`callgrind gave no count: ${String(r.error ?? r.stderr).slice(0, 300)}`);
  return Number(m[1]);
}
const irBase = IR ? instructions(["-e", "0"], { HOME: home, PATH: "/usr/bin:/bin" }) : Number.NaN;
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
  let ir = Number.NaN;
  if (IR) {
    for (let i = 0; i < 2; i++) {
      before?.();
      spawnSync(cmd, ["--predictable", ...args], { env: { ...env, TMPDIR: irTmp }, stdio: "ignore" });
    }
    before?.();
    ir = instructions(args, env);
  }
  return {
    label,
    ir,
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
if (IR) {
  console.log(
    `\nInstructions (callgrind, \`node --predictable\`); \`node --predictable -e 0\`: ${(irBase / 1e6).toFixed(1)} M\n\n| run | instructions (M) | × \`node -e 0\` |\n|---|---|---|`,
  );
  for (const r of results)
    console.log(`| ${r.label} | ${(r.ir / 1e6).toFixed(1)} | ${(r.ir / irBase).toFixed(3)} |`);
}
rmSync(home, { recursive: true, force: true });
