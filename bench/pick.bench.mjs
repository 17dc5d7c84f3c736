#!/usr/bin/env node
// `npm run bench:pick` (builds first): `portico pick`'s first paint in a real pseudo-terminal.
// For 10 and 21,000 profiles (7,000 accounts × 3 roles, with a discovery cache naming every account),
// python3's pty module spawns `node dist/cli/portico.cjs pick` with a fresh terminal and times from
// just before the fork to the first frame of the list on the terminal (the highlighted first entry,
// "❯ "); the process is then killed. The baseline, `node -e 0`, is spawned the same way and timed to
// its exit. Rounds interleave every case, so load changes hit them alike. Cases:
//  - warm: the picker's index is valid (the fast path, src/sync/pick-fast.ts) — what `pc` meets;
//  - cold: no index (the full command parses the config, lists, draws and writes the index).
// Target (issue 9 §3): first paint < 100 ms after start-up with 21,000 profiles, i.e. the warm
// median minus node -e 0's median. Prints a ready-to-paste markdown table.
//
//   node bench/pick.bench.mjs [--runs 20] [--cold-runs 5]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli", "portico.cjs");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const RUNS = arg("--runs", 20);
const COLD_RUNS = arg("--cold-runs", 5);
const START_URL = "https://d-0000000000.awsapps.com/start";

const tmp = mkdtempSync(path.join(tmpdir(), "portico-bench-pick-"));

function makeHome(name, accounts, roles) {
  const home = path.join(tmp, name);
  mkdirSync(path.join(home, ".aws", "portico", "sync"), { recursive: true, mode: 0o700 });
  const parts = [
    `[sso-session acme]\nsso_start_url = ${START_URL}\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n`,
  ];
  const cached = [];
  let n = 0;
  for (let a = 0; a < accounts && n < roles.total; a++) {
    const id = String(100000000000 + a);
    const accountName = `account ${a} (team ${a % 97})`;
    const names = [];
    for (let r = 0; r < roles.per && n < roles.total; r++, n++) {
      const role = ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"][r % 3];
      names.push(role);
      parts.push(
        `\n[profile account-${a}-${role}]\nsso_session = acme\nsso_account_id = ${id}\nsso_role_name = ${role}\nregion = eu-west-1\n`,
      );
    }
    cached.push({ accountId: id, accountName, roles: names, rolesListedAt: Date.now() });
  }
  writeFileSync(path.join(home, ".aws", "config"), parts.join(""), { mode: 0o600 });
  // The discovery cache a sync leaves (src/sync/cache.ts): account names for the list.
  const key = createHash("sha1").update(`acme\n${START_URL}`, "utf8").digest("hex").slice(0, 16);
  writeFileSync(
    path.join(home, ".aws", "portico", "sync", `${key}.json`),
    JSON.stringify({
      version: 1,
      ssoSession: "acme",
      startUrl: START_URL,
      accountsListedAt: Date.now(),
      accounts: cached,
    }),
    { mode: 0o600 },
  );
  return { home, profiles: n };
}

const small = makeHome("small", 4, { per: 3, total: 10 });
const big = makeHome("big", 7000, { per: 3, total: 21_000 });

// The pty driver: one python3 process runs every round; each case is forked on a new pty.
const DRIVER = `
import json, os, pty, select, signal, sys, time
cases = json.loads(sys.argv[1]); rounds = int(sys.argv[2])
def once(c):
    if c.get("remove") and os.path.exists(c["remove"]): os.remove(c["remove"])
    env = dict(c["env"])
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(c["argv"][0], c["argv"], env)
    buf = b""; t = None; marker = c["marker"].encode()
    deadline = t0 + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r: continue
        try: d = os.read(fd, 65536)
        except OSError: d = b""
        if not d: break
        buf += d
        if marker and marker in buf: t = time.monotonic(); break
    if t is None: t = time.monotonic()
    ok = (marker in buf) if marker else True
    try: os.kill(pid, signal.SIGKILL)
    except ProcessLookupError: pass
    os.waitpid(pid, 0); os.close(fd)
    return (t - t0) * 1000 if ok else None
out = {c["name"]: [] for c in cases}
for r in range(rounds):
    for c in cases:
        if r < c.get("rounds", rounds):
            out[c["name"]].append(once(c))
print(json.dumps(out))
`;

const env = (home) => ({ HOME: home, PATH: process.env.PATH, TERM: "xterm-256color", NO_COLOR: "1" });
const node = process.execPath;
const indexOf = (home) => path.join(home, ".aws", "portico", "pick-index.json");
// Warm-up: the first pick of each home writes its index (and the file cache is hot).
const warm = (home) =>
  execFileSync("python3", [
    "-c",
    DRIVER,
    JSON.stringify([{ name: "w", argv: [node, cli, "pick"], env: env(home), marker: "❯ " }]),
    "2",
  ]);
warm(small.home);
warm(big.home);

const cases = [
  { name: "node -e 0", argv: [node, "-e", "0"], env: env(small.home), marker: "" },
  { name: "warm10", argv: [node, cli, "pick"], env: env(small.home), marker: "❯ " },
  { name: "warm21000", argv: [node, cli, "pick"], env: env(big.home), marker: "❯ " },
  {
    name: "cold10",
    argv: [node, cli, "pick"],
    env: env(small.home),
    marker: "❯ ",
    remove: indexOf(small.home),
    rounds: COLD_RUNS,
  },
  {
    name: "cold21000",
    argv: [node, cli, "pick"],
    env: env(big.home),
    marker: "❯ ",
    remove: indexOf(big.home),
    rounds: COLD_RUNS,
  },
];
const load = loadavg().map((x) => x.toFixed(2));
const started = new Date().toISOString().slice(0, 16).replace("T", " ");
const res = JSON.parse(
  execFileSync("python3", ["-c", DRIVER, JSON.stringify(cases), String(RUNS)], {
    maxBuffer: 1 << 24,
  }).toString(),
);
const loadAfter = loadavg().map((x) => x.toFixed(2));
rmSync(tmp, { recursive: true, force: true });

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const failed = Object.entries(res).filter(([, xs]) => xs.some((x) => x === null));
const base = median(res["node -e 0"]);
const row = (label, key, profiles) => {
  const m = median(res[key]);
  return `| ${label} | ${profiles} | ${res[key].length} | ${m.toFixed(1)} | ${(m - base).toFixed(1)} | ${(m / base).toFixed(2)}× |`;
};
console.log(
  `Run of ${started} UTC, ${RUNS} interleaved rounds (cold: ${COLD_RUNS}), load average ${load.join(" / ")} before, ${loadAfter.join(" / ")} after; node ${process.version}.\n`,
);
console.log(
  "| what | profiles | runs | median ms to first frame | ms after start-up (− node -e 0) | × node -e 0 |",
);
console.log("|---|---|---|---|---|---|");
console.log(`| node -e 0 (to exit) | – | ${res["node -e 0"].length} | ${base.toFixed(1)} | 0 | 1.00× |`);
console.log(row("`pick`, index valid (fast path)", "warm10", small.profiles));
console.log(row("`pick`, index valid (fast path)", "warm21000", big.profiles));
console.log(row("`pick`, no index (full command; writes it)", "cold10", small.profiles));
console.log(row("`pick`, no index (full command; writes it)", "cold21000", big.profiles));
if (failed.length) {
  console.log(`\nFAILED: no first frame seen for ${failed.map(([k]) => k).join(", ")}`);
  process.exitCode = 1;
}
