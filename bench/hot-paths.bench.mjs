#!/usr/bin/env node
// `npm run bench:hot-paths` (builds first). The hot paths as the config grows (issue 9 "Speed"): with
// 10, 1,000 and 21,000 SSO profiles in ~/.aws/config, in one run, hyperfine -N medians of
//   node -e 0 (the baseline), `portico credential-process` cached (valid role credentials in the
//   shared cache) and uncached (cache emptied before every run, GetRoleCredentials to the emulator),
//   `portico profiles` and `portico config get region`,
// all through the installed command (dist/cli/portico.cjs); peak RSS of each (GNU time is not on
// every machine: /proc-based, via a tiny wrapper measuring the child's ru_maxrss); and how many times
// each opens ~/.aws/config (strace -f -e openat, when strace is installed).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  benchHome,
  loadAverage,
  median,
  REGION,
  run as runWith,
  START_URL,
  signIn,
  writeToken,
} from "./support.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const launcher = path.join(root, "dist", "cli", "portico.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? "10,1000,21000").split(",").map(Number);

const { emu, home, env } = await benchHome("portico-hot-");

const run = (cmd, args) => runWith(cmd, args, env);

/** A config as `portico sync` writes it: one sso-session, N profiles; the measured one ("dev") last. */
function writeConfig(n) {
  const parts = [
    `[sso-session acme]\nsso_start_url = ${START_URL}\nsso_region = ${REGION}\nsso_registration_scopes = sso:account:access\n`,
  ];
  for (let i = 0; i < n - 1; i++) {
    const acct = String(100000000000 + Math.floor(i / 3)).padStart(12, "0");
    parts.push(
      `[profile account-${acct}-role-${i % 3}-administrator-access]\nsso_session = acme\nsso_account_id = ${acct}\nsso_role_name = AdministratorAccess${i % 3}\nregion = ${REGION}\noutput = json\n`,
    );
  }
  parts.push(
    `[profile dev]\nsso_session = acme\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = ${REGION}\n`,
  );
  const file = path.join(home, ".aws", "config");
  writeFileSync(file, parts.join("\n"));
  return statSync(file).size;
}

const node = process.execPath;
const cacheDir = path.join(home, ".aws", "cli", "cache");
const commands = {
  "node -e 0": `${node} -e 0`,
  "credential-process (cached)": `${node} ${launcher} credential-process --profile dev`,
  "credential-process (uncached)": `${node} ${launcher} credential-process --profile dev`,
  profiles: `${node} ${launcher} profiles`,
  "config get region": `${node} ${launcher} config get region --profile dev`,
};

/** Peak RSS (MiB) of one run: the child's ru_maxrss as Python's resource module reports it. */
async function peakRss(cmdline, prepare) {
  if (prepare) execFileSync("sh", ["-c", prepare], { env });
  const py = `import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)`;
  const r = await run("python3", ["-c", py, ...cmdline.split(" ")]);
  return Number(r.stdout.trim()) / 1024;
}

/** How many times the command opens the config file (strace), or undefined without strace. */
async function configOpens(cmdline, prepare) {
  if (!existsSync("/usr/bin/strace")) return undefined;
  if (prepare) execFileSync("sh", ["-c", prepare], { env });
  const out = path.join(home, "strace.txt");
  await run("strace", ["-f", "-qq", "-e", "trace=openat,open", "-o", out, ...cmdline.split(" ")]);
  const cfg = path.join(home, ".aws", "config");
  return readFileSync(out, "utf8")
    .split("\n")
    .filter((l) => l.includes(`"${cfg}"`) && !/= -1 /.test(l)).length;
}

const rows = [];
try {
  mkdirSync(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  writeConfig(10);
  writeToken(home, await signIn(emu.url));
  for (const n of SIZES) {
    const bytes = writeConfig(n);
    // A config that is not being edited this very second (the fast-path index keeps files last
    // changed more than 2 s ago; a config edited in between costs one full read, then is indexed).
    await new Promise((r) => setTimeout(r, 2500));
    const warm = await run(node, [launcher, "credential-process", "--profile", "dev"]);
    if (warm.code !== 0) throw new Error(`credential-process failed at ${n}: ${warm.stderr}`);
    const clear = `rm -rf ${cacheDir}`;
    const jsonFile = path.join(home, "hyperfine.json");
    const names = Object.keys(commands);
    const args = ["-N", "--warmup", "3", "--runs", String(RUNS), "--export-json", jsonFile];
    for (const name of names) {
      if (name.includes("uncached")) args.push("--prepare", clear);
      else if (name.includes("cached"))
        args.push("--prepare", `${node} ${launcher} credential-process --profile dev`);
      else args.push("--prepare", "true");
      args.push("-n", name, commands[name]);
    }
    const hf = await run("hyperfine", args);
    if (hf.code !== 0) throw new Error(`hyperfine failed: ${hf.stderr}`);
    const res = JSON.parse(readFileSync(jsonFile, "utf8")).results;
    for (const [i, name] of names.entries()) {
      const prepare = name.includes("uncached") ? clear : undefined;
      rows.push({
        n,
        bytes,
        name,
        ms: median(res[i].times) * 1000,
        rss: await peakRss(commands[name], prepare),
        opens: name === "node -e 0" ? 0 : await configOpens(commands[name], prepare),
      });
    }
  }
} finally {
  await emu.stop();
  rmSync(home, { recursive: true, force: true });
}

const f = (x) => x.toFixed(1);
const at = (n, name) => rows.find((r) => r.n === n && r.name === name);
const load = loadAverage();
console.log(`Hot paths — command: npm run bench:hot-paths (hyperfine -N, ${RUNS} runs, 3 warm-up, ${new Date().toISOString().slice(0, 16)} UTC, load ${load})

| profiles | config | command | median ms | × node -e 0 | × same at ${SIZES[0]} | peak RSS MiB | config opens |
|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  const base = at(r.n, "node -e 0").ms;
  const small = at(SIZES[0], r.name).ms;
  console.log(
    `| ${r.n.toLocaleString("en")} | ${(r.bytes / 1048576).toFixed(2)} MiB | ${r.name} | ${f(r.ms)} | ${(r.ms / base).toFixed(2)}× | ${(r.ms / small).toFixed(2)}× | ${f(r.rss)} | ${r.opens ?? "–"} |`,
  );
}
const big = SIZES[SIZES.length - 1];
const targets = {
  cachedVsNode: at(big, "credential-process (cached)").ms / at(big, "node -e 0").ms,
  uncachedVsSmall:
    at(big, "credential-process (uncached)").ms / at(SIZES[0], "credential-process (uncached)").ms,
  cpRss: Math.max(at(big, "credential-process (cached)").rss, at(big, "credential-process (uncached)").rss),
  maxRss: Math.max(...rows.filter((r) => r.n === big).map((r) => r.rss)),
};
console.log(
  `\nAt ${big.toLocaleString("en")} profiles: cached credential-process ${targets.cachedVsNode.toFixed(2)}× node -e 0 (target ≤ 1.3), uncached ${targets.uncachedVsSmall.toFixed(2)}× its time at ${SIZES[0]} (target ≤ 1.5), credential-process peak RSS ${f(targets.cpRss)} MiB (target ≤ 100; every command: ${f(targets.maxRss)} MiB).`,
);
