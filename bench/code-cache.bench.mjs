#!/usr/bin/env node
// `npm run bench:code-cache` (builds first). What the installed command's V8 code cache
// (src/platform/code-cache.ts) is worth: each lean answer at 21,000 profiles — credential-process
// (cached role credentials), use --print-env, status, console --print (one federation request to
// the in-process emulator), doctor (from its cache) — with the cache, with PORTICO_NO_CODE_CACHE=1,
// and, for credential-process and status, "cold": the cache folder removed before every run (what
// the first run after an install or upgrade pays, writing the entry included). All against
// `node -e 0` in the same rounds of hyperfine runs (-N, no shell; `env HOME=… TMPDIR=…` prefixes
// every command, the baseline too; bench/support.mjs `hyperfineRounds`). Prints a markdown table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { benchHome, hyperfineRounds, loadAverage, run, START_URL } from "./support.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const { emu, home, env } = await benchHome("portico-bench-code-cache-");
const tmp = mkdtempSync(path.join(tmpdir(), "portico-bench-code-cache-tmp-"));
const cacheDir = path.join(tmp, `portico-code-cache-${process.getuid()}`);
let config = `[sso-session acme]\nsso_start_url = ${START_URL}\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = acme\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = eu-north-1\n`;
for (let i = 0; i < 20_999; i++)
  config += `\n[profile gen-${i}]\nsso_session = acme\nsso_account_id = ${String(100000000000 + i)}\nsso_role_name = Role${i % 3}\nregion = eu-west-1\n`;
mkdirSync(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
writeFileSync(path.join(home, ".aws", "config"), config, { mode: 0o600 });
const e = { ...env, TMPDIR: tmp, PORTICO_SIGNIN_URL: emu.url, PATH: "" };
// The indexes keep only files last changed more than 2 s ago.
await new Promise((r) => setTimeout(r, 2500));
for (const args of [
  ["login", "--sso-session", "acme", "--device-code", "--no-browser"],
  ["credentials", "--profile", "dev"],
]) {
  const r = await run(process.execPath, [cli, ...args], e);
  if (r.code !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
}
const commands = [
  ["credential-process", "credential-process --profile dev"],
  ["use --print-env", "use dev --print-env --shell bash"],
  ["status", "status"],
  ["console --print", "console --profile dev --print"],
  ["doctor", "doctor"],
];
// Twice each: the first builds the indexes and caches (and a partial code cache entry where the lean
// answer declined), the second answers and keeps the full entry.
for (let i = 0; i < 2; i++)
  for (const [, c] of commands) await run(process.execPath, [cli, ...c.split(" ")], e);

const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
const prefix = `env HOME=${q(home)} TMPDIR=${q(tmp)} PATH= AWS_ENDPOINT_URL=${q(emu.url)} PORTICO_SIGNIN_URL=${q(emu.url)} AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`;
const cases = [["node -e 0", `${prefix} ${process.execPath} -e 0`, "true"]];
for (const [name, c] of commands) {
  cases.push([`${name}, cached`, `${prefix} ${process.execPath} ${cli} ${c}`, "true"]);
  cases.push([
    `${name}, no cache`,
    `${prefix} PORTICO_NO_CODE_CACHE=1 ${process.execPath} ${cli} ${c}`,
    "true",
  ]);
  if (name === "credential-process" || name === "status")
    cases.push([`${name}, cold`, `${prefix} ${process.execPath} ${cli} ${c}`, `rm -rf ${q(cacheDir)}`]);
}
const load = loadAverage();
// Rounds of RUNS runs, every case in every round (bench/support.mjs `hyperfineRounds`).
const results = await hyperfineRounds(cases, {
  rounds: ROUNDS,
  runs: RUNS,
  dir: tmp,
  env: { PATH: process.env.PATH },
  ignoreFailures: true,
});
const base = results[0];
const cpu = (r) => r.cpu;
console.log("| what | median ms | × node -e 0 | CPU ms | CPU × node -e 0 |\n|---|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.command} | ${(r.median * 1000).toFixed(1)} | ${(r.median / base.median).toFixed(2)}× | ${(cpu(r) * 1000).toFixed(1)} | ${(cpu(r) / cpu(base)).toFixed(2)}× |`,
  );
console.log(
  `\n${ROUNDS} rounds of ${RUNS} runs (every case in every round, 3 warm-ups first); 21,000 profiles; load average at start ${load}; node ${process.version}; ${new Date().toISOString()}`,
);
await emu.stop();
rmSync(home, { recursive: true, force: true });
rmSync(tmp, { recursive: true, force: true });
