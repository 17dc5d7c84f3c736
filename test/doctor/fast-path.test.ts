/**
 * `portico doctor` answered by the installed command's launcher from the doctor cache
 * (src/cli/doctor-fast.ts; `npm run build` first): the same stdout, stderr and exit code as the full
 * ESM CLI (dist/cli/portico.mjs, which never takes the launcher's path) for the text report, --json
 * and --profile; and proof that it answered without loading the full CLI (a copy of dist/cli whose
 * portico.mjs only says "full CLI"): a cache miss (the first run after an edit) and a fix to show are
 * answered by the launcher's bundle too (the command itself, commands/doctor.ts doctorCommand);
 * --no-cache, --verify and --fix go to the full CLI.
 * Every kind of token read (valid, expired, malformed, a FIFO in its place, missing), credential_process
 * programs found and missing, a backup left behind, a world-readable cache file, and stderr on /dev/null
 * (the launcher's terminal check) answer the same from the cache.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, promises as fs, openSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fixture, fixture } from "./support";

const DIST = path.join(__dirname, "../../dist/cli");
const CONFIG =
  "[profile dev]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1 ; the SDK for JavaScript keeps this comment\n\n[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n";

let f: Fixture;
let stubDist: string;
/**
 * A copy of dist/cli under `home` whose full CLI only announces itself: output from it means the
 * launcher's fast path declined.
 */
async function stubFullCli(home: string): Promise<string> {
  const dir = path.join(home, "dist-stub");
  await fs.cp(DIST, dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, "portico.mjs"),
    "process.stderr.write('full CLI\\n'); process.exitCode = 99;\n",
  );
  return dir;
}

beforeAll(async () => {
  f = await fixture({
    ".aws/config": CONFIG,
    ".aws/credentials": "[static]\naws_access_key_id = AKIAEXAMPLEEXAMPLE\naws_secret_access_key = s3cr3t\n",
  });
  stubDist = await stubFullCli(f.home);
  // Files changed less than 2 s ago are not kept in the cache (docs/doctor.md "Cache").
  await new Promise((r) => setTimeout(r, 2100));
});
afterAll(async () => {
  await f.cleanup();
});

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, "doctor", ...args], {
    env: { ...f.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    cwd: f.home,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const full = (args: string[], env?: NodeJS.ProcessEnv) => run(path.join(DIST, "portico.mjs"), args, env);
const installed = (args: string[], env?: NodeJS.ProcessEnv) => run(path.join(DIST, "portico.cjs"), args, env);
const stub = (args: string[], env?: NodeJS.ProcessEnv) => run(path.join(stubDist, "portico.cjs"), args, env);

describe("doctor from the launcher (cache hit)", () => {
  it("prints exactly what the full CLI prints, without loading it", () => {
    // Nothing cached yet (a miss): computed by the launcher's bundle, as the full CLI computes it.
    const first = stub([]);
    expect(first.stderr).not.toContain("full CLI");
    expect(first).toEqual(full([]));
    for (const [args, env] of [
      [[], {}],
      [["--json"], {}],
      [["--profile", "dev"], {}],
      [["--json", "--profile=dev"], {}],
      [[], { AWS_PROFILE: "dve" }],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const a = full(args, env); // computes and keeps this selection
      const b = installed(args, env);
      expect(b, `${args.join(" ")} ${JSON.stringify(env)}`).toEqual(a);
      const c = stub(args, env);
      expect(c, "answered without the full CLI").toEqual(a);
    }
    expect(full([], { AWS_PROFILE: "dve" }).code).toBe(1);
    expect(full(["--json"]).stdout).toContain('"id": "files.divergence"');
  });

  it("--no-cache and other flags go to the full CLI; a fix to show and an edit do not", async () => {
    for (const args of [["--no-cache"], ["--verify"], ["--fix"], ["--profile"], ["--yes"]])
      expect(stub(args).stderr, args.join(" ")).toBe("full CLI\n");
    // ~/.aws open to others: a chmod fix to show (the files' content, and so the cache, unchanged).
    await fs.chmod(path.join(f.home, ".aws"), 0o755);
    for (const args of [[], ["--json"]]) {
      const a = full(args);
      expect(args.length ? a.stdout : a.stderr).toContain(args.length ? '"change"' : "chmod");
      expect(stub(args), args.join(" ")).toEqual(a);
      expect(installed(args)).toEqual(a);
    }
    await fs.chmod(path.join(f.home, ".aws"), 0o700);
    expect(stub([]).code).toBe(0);
    // An edit of the config (a legacy SSO profile: a config-edit fix with its diff): the first run after it.
    const cfg = path.join(f.home, ".aws/config");
    const before = await fs.readFile(cfg, "utf8");
    await fs.appendFile(
      cfg,
      "\n[profile old]\nsso_start_url = https://d-9999999999.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 222222222222\nsso_role_name = Admin\n",
    );
    for (const args of [[], ["--json"]]) {
      const b = stub(args);
      expect(b.stderr, "answered without the full CLI").not.toContain("full CLI");
      expect(b, args.join(" ")).toEqual(full(args));
    }
    expect(stub([]).stderr).toContain("+sso_session");
    await fs.writeFile(cfg, before);
  });
});

describe("doctor from the launcher: tokens, programs, backups", () => {
  let g: Fixture;
  let gStub: string;
  const tokenFile = (name: string) => `.aws/sso/cache/${createHash("sha1").update(name).digest("hex")}.json`;
  const session = (name: string) =>
    `[sso-session ${name}]\nsso_start_url = https://${name}.awsapps.com/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n\n`;
  beforeAll(async () => {
    const later = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const earlier = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const token = (expiresAt: string) =>
      JSON.stringify({ startUrl: "x", region: "eu-north-1", accessToken: "t", expiresAt });
    g = await fixture({
      ".aws/config": [
        ...["valid", "expired", "broken", "fifo", "absent"].map(session),
        "[profile dev]\nsso_session = valid\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n",
        "[profile found]\ncredential_process = tool --profile x\n\n",
        "[profile lost]\ncredential_process = /nowhere/tool\n",
      ].join(""),
      [tokenFile("valid")]: token(later),
      [tokenFile("expired")]: token(earlier),
      [tokenFile("broken")]: "{ not json",
      ".aws/cli/cache/role.json": "{}",
      ".aws/config.portico-backup": "[default]\n",
    });
    await fs.chmod(path.join(g.home, ".aws/sso/cache"), 0o700);
    // Not a regular file (a FIFO, 0600 so that only the token check names it): the read refuses it.
    expect(spawnSync("mkfifo", ["-m", "600", path.join(g.home, tokenFile("fifo"))]).status).toBe(0);
    await g.write("bin/tool", "#!/bin/sh\necho '{}'\n", 0o755);
    gStub = await stubFullCli(g.home);
    await new Promise((r) => setTimeout(r, 2100));
  });
  afterAll(async () => {
    await g.cleanup();
  });
  const go = (bin: string, args: string[], stderrToNull = false) => {
    const env = { ...g.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", AWS_PROFILE: "dev" };
    if (!stderrToNull) {
      const r = spawnSync(process.execPath, [bin, "doctor", ...args], { env, cwd: g.home, encoding: "utf8" });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    }
    const nul = openSync("/dev/null", "w");
    try {
      const r = spawnSync(process.execPath, [bin, "doctor", ...args], {
        env,
        cwd: g.home,
        encoding: "utf8",
        stdio: ["ignore", "pipe", nul],
      });
      return { code: r.status, stdout: r.stdout };
    } finally {
      closeSync(nul);
    }
  };

  it("answers every token state, program and backup exactly as the full CLI", () => {
    for (const args of [[], ["--json"]]) {
      const a = go(path.join(DIST, "portico.mjs"), args);
      expect(go(path.join(DIST, "portico.cjs"), args), args.join(" ")).toEqual(a);
      expect(go(path.join(gStub, "portico.cjs"), args), "answered without the full CLI").toEqual(a);
      if (args.length === 0) {
        for (const s of ["expired", "broken", "fifo", "absent"]) expect(a.stdout).toContain(`"${s}"`);
        expect(a.stdout).toContain("/nowhere/tool");
        expect(a.stdout).toContain("files.backup");
        // stderr on /dev/null (a character device that is not a terminal): no colour, same stdout.
        const nul = go(path.join(gStub, "portico.cjs"), args, true);
        expect(nul).toEqual({ code: a.code, stdout: a.stdout });
      }
    }
  });
});

describe("doctor --fix on a terminal (a real pty through script(1))", () => {
  /** Run the installed command on a pty, answering the confirmation with `answer`. */
  function onTty(answer: string): Promise<{ code: number | null; out: string }> {
    const cmd = `${process.execPath} ${path.join(DIST, "portico.cjs")} doctor --fix`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      env: { ...f.env, PATH: `${f.bin}:/usr/bin:/bin`, TERM: "dumb", NO_COLOR: "1" },
      cwd: f.home,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let answered = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!answered && /Apply 1 fix\(es\)\?/.test(out)) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    return new Promise((resolve) =>
      child.on("close", (code) => {
        clearTimeout(timer);
        child.stdin.destroy();
        resolve({ code, out });
      }),
    );
  }

  it("shows the change, asks, applies only on yes, then reports the fixed state", async () => {
    const cred = path.join(f.home, ".aws/credentials");
    await fs.chmod(cred, 0o644);
    const no = await onTty("n");
    expect(no.out).toContain(`chmod ${cred}: 0644 → 0600`);
    expect(no.out.indexOf("chmod")).toBeLessThan(no.out.indexOf("Apply 1 fix(es)?"));
    expect((await fs.stat(cred)).mode & 0o777).toBe(0o644);
    expect(no.code).toBe(1);
    const yes = await onTty("y");
    expect(yes.out).toContain("applied 1 fix(es)");
    expect((await fs.stat(cred)).mode & 0o777).toBe(0o600);
    // doctor ran again after applying: the report is the fixed state, exit 0.
    expect(yes.out).toMatch(/ok {6}~\/\.aws, the caches and the credentials file are private/);
    expect(yes.code).toBe(0);
  });
});
