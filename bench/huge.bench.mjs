#!/usr/bin/env node
// `npm run bench:huge` (builds first). Huge config files (issue 7 defect 10), one run, baselines from
// the same run on the same files:
//   python3 configparser.RawConfigParser().read() (the parser botocore uses) and botocore's
//   raw_config_parse, against `portico profiles` (the built CLI: read + parse + the profile list) and
//   `portico config get region --profile P` (read + parse + one profile's view; P is the last profile);
// for valid files of BENCH_HUGE_MB (default 5,20,50) MiB and for a 50 MiB file with a duplicate
// section near the top (botocore refuses it at once: so must portico). Wall time and peak RSS per
// run (ru_maxrss of the child via python3's resource module), RUNS runs each, medians; per-MiB figures.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const launcher = path.join(root, "dist", "cli", "portico.cjs");
const SIZES = (process.env.BENCH_HUGE_MB ?? "5,20,50").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), "portico-huge-"));

let lastProfile = "";
function config(mib, dupAt) {
  const parts = [
    "[sso-session acme]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = eu-north-1\n",
  ];
  let size = parts[0].length;
  for (let i = 0; size < mib * 1048576; i++) {
    const acct = String(100000000000 + Math.floor(i / 3));
    const p = `[profile account-${acct}-role-${i % 3}]\nsso_session = acme\nsso_account_id = ${acct}\nsso_role_name = Role${i % 3}\nregion = eu-north-1\noutput = json\n`;
    parts.push(p);
    size += p.length + 1;
    lastProfile = `account-${acct}-role-${i % 3}`;
    if (dupAt !== undefined && i === dupAt)
      parts.push(`[profile account-${acct}-role-${i % 3}]\nregion = x\n`);
  }
  return parts.join("\n");
}

const PY = `import resource,subprocess,sys,time
t=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)
ms=(time.perf_counter()-t)*1000
print(ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, r.returncode, r.stderr.decode()[:200].replace(chr(10),' '))`;
function measure(argv, env) {
  const r = spawnSync("python3", ["-c", PY, ...argv], { env, encoding: "utf8" });
  const [ms, rss, code, ...err] = r.stdout.trim().split(" ");
  return { ms: Number(ms), rss: Number(rss), code: Number(code), err: err.join(" ") };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function repeat(argv, env) {
  const rs = Array.from({ length: RUNS }, () => measure(argv, env));
  return {
    ms: median(rs.map((r) => r.ms)),
    rss: median(rs.map((r) => r.rss)),
    code: rs[0].code,
    err: rs[0].err,
  };
}

const cases = [
  ...SIZES.map((mb) => ({ name: `valid ${mb} MiB`, mb })),
  { name: "50 MiB, duplicate section at line ~40", mb: 50, dup: 5 },
];
const rows = [];
try {
  const base = repeat([process.execPath, "-e", "0"], process.env);
  const pyBase = repeat(["python3", "-c", "import botocore.configloader"], process.env);
  for (const c of cases) {
    const file = path.join(dir, `config-${c.mb}${c.dup !== undefined ? "-dup" : ""}`);
    writeFileSync(file, config(c.mb, c.dup));
    const bytes = statSync(file).size;
    const env = { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: file, NO_COLOR: "1" };
    const cp = repeat(
      ["python3", "-c", `import configparser;configparser.RawConfigParser().read(${JSON.stringify(file)})`],
      env,
    );
    const bc = repeat(
      ["python3", "-c", `import botocore.configloader as c;c.raw_config_parse(${JSON.stringify(file)})`],
      env,
    );
    const pt = repeat([process.execPath, launcher, "profiles"], env);
    const get = repeat(
      [process.execPath, launcher, "config", "get", "region", "--profile", lastProfile],
      env,
    );
    rows.push({ ...c, bytes, cp, bc, pt, get });
  }
  const mib = (b) => b / 1048576;
  const f = (x) => x.toFixed(0);
  let load = "";
  try {
    load = (await import("node:fs")).readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" / ");
  } catch {}
  console.log(`Huge files — command: npm run bench:huge (${RUNS} runs, medians; ${new Date().toISOString().slice(0, 16)} UTC, load ${load}); baselines: node -e 0 ${f(base.ms)} ms / ${f(base.rss)} MiB, python3 importing botocore ${f(pyBase.ms)} ms

| file | command | configparser ms | botocore ms | portico ms | portico ÷ botocore | portico exit | portico peak RSS MiB | (RSS − node) per MiB of file | (ms − node) per MiB |
|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of rows) {
    for (const [cmd, x] of [
      ["profiles", r.pt],
      ["config get region", r.get],
    ]) {
      console.log(
        `| ${r.name} (${mib(r.bytes).toFixed(1)} MiB) | ${cmd} | ${f(r.cp.ms)} | ${f(r.bc.ms)}${r.bc.code ? " (refused)" : ""} | ${f(x.ms)} | ${(x.ms / r.bc.ms).toFixed(2)}× | ${x.code} | ${f(x.rss)} | ${((x.rss - base.rss) / mib(r.bytes)).toFixed(1)} MiB | ${((x.ms - base.ms) / mib(r.bytes)).toFixed(0)} ms |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
