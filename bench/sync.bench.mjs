// `portico sync` at scale (npm run bench:sync; figures in docs/benchmarks.md "Sync").
//
// Discovery: the built CLI (`node dist/cli/portico.mjs sync --yes --json`, its own process) against the
// built emulator (its own process) with a generated org of N accounts × 3 roles, throttled as AWS is
// (--portal-tps 20: one collective bucket per token). Reported against the floor ⌈N/100⌉ + N calls ÷
// 20/s: wall time, the ratio, requests sent, share answered 429, failures, profiles written. Also a
// resumed sync: the first run killed (SIGKILL) at 50% of the floor, then run again; the total and the
// second run's requests.
// Write: 21,000 generated profiles merged into a 10,000-line user config (writeSyncPlan from the built
// library: plan, one atomic write under the lock, read-back check), median of 5, against a baseline in
// the same run (read the file + atomic-free writeFileSync of the same final bytes); then a no-change
// sync of the same plan: nothing written (bytes and mtime unchanged).
//
// Usage: node bench/sync.bench.mjs [--sizes 100,1000] [--resume 1000] [--no-write-bench] [--write-only] [--write]
//   (--write-only: only the write benchmark, the same as --sizes "" --resume 0)
//   (a 7,000-account run takes ~6 minutes: node bench/sync.bench.mjs --sizes 7000 --resume 0)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const CLI = path.join(ROOT, "dist", "cli", "portico.mjs");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const WRITE_ONLY = argv.includes("--write-only");
const SIZES = (WRITE_ONLY ? "" : opt("--sizes", "100,1000")).split(",").filter(Boolean).map(Number);
const RESUME = WRITE_ONLY ? 0 : Number(opt("--resume", "1000"));
const TPS = 20;
const WRITE = argv.includes("--write");
const WRITE_BENCH = !argv.includes("--no-write-bench");

function startEmulator(accounts) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "emulator",
      "--accounts",
      String(accounts),
      "--roles-per-account",
      "3",
      "--portal-tps",
      String(TPS),
      "--auto-approve",
      "alice",
      "--quiet",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, url: line.trim() });
    });
    child.on("exit", (c) => reject(new Error(`emulator exited ${c}`)));
  });
}

function run(args, env, { killAfterMs } = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = killAfterMs ? setTimeout(() => child.kill("SIGKILL"), killAfterMs) : undefined;
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    }),
  );
}

async function home(url) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "portico-bench-sync-"));
  const env = {
    HOME: dir,
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NO_COLOR: "1",
  };
  const { mkdirSync } = await import("node:fs");
  mkdirSync(path.join(dir, ".aws"), { mode: 0o700 });
  writeFileSync(
    path.join(dir, ".aws", "config"),
    "[sso-session acme]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n",
  );
  const login = await run(["login", "--sso-session", "acme", "--device-code", "--no-browser"], env);
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  return { dir, env };
}

const floorS = (n) => (Math.ceil(n / 100) + n) / TPS;

async function discovery(n) {
  const emu = await startEmulator(n);
  try {
    const h = await home(emu.url);
    const r = await run(["sync", "--yes", "--json"], h.env);
    if (r.code !== 0) throw new Error(`sync failed (${r.code}): ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    rmSync(h.dir, { recursive: true, force: true });
    return { n, seconds: r.ms / 1000, floor: floorS(n), ...out.discovery, profiles: out.profiles };
  } finally {
    emu.child.kill("SIGTERM");
  }
}

async function resumed(n) {
  const emu = await startEmulator(n);
  try {
    const h = await home(emu.url);
    const first = await run(["sync", "--yes", "--json"], h.env, { killAfterMs: (floorS(n) * 1000) / 2 });
    const second = await run(["sync", "--yes", "--json"], h.env);
    if (second.code !== 0) throw new Error(`resumed sync failed: ${second.stderr}`);
    const out = JSON.parse(second.stdout);
    rmSync(h.dir, { recursive: true, force: true });
    return {
      n,
      killedBy: first.signal,
      firstSeconds: first.ms / 1000,
      secondSeconds: second.ms / 1000,
      total: (first.ms + second.ms) / 1000,
      floor: floorS(n),
      sent: out.discovery.sent,
      throttled: out.discovery.throttled,
      reused: out.discovery.rolesReused,
      profiles: out.profiles,
    };
  } finally {
    emu.child.kill("SIGTERM");
  }
}

async function writeBench() {
  const lib = await import(path.join(ROOT, "dist", "index.js"));
  const dir = mkdtempSync(path.join(os.tmpdir(), "portico-bench-write-"));
  const file = path.join(dir, "config");
  // A 10,000-line user config: an sso-session and 2,000 hand-written profiles of 4 keys + a blank line.
  const user = [
    "[sso-session acme]",
    "sso_start_url = https://d-0000000000.awsapps.com/start",
    "sso_region = eu-north-1",
    "",
  ];
  for (let i = 0; user.length < 10_000; i++)
    user.push(`[profile user-${i}]`, "region = eu-west-1", "output = json", `# note ${i}`, "");
  const userText = `${user.slice(0, 10_000).join("\n")}\n`;
  const accounts = Array.from({ length: 7000 }, (_, i) => ({
    accountId: String(100_000_000_001 + i),
    accountName: `account-${String(i + 1).padStart(4, "0")}`,
    roles: ["Role1", "Role2", "Role3"],
  }));
  const template = lib.parseTemplate("{account_name}-{role_name}");
  const plan = (text) =>
    lib.planSync({
      text,
      file,
      sessionName: "acme",
      startUrl: "https://d-0000000000.awsapps.com/start",
      accounts,
      template,
      command: "portico sync --sso-session acme",
    });
  const times = [];
  const cpu = [];
  const base = [];
  let finalText = "";
  for (let i = 0; i < 6; i++) {
    writeFileSync(file, userText);
    rmSync(`${file}.portico-backup`, { force: true });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await lib.writeSyncPlan(file, plan);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!r.changed || r.plan.profiles.length !== 21_000) throw new Error("write bench: unexpected result");
    finalText = readFileSync(file, "utf8");
    const b0 = performance.now();
    readFileSync(file, "utf8");
    writeFileSync(path.join(dir, "plain"), finalText);
    const bms = performance.now() - b0;
    if (i > 0) {
      times.push(ms);
      cpu.push((c.user + c.system) / 1000);
      base.push(bms);
    }
  }
  const before = statSync(file).mtimeMs;
  const t0 = performance.now();
  const same = await lib.writeSyncPlan(file, plan);
  const noChangeMs = performance.now() - t0;
  const unchanged =
    !same.changed && statSync(file).mtimeMs === before && readFileSync(file, "utf8") === finalText;
  rmSync(dir, { recursive: true, force: true });
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return {
    ms: med(times),
    cpuMs: med(cpu),
    baseMs: med(base),
    noChangeMs,
    unchanged,
    lines: finalText.split("\n").length - 1,
    bytes: finalText.length,
  };
}

const rows = [];
for (const n of SIZES) {
  const r = await discovery(n);
  rows.push(r);
  process.stderr.write(
    `${n} accounts: ${r.seconds.toFixed(1)} s (floor ${r.floor.toFixed(1)} s), ${r.sent} requests, ${r.throttled} throttled\n`,
  );
}
const resume = RESUME > 0 ? await resumed(RESUME) : undefined;
const write = WRITE_BENCH ? await writeBench() : undefined;

const lines = [
  "## Sync",
  "",
  "`npm run bench:sync` (bench/sync.bench.mjs): the built `portico sync --yes --json` (its own process) against the built emulator (its own process) with a generated org of N accounts × 3 roles, portal throttled at 20 requests/s per token (`--portal-tps 20`, one collective bucket). Floor = (⌈N/100⌉ + N calls) ÷ 20/s; the wall time includes the process start and the config write.",
  "",
  "| accounts | profiles | wall s | floor s | × floor | requests | 429 share | 5xx/resets/time-outs retried |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.n} | ${r.profiles} | ${r.seconds.toFixed(1)} | ${r.floor.toFixed(1)} | ${(r.seconds / r.floor).toFixed(3)} | ${r.sent} | ${((100 * r.throttled) / r.sent).toFixed(2)}% | ${r.faults} |`,
  ),
  "",
];
if (resume)
  lines.push(
    `Resumed: ${resume.n} accounts, the first run killed (${resume.killedBy}) after ${resume.firstSeconds.toFixed(1)} s (50% of the ${resume.floor.toFixed(1)} s floor); the second run reused ${resume.reused} accounts' roles from the discovery cache, sent ${resume.sent} requests (${resume.throttled} throttled) and took ${resume.secondSeconds.toFixed(1)} s; total ${resume.total.toFixed(1)} s = ${(resume.total / resume.floor).toFixed(3)} × the floor, ${resume.profiles} profiles.`,
    "",
  );
if (write)
  lines.push(
    `Write: 21,000 generated profiles merged into a 10,000-line user config (result ${write.lines} lines, ${(write.bytes / 1048576).toFixed(2)} MiB) by \`writeSyncPlan\` (plan, lock, atomic write, read-back check): median ${write.ms.toFixed(0)} ms over 5 runs (CPU time, user + sys of the process, median ${write.cpuMs.toFixed(0)} ms); baseline in the same run (read the file + plain writeFileSync of the same bytes) ${write.baseMs.toFixed(1)} ms (${(write.ms / write.baseMs).toFixed(1)}×). A no-change sync of the same plan: ${write.noChangeMs.toFixed(0)} ms, ${write.unchanged ? "nothing written (bytes and mtime unchanged)" : "WROTE THE FILE (bug)"}.`,
    "",
  );
lines.push(
  `Machine: ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 16)}Z.`,
  "",
);
const section = lines.join("\n");
process.stdout.write(`${section}\n`);
if (WRITE) {
  const file = path.join(ROOT, "docs", "benchmarks.md");
  const doc = readFileSync(file, "utf8");
  const re = /## Sync\n[\s\S]*?(?=\n## |$)/;
  writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}`);
}
