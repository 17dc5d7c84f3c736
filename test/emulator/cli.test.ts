/**
 * `portico emulator` as a process: the first stdout line is the base URL, then KEY=VALUE lines; the
 * request log goes to stderr; SIGTERM/SIGINT stop it cleanly (flushing --data); bad flags exit 2/3.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = path.resolve(__dirname, "../../src/cli/bin.ts");
let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-emu-cli-"));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  lines: (n: number) => Promise<string[]>;
  exit: () => Promise<{ code: number | null; stderr: string; stdout: string }>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", BIN, "emulator", ...args], {
    env: { ...process.env, HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    lines: async (n) => {
      const deadline = Date.now() + 30_000;
      while (stdout.split("\n").length <= n) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`emulator did not print ${n} lines: ${stdout}\n${stderr}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return stdout.split("\n").slice(0, n);
    },
    exit: async () => ({ code: await closed, stderr, stdout }),
  };
}

describe("portico emulator", () => {
  it("prints the base URL first, then what a client needs; logs requests to stderr; stops on SIGTERM", async () => {
    const emu = start(["--seed", "demo", "--auto-approve", "alice", "--control"]);
    const lines = await emu.lines(7);
    const url = lines[0]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.slice(1)).toEqual([
      `AWS_ENDPOINT_URL=${url}`,
      "SSO_START_URL=https://d-0000000000.awsapps.com/start",
      "SSO_REGION=eu-north-1",
      "USER=alice PASSWORD=alice-in-portico",
      "USER=bob PASSWORD=bob-in-portico",
      "USER=carol PASSWORD=carol-in-portico",
    ]);
    expect((await fetch(`${url}/_emulator/requests`)).status).toBe(200);
    expect((await fetch(`${url}/assignment/accounts`)).status).toBe(401);
    emu.child.kill("SIGTERM");
    const done = await emu.exit();
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/sso ListAccounts 401/);
    expect(done.stderr).toContain("stopping");
  });

  it("--json prints one object; --quiet keeps stderr free of the request log; SIGINT flushes --data", async () => {
    const data = path.join(dir, "emu.json");
    const emu = start([
      "start",
      "--json",
      "--quiet",
      "--accounts",
      "3",
      "--roles-per-account",
      "2",
      "--data",
      data,
    ]);
    const [line] = await emu.lines(1);
    const info = JSON.parse(line!);
    expect(info).toMatchObject({ startUrl: "https://d-0000000000.awsapps.com/start", region: "eu-north-1" });
    const reg = await fetch(`${info.url}/client/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientName: "x", clientType: "public" }),
    });
    expect(reg.status).toBe(200);
    emu.child.kill("SIGINT");
    const done = await emu.exit();
    expect(done.code).toBe(0);
    expect(done.stderr).not.toContain("RegisterClient");
    const snap = JSON.parse(await readFile(data, "utf8"));
    expect(snap.org.accounts).toHaveLength(3);
    expect(Object.keys(snap.state.clients)).toHaveLength(1);
  });

  it("bad flags exit 2, a bad seed file exits 3, with a message and a hint", async () => {
    const bad = await start(["--fault-rate", "2"]).exit();
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a number from 0 to 1");
    const noUser = await start(["--auto-approve", "zed"]).exit();
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain('no user named "zed"');
    const both = await start(["--seed", "demo", "--accounts", "2", "--roles-per-account", "1"]).exit();
    expect(both.code).toBe(2);
    const seed = path.join(dir, "seed.json");
    await writeFile(seed, JSON.stringify({ accounts: [{ accountId: "1", accountName: "x" }] }));
    const badSeed = await start(["--seed", seed]).exit();
    expect(badSeed.code).toBe(3);
    expect(badSeed.stderr).toContain("accounts[0].accountId: must be 12 digits");
    expect(badSeed.stderr).toContain("hint:");
    // A seed file that is not there is a seed problem too (docs/emulator.md: exit 3), not a usage error.
    const missingSeed = await start(["--seed", path.join(dir, "missing.json")]).exit();
    expect(missingSeed.code).toBe(3);
    expect(missingSeed.stderr).toContain(`cannot read seed file ${path.join(dir, "missing.json")}: ENOENT`);
    expect(missingSeed.stderr).toContain(
      'hint: fix the seed file (docs/emulator.md, "Seed files"), or use --seed demo',
    );
  });
});
