#!/usr/bin/env node
// `npm run bench:credential-process` (builds first). Two measurements, one run, one temporary HOME:
//  (a) hot path: median wall time of `portico credential-process --profile dev` with valid cached role
//      credentials vs `node -e 0` (target ≤ 1.3×) and vs `/usr/bin/aws configure export-credentials
//      --format process` (same profile, same shared cache), with hyperfine; plus which files the hot path
//      loads (a module-load hook) and whether any of them is AWS SDK code.
//  (b) thundering herd: 50 concurrent `portico credential-process` with an expired access token and no
//      cached credentials → exactly one CreateToken and one GetRoleCredentials reach the emulator.
// The emulator runs in this process (loaded from TypeScript with tsx) so its request log can be read.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  benchHome,
  median,
  moduleTraceArgs,
  REGION,
  run as runWith,
  START_URL,
  signIn,
  writeToken,
} from "./support.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const portico = path.join(root, "dist", "cli", "portico.mjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const HERD = Number(process.env.BENCH_HERD ?? 50);

const { emu, home, env } = await benchHome("portico-bench-");

const run = (cmd, args) => runWith(cmd, args, env);

const results = {};
try {
  mkdirSync(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(home, ".aws", "config"),
    `[sso-session acme]\nsso_start_url = ${START_URL}\nsso_region = ${REGION}\nsso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = acme\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = ${REGION}\n`,
  );
  const session = await signIn(emu.url);
  writeToken(home, session);
  const warm = await run(process.execPath, [portico, "credential-process", "--profile", "dev"]);
  if (warm.code !== 0) throw new Error(`credential-process failed: ${warm.stderr}`);

  // (a) hot path: the installed command (dist/cli/portico.cjs, a CommonJS launcher) and the ESM entry
  // (dist/cli/portico.mjs) both answer a cache hit before commander and the command modules load.
  const launcher = path.join(root, "dist", "cli", "portico.cjs");
  const viaLauncher = await run(process.execPath, [launcher, "credential-process", "--profile", "dev"]);
  if (viaLauncher.code !== 0 || viaLauncher.stdout !== warm.stdout)
    throw new Error(`the launcher printed something else: ${viaLauncher.stderr}`);
  const jsonFile = path.join(home, "hyperfine.json");
  const cmds = [
    `${process.execPath} -e 0`,
    `${process.execPath} ${portico} credential-process --profile dev`,
    `${process.execPath} ${launcher} credential-process --profile dev`,
    "/usr/bin/aws configure export-credentials --profile dev --format process",
  ];
  const hf = await run("hyperfine", [
    "-N",
    "--warmup",
    "5",
    "--runs",
    String(RUNS),
    "--export-json",
    jsonFile,
    ...cmds,
  ]);
  if (hf.code !== 0) throw new Error(`hyperfine failed: ${hf.stderr}`);
  const hfj = JSON.parse(readFileSync(jsonFile, "utf8"));
  const med = hfj.results.map((r) => median(r.times) * 1000);
  results.nodeMs = med[0];
  results.porticoMs = med[1];
  results.launcherMs = med[2];
  results.awsMs = med[3];
  results.ratioNode = med[1] / med[0];
  results.ratioLauncher = med[2] / med[0];
  results.ratioAws = med[3] / med[2];

  // Which files does the hot path load? A module-load hook records every URL Node loads.
  const trace = path.join(home, "modules.txt");
  const traced = await run(process.execPath, [
    ...moduleTraceArgs(trace),
    portico,
    "credential-process",
    "--profile",
    "dev",
  ]);
  if (traced.code !== 0) throw new Error(`traced run failed: ${traced.stderr}`);
  const files = readFileSync(trace, "utf8")
    .split("\n")
    .filter((u) => u.startsWith("file:") && u.includes("/dist/"));
  results.loadedFiles = files.map((u) => path.relative(root, fileURLToPath(u)));
  results.sdkLoaded = files.some((u) =>
    /x-amz-user-agent|awsssoportal/.test(readFileSync(fileURLToPath(u), "utf8")),
  );

  // (b) 50 concurrent, expired access token (refreshable), no cached role credentials
  rmSync(path.join(home, ".aws", "cli"), { recursive: true, force: true });
  writeToken(home, session, new Date(Date.now() - 60_000));
  const before = emu.requests().length;
  const t0 = Date.now();
  const herd = await Promise.all(
    Array.from({ length: HERD }, () =>
      run(process.execPath, [portico, "credential-process", "--profile", "dev"]),
    ),
  );
  results.herdMs = Date.now() - t0;
  const keys = new Set(herd.filter((r) => r.code === 0).map((r) => JSON.parse(r.stdout).AccessKeyId));
  const reqs = emu.requests().slice(before);
  results.herdOk = herd.filter((r) => r.code === 0).length;
  results.herdDistinctKeys = keys.size;
  results.createToken = reqs.filter((r) => r.operation === "CreateToken").length;
  results.getRoleCredentials = reqs.filter((r) => r.operation === "GetRoleCredentials").length;
  const failures = herd.filter((r) => r.code !== 0).map((r) => r.stderr.trim());
  if (failures.length) results.herdFailures = failures.slice(0, 3);
} finally {
  await emu.stop();
  rmSync(home, { recursive: true, force: true });
}

const f = (x) => x.toFixed(1);
console.log(`Credentials — command: npm run bench:credential-process (hyperfine -N, ${RUNS} runs, 5 warm-up)

| what | median ms | ratio |
|---|---|---|
| node -e 0 | ${f(results.nodeMs)} | 1.00× |
| portico credential-process (cached), installed command dist/cli/portico.cjs | ${f(results.launcherMs)} | ${results.ratioLauncher.toFixed(2)}× node -e 0 |
| same, ESM entry dist/cli/portico.mjs | ${f(results.porticoMs)} | ${results.ratioNode.toFixed(2)}× node -e 0 |
| /usr/bin/aws configure export-credentials --format process (same cache) | ${f(results.awsMs)} | ${results.ratioAws.toFixed(1)}× portico |

Hot path loads ${results.loadedFiles.length} bundle file(s): ${results.loadedFiles.join(", ")}; AWS SDK / @inquirer / emulator code loaded: ${results.sdkLoaded ? "YES" : "no"}.

${HERD} concurrent credential-process, expired access token, no cached credentials: ${results.herdOk}/${HERD} succeeded with ${results.herdDistinctKeys} distinct access key(s); emulator saw CreateToken × ${results.createToken}, GetRoleCredentials × ${results.getRoleCredentials}; wall ${results.herdMs} ms.`);
if (results.herdFailures) console.log(`failures: ${results.herdFailures.join(" | ")}`);
const ok =
  !results.sdkLoaded &&
  results.herdOk === HERD &&
  results.createToken === 1 &&
  results.getRoleCredentials === 1 &&
  results.herdDistinctKeys === 1;
process.exitCode = ok ? 0 : 1;
