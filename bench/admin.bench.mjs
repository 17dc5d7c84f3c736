// `portico admin apply` at scale (npm run bench:admin; figures in docs/benchmarks.md "Admin").
//
// The built CLI (`node dist/cli/portico.mjs admin apply FILE --json`, its own process) against the built
// emulator (its own process) with a generated org of A accounts, its admin APIs throttled as AWS is
// (`--admin-tps 20`: one collective bucket for identitystore + sso-admin, ThrottlingException beyond).
// The plan file: G groups, one permission set (ViewOnlyAccess) and N = G × A group assignments.
//
// Floor (the baseline, from the same run): the calls the apply must make ÷ 20/s, where those calls are
//   1 ListInstances
// + the reads of the comparison (counted by the emulator during an `admin plan` of the same file,
//   before the apply: ListUsers, ListGroups, ListPermissionSets, DescribePermissionSet …)
// + one call per change the plan lists (G CreateGroup, CreatePermissionSet, the policy attach, N
//   CreateAccountAssignment)
// + one provisioning-status poll per assignment (DescribeAccountAssignmentCreationStatus: the least a
//   client can do; the emulator answers IN_PROGRESS on the create and SUCCEEDED on the first poll).
// Reported: wall time of the apply process (start to exit, process start and SDK load included), its
// ratio to the floor, the admin calls the emulator answered (all, and how many with 429), failures
// (changes not applied, exit code), and a second apply of the same file (nothing to change).
//
// Usage: node bench/admin.bench.mjs [--assignments 1000] [--groups 10] [--write]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const CLI = path.join(ROOT, "dist", "cli", "portico.mjs");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const N = Number(opt("--assignments", "1000"));
const G = Number(opt("--groups", "10"));
const A = Math.ceil(N / G);
const TPS = 20;
const WRITE = argv.includes("--write");
const quietEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

function startEmulator() {
  const args = ["emulator", "--accounts", String(A), "--roles-per-account", "1", "--admin-tps", String(TPS)];
  const child = spawn(process.execPath, [CLI, ...args, "--control", "--quiet"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: quietEnv,
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ child, url: out.split("\n")[0].trim() });
    });
    child.on("exit", (c) => reject(new Error(`emulator exited ${c}`)));
  });
}

function run(args, env) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 })),
  );
}

/** The admin calls the emulator logged (the control API's request log), from index `from` on. */
async function adminCalls(url, from = 0) {
  const all = await (await fetch(`${url}/_emulator/requests`)).json();
  const admin = all.filter(
    (r) => r.service === "identitystore" || r.service === "sso-admin" || r.service === "organizations",
  );
  const slice = admin.slice(from);
  return {
    count: admin.length,
    calls: slice.length,
    throttled: slice.filter((r) => r.status === 429).length,
    ops: slice,
  };
}

const emu = await startEmulator();
const dir = mkdtempSync(path.join(os.tmpdir(), "portico-bench-admin-"));
try {
  mkdirSync(path.join(dir, ".aws"), { mode: 0o700 });
  writeFileSync(
    path.join(dir, ".aws", "credentials"),
    "[mgmt]\naws_access_key_id = AKIAADMINEXAMPLE0001\naws_secret_access_key = bench-secret\nregion = eu-north-1\n",
    { mode: 0o600 },
  );
  const env = {
    HOME: dir,
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: emu.url,
    NO_COLOR: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const groups = Array.from({ length: G }, (_, i) => `bench-${String(i + 1).padStart(2, "0")}`);
  const accounts = Array.from({ length: A }, (_, i) => String(100_000_000_000 + i + 1));
  const assignments = [];
  for (const group of groups)
    for (const account of accounts)
      if (assignments.length < N) assignments.push({ account, permissionSet: "BenchViewOnly", group });
  const file = path.join(dir, "plan.json");
  writeFileSync(
    file,
    JSON.stringify({
      groups: groups.map((displayName) => ({ displayName })),
      permissionSets: [
        { name: "BenchViewOnly", sessionDuration: "PT8H", managedPolicies: ["ViewOnlyAccess"] },
      ],
      assignments,
    }),
  );

  // The comparison's reads and the change count, from a plan of the same file.
  const before = (await adminCalls(emu.url)).count;
  const plan = await run(["admin", "plan", file, "--json", "--profile", "mgmt"], env);
  if (plan.code !== 0) throw new Error(`plan failed (${plan.code}): ${plan.stderr}`);
  const changes = JSON.parse(plan.stdout);
  const planned = await adminCalls(emu.url, before);
  const reads = planned.calls - planned.throttled - 1; // without its ListInstances
  const assigns = changes.filter((c) => c.kind === "assign").length;
  const must = 1 + reads + changes.length + assigns;
  const floor = must / TPS;
  // Let the bucket refill after the plan: the apply starts as a fresh caller would.
  await new Promise((r) => setTimeout(r, 1100));

  const start = (await adminCalls(emu.url)).count;
  const apply = await run(["admin", "apply", file, "--json", "--profile", "mgmt"], env);
  const result = JSON.parse(apply.stdout || "{}");
  const applied = await adminCalls(emu.url, start);
  const failures = changes.length - (result.applied?.length ?? 0);

  await new Promise((r) => setTimeout(r, 1100));
  const again0 = (await adminCalls(emu.url)).count;
  const again = await run(["admin", "apply", file, "--json", "--profile", "mgmt"], env);
  const second = await adminCalls(emu.url, again0);
  const secondChanges = JSON.parse(again.stdout || "{}").changes?.length;
  const mutations = second.ops.filter(
    (r) =>
      /\.(Create|Delete|Attach|Put)/.test(r.operation) || /^(Create|Delete|Attach|Put)/.test(r.operation),
  ).length;

  const seconds = apply.ms / 1000;
  process.stderr.write(
    `${assigns} assignments: ${seconds.toFixed(1)} s (floor ${floor.toFixed(1)} s = ${must} calls / ${TPS}), ${applied.calls} admin calls, ${applied.throttled} throttled, ${failures} failures, exit ${apply.code}\n`,
  );
  const lines = [
    "## Admin",
    "",
    `\`npm run bench:admin\` (bench/admin.bench.mjs): the built \`portico admin apply FILE --json\` (its own process) against the built emulator (its own process, \`--accounts ${A} --admin-tps ${TPS}\`: one collective bucket for identitystore and sso-admin, ThrottlingException beyond) with a plan of ${G} groups, one permission set (ViewOnlyAccess) and ${assigns} group assignments. Floor = the calls the apply must make ÷ ${TPS}/s: 1 ListInstances + the comparison's reads (counted by the emulator during an \`admin plan\` of the same file) + one call per change + one provisioning-status poll per assignment (DescribeAccountAssignmentCreationStatus; the emulator answers SUCCEEDED on the first). The wall time is the apply process from start to exit.`,
    "",
    "| assignments | changes | calls the apply must make | floor s | wall s | × floor | admin calls answered | of them 429 | failures | exit |",
    "|---|---|---|---|---|---|---|---|---|---|",
    `| ${assigns} | ${changes.length} | ${must} (1 + ${reads} reads + ${changes.length} changes + ${assigns} polls) | ${floor.toFixed(1)} | ${seconds.toFixed(1)} | ${(seconds / floor).toFixed(3)} | ${applied.calls} | ${applied.throttled} | ${failures} | ${apply.code} |`,
    "",
    `A second apply of the same file: ${secondChanges === 0 ? "nothing to change" : `${secondChanges} changes (bug)`}, ${(again.ms / 1000).toFixed(1)} s, ${second.calls} admin calls (reads only: ${mutations} mutations), exit ${again.code}.`,
    "",
    `Machine: ${os.cpus().length} cores, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}, ${new Date().toISOString().slice(0, 16)}Z.`,
    "",
  ];
  const section = lines.join("\n");
  process.stdout.write(`${section}\n`);
  if (WRITE) {
    const docs = path.join(ROOT, "docs", "benchmarks.md");
    const text = readFileSync(docs, "utf8");
    const at = text.indexOf("\n## Admin\n");
    writeFileSync(docs, `${(at >= 0 ? text.slice(0, at) : text).trimEnd()}\n\n${section}`);
  }
  if (apply.code !== 0 || failures !== 0) process.exitCode = 1;
} finally {
  emu.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
