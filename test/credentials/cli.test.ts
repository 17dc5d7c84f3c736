/**
 * The credential commands as a user runs them: the built `dist/cli/portico.mjs` as a child process,
 * against the emulator over real HTTP, from a fresh HOME (signed in with the real device flow).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "./support";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PORTICO = path.join(ROOT, "dist", "cli", "portico.mjs");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function portico(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, PORTICO, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!existsSync(PORTICO)) throw new Error("run `npm run build` first");
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig());
  await deviceSignIn(env, "acme");
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("credential-process", () => {
  it("stdout is exactly one credential_process JSON document", async () => {
    const r = await portico(["credential-process", "--profile", "dev"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toHaveLength(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ Version: 1, AccountId: "333333333333" });
    expect(doc.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("ignores environment keys: the profile is the point", async () => {
    const r = await portico(["credential-process", "--profile", "dev"], {
      ...env,
      AWS_ACCESS_KEY_ID: "AKIAENV",
      AWS_SECRET_ACCESS_KEY: "x",
    });
    expect(JSON.parse(r.stdout).AccessKeyId).toMatch(/^ASIA/);
  });

  it.each([
    ["not signed in", "legacy", 4, "portico login --profile legacy"],
    ["forbidden role", "forbidden", 5, "portico accounts --profile forbidden"],
    ["unknown profile", "nope", 3, "portico configure sso --profile nope"],
  ])(
    "%s (profile %s): empty stdout, message and hint on stderr, exit %i",
    async (_n, profile, code, hint) => {
      const r = await portico(["credential-process", "--profile", profile], env);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(hint);
    },
  );

  it("the cached path loads no AWS SDK, @inquirer or emulator code (module-load hook over the bundle)", async () => {
    await portico(["credential-process", "--profile", "dev"], env); // make sure the cache is warm
    const trace = path.join(home.home, "modules.txt");
    const hook = `data:text/javascript,${encodeURIComponent(
      `import{appendFileSync}from"node:fs";export async function load(u,c,n){appendFileSync(${JSON.stringify(trace)},u+"\\n");return n(u,c);}`,
    )}`;
    const reg = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`;
    const loaded = async (args: string[]) => {
      await writeFile(trace, "");
      const r = await portico(args, env, ["--import", reg]);
      expect(r.code, r.stderr).toBe(0);
      const files = (await readFile(trace, "utf8"))
        .split("\n")
        .filter((u) => u.startsWith("file:") && u.includes("/dist/cli/"))
        .map((u) => fileURLToPath(u));
      // Markers: AWS SDK middleware, @inquirer/core, the emulator's sso-admin dispatch.
      return files.filter((f) =>
        /x-amz-user-agent|awsssoportal|User force closed the prompt|SWBExternalService/.test(
          readFileSync(f, "utf8"),
        ),
      );
    };
    expect(await loaded(["credential-process", "--profile", "dev"])).toEqual([]);
    // The same probe does see the SDK when the cache misses (so the check above can fail).
    expect((await loaded(["credentials", "--profile", "admin"])).length).toBeGreaterThan(0);
  });
});

describe("credentials", () => {
  it("formats share one cached set of credentials", async () => {
    const env1 = await portico(["credentials", "--profile", "dev", "--format", "env"], env);
    const ps = await portico(["credentials", "--profile", "dev", "--format", "powershell"], env);
    expect(env1.code).toBe(0);
    const key = /AWS_ACCESS_KEY_ID=(\S+)/.exec(env1.stdout)![1];
    expect(ps.stdout).toContain(`$Env:AWS_ACCESS_KEY_ID="${key}"`);
    expect(env1.stdout).toMatch(/^export AWS_CREDENTIAL_EXPIRATION=.*\+00:00$/m);
  });

  it("rejects an unknown format (usage, exit 2)", async () => {
    const r = await portico(["credentials", "--profile", "dev", "--format", "yaml"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });

  it("--write-credentials-file writes a managed [NAME] section, keeps other sections, and is re-runnable", async () => {
    const file = path.join(home.home, ".aws", "credentials");
    await writeFile(
      file,
      "# my keys\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = keep\n",
      {
        mode: 0o600,
      },
    );
    const r1 = await portico(
      ["credentials", "--profile", "dev", "--write-credentials-file", "dev-static"],
      env,
    );
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toBe("");
    const text = await readFile(file, "utf8");
    expect(
      text.startsWith("# my keys\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = keep\n"),
    ).toBe(true);
    expect(text).toMatch(/\[dev-static\]\n# expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Running again replaces the block instead of adding a second one.
    const r2 = await portico(
      ["credentials", "--profile", "dev", "--write-credentials-file", "dev-static"],
      env,
    );
    expect(r2.code).toBe(0);
    expect((await readFile(file, "utf8")).match(/\[dev-static\]/g)).toHaveLength(1);
    // A [NAME] section portico did not write is never overwritten.
    const r3 = await portico(["credentials", "--profile", "dev", "--write-credentials-file", "other"], env);
    expect(r3.code).toBe(3);
    expect(r3.stderr).toContain("did not write");
    expect(await readFile(file, "utf8")).toContain("aws_secret_access_key = keep");
    // And the written section works as a static-key profile.
    const who = await portico(["whoami", "--profile", "dev-static", "--json"], env);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).account).toBe("333333333333");
  });

  it("--write-credentials-file defaults to the profile name, honours AWS_SHARED_CREDENTIALS_FILE", async () => {
    const file = path.join(home.home, "elsewhere", "creds");
    const r = await portico(["credentials", "--profile", "admin", "--write-credentials-file"], {
      ...env,
      AWS_SHARED_CREDENTIALS_FILE: file,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(file, "utf8")).toContain("[admin]\n# expires");
  });
});

describe("whoami and accounts", () => {
  it("whoami --json: account, ARN, user, permission set, time left", async () => {
    const r = await portico(["whoami", "--profile", "dev", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout);
    expect(w).toMatchObject({
      profile: "dev",
      account: "333333333333",
      user: "alice",
      permissionSet: "PowerUserAccess",
      signInSession: { refreshable: true, endsAt: null },
    });
    expect(w.credentialsSecondsLeft).toBeGreaterThan(15 * 60);
    expect(w.accessTokenSecondsLeft).toBeGreaterThan(0);
  });

  it("whoami in text names the permission set", async () => {
    const r = await portico(["whoami", "--profile", "dev"], env);
    expect(r.stdout).toMatch(/Permission set:\s+PowerUserAccess/);
    // Each lifetime named for what it is: the 1-hour token is not "the SSO session".
    expect(r.stdout).toMatch(/Access token:\s+expires in \d+m \(\S+Z\)\n/);
    expect(r.stdout).toMatch(
      /Sign-in session:\s+refreshable; its end is not recorded locally \(at the latest \S+Z, when the client registration expires\)\n/,
    );
    expect(r.stdout).toMatch(/Role credentials:\s+expires in/);
    expect(r.stdout).not.toContain("SSO session");
  });

  it("accounts --json lists alice's accounts and roles", async () => {
    const r = await portico(["accounts", "--sso-session", "acme", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const byId = Object.fromEntries(out.accounts.map((a: { accountId: string }) => [a.accountId, a]));
    expect(Object.keys(byId).sort()).toEqual([
      "111111111111",
      "222222222222",
      "333333333333",
      "444444444444",
    ]);
    expect(byId["333333333333"]).toMatchObject({
      accountName: "acme-staging",
      roles: ["AdministratorAccess", "PowerUserAccess"],
    });
  });

  it("accounts --no-roles lists accounts only (no ListAccountRoles calls)", async () => {
    const before = emu.requests().filter((r) => r.operation === "ListAccountRoles").length;
    const r = await portico(["accounts", "--profile", "dev", "--no-roles", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.accounts).toHaveLength(4);
    expect(out.accounts[0].roles).toBeUndefined();
    expect(emu.requests().filter((x) => x.operation === "ListAccountRoles").length).toBe(before);
  });

  it("accounts rejects --profile with --sso-session (usage, exit 2)", async () => {
    const r = await portico(["accounts", "--profile", "dev", "--sso-session", "acme"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });

  it("accounts without a sign-in: exit 4 and the exact login command", async () => {
    const r = await portico(["accounts", "--profile", "legacy"], env);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("portico login --profile legacy");
  });
});

describe("exec", () => {
  it("sets the credential variables and the region, removes AWS_PROFILE", async () => {
    const script =
      "const e=process.env;console.log(JSON.stringify({k:e.AWS_ACCESS_KEY_ID,s:!!e.AWS_SECRET_ACCESS_KEY,t:!!e.AWS_SESSION_TOKEN,x:e.AWS_CREDENTIAL_EXPIRATION,r:e.AWS_REGION,p:e.AWS_PROFILE??null}))";
    const r = await portico(["exec", "--profile", "admin", "--", process.execPath, "-e", script], {
      ...env,
      AWS_PROFILE: "dev",
    });
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout);
    expect(seen).toMatchObject({ s: true, t: true, r: "us-east-1", p: null });
    expect(seen.k).toMatch(/^ASIA/);
    expect(seen.x).toMatch(/\+00:00$/);
  });

  it("passes the exit code through, and options after -- belong to the command", async () => {
    const r = await portico(
      ["exec", "--profile", "dev", "--", "/bin/sh", "-c", 'echo "$1"; exit 42', "sh", "--profile"],
      env,
    );
    expect(r.code).toBe(42);
    expect(r.stdout).toBe("--profile\n");
  });

  /** `portico exec` of a node child that runs `setup`, then writes `marker` and idles; resolves once it is up. */
  async function execNodeChild(marker: string, setup: string) {
    const script = `${setup}require("fs").writeFileSync(${JSON.stringify(marker)},"");setInterval(()=>{},1000)`;
    const child = spawn(
      process.execPath,
      [PORTICO, "exec", "--profile", "dev", "--", process.execPath, "-e", script],
      { env, stdio: "ignore" },
    );
    for (let i = 0; i < 200 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    return child;
  }

  it("forwards SIGTERM and reports 128+15 when the child dies of it", async () => {
    const marker = path.join(home.home, "ready");
    const child = await execNodeChild(marker, "");
    expect(existsSync(marker)).toBe(true);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(code).toBe(143);
  });

  it("a child that handles SIGINT and exits cleanly gives its own exit code", async () => {
    const marker = path.join(home.home, "ready-int");
    const child = await execNodeChild(marker, 'process.on("SIGINT",()=>process.exit(7));');
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(code).toBe(7);
  });

  it("refuses a command without -- before it (its options would be taken as portico's)", async () => {
    const r = await portico(["exec", "--profile", "dev", "/bin/echo", "hi"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("hint: portico exec --profile dev -- /bin/echo hi");
  });

  it.skipIf(missing("python3"))(
    "in a terminal, Ctrl-C reaches the child once (not forwarded a second time)",
    async () => {
      // A real pseudo-terminal (python3's pty): Ctrl-C goes through the line discipline to the foreground
      // process group, i.e. to portico and its child at once.
      const child = `let n=0;process.on("SIGINT",()=>{if(n++===0)setTimeout(()=>{console.log("SIGINTS="+n);process.exit(0)},700)});console.log("READY");setInterval(()=>{},1000)`;
      const py = `
import json, os, pty, sys, time
argv = json.loads(sys.argv[1]); env = json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execve(argv[0], argv, env)
buf = b""
deadline = time.time() + 20
while b"READY" not in buf and time.time() < deadline:
    buf += os.read(fd, 4096)
os.write(fd, b"\x03")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    buf += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({"out": buf.decode(errors="replace"), "code": os.waitstatus_to_exitcode(status)}))
`;
      const argv = [
        process.execPath,
        PORTICO,
        "exec",
        "--profile",
        "dev",
        "--",
        process.execPath,
        "-e",
        child,
      ];
      const r = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
        const p = spawn("python3", ["-c", py, JSON.stringify(argv), JSON.stringify(env)], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let stdout = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.on("error", reject);
        p.on("close", (code) => resolve({ stdout, code }));
      });
      expect(r.code).toBe(0);
      const res = JSON.parse(r.stdout);
      expect(res.out).toContain("SIGINTS=1");
      expect(res.code).toBe(0);
    },
  );

  it("a missing command is a clear error", async () => {
    const r = await portico(["exec", "--profile", "dev", "--", "no-such-command-xyz"], env);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain("Command not found: no-such-command-xyz");
  });
});

describe("single flight across processes", () => {
  it("12 concurrent credential-process runs, expired token, empty cache: one CreateToken, one GetRoleCredentials", async () => {
    const emu2 = await startEmulator({ seed: "demo", autoApprove: "alice" });
    const h = await tempHome();
    try {
      const e2 = testEnv(h.home, emu2.url);
      await writeConfig(h.home, demoConfig());
      await deviceSignIn(e2, "acme", { expiresAt: new Date(Date.now() - 60_000) });
      const before = emu2.requests().length;
      const runs = await Promise.all(
        Array.from({ length: 12 }, () => portico(["credential-process", "--profile", "dev"], e2)),
      );
      expect(runs.map((r) => r.code)).toEqual(Array(12).fill(0));
      expect(new Set(runs.map((r) => JSON.parse(r.stdout).AccessKeyId)).size).toBe(1);
      const ops = emu2
        .requests()
        .slice(before)
        .map((r) => r.operation);
      expect(ops.filter((o) => o === "CreateToken")).toHaveLength(1);
      expect(ops.filter((o) => o === "GetRoleCredentials")).toHaveLength(1);
    } finally {
      await emu2.stop();
      await h.cleanup();
    }
  });
});

describe("whoami with credentials STS does not know", () => {
  it("exit 5 with a hint, nothing on stdout", async () => {
    const h = await tempHome();
    try {
      const e2 = testEnv(h.home, emu.url);
      await writeConfig(h.home, demoConfig());
      const { roleCacheFile, roleCacheKey, writeCachedRoleCredentials } = await import(
        "../../src/credentials/cache"
      );
      const file = roleCacheFile(
        path.join(h.home, ".aws", "cli", "cache"),
        roleCacheKey({ accountId: "333333333333", roleName: "PowerUserAccess", sessionName: "acme" }),
      );
      await writeCachedRoleCredentials(file, {
        accessKeyId: "ASIANOTISSUED0000000",
        secretAccessKey: "x",
        sessionToken: "y",
        expiration: new Date(Date.now() + 3600_000),
      });
      const r = await portico(["whoami", "--profile", "dev", "--json"], e2);
      expect(r.code).toBe(5);
      // --json: the error document on stdout (docs/errors.md), nothing else.
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: "credentials_rejected", exitCode: 5 });
      expect(r.stderr).toContain("InvalidClientTokenId");
      expect(r.stderr).toContain(
        "hint: Fetch new ones, ignoring the cache: portico credentials --profile dev --refresh",
      );
      // Following the hint needs a sign-in here; with one, --refresh replaces the bad entry and whoami works.
      await deviceSignIn(e2, "acme");
      const fixed = await portico(["credentials", "--profile", "dev", "--refresh"], e2);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(JSON.parse(fixed.stdout).AccessKeyId).not.toBe("ASIANOTISSUED0000000");
      const again = await portico(["whoami", "--profile", "dev", "--json"], e2);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      await h.cleanup();
    }
  });
});
