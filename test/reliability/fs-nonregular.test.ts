/**
 * Issue 7 defect 4: only regular files are read (open O_NONBLOCK, fstat, a size cap), so /dev/zero,
 * a FIFO or a folder where a config should be end quickly with a clear error naming the file — before
 * the fix `AWS_CONFIG_FILE=/dev/zero portico profiles` grew without bound and a FIFO blocked
 * `credential-process` forever. /dev/null stays "no file", as for the AWS CLI. Each child has a kill
 * timer: a hang fails the test (signal SIGKILL) instead of stalling the run.
 */
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../helpers/aws-clients";
import { assertBuilt, cliEnv, portico } from "./fs-support";

let root: string;
let home: string;
let fifo: string;
beforeAll(async () => {
  assertBuilt();
  root = await fs.mkdtemp(path.join(os.tmpdir(), "portico-nonreg-"));
  home = path.join(root, "home");
  await fs.mkdir(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  fifo = path.join(root, "fifo");
  execFileSync("mkfifo", [fifo]);
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

const KILL_AFTER = 15_000;

describe("portico refuses files that are not regular files", () => {
  it("AWS_CONFIG_FILE=/dev/zero portico profiles: exit 3 naming the file", async () => {
    const r = await portico(["profiles"], cliEnv(home, undefined, { AWS_CONFIG_FILE: "/dev/zero" }), {
      timeoutMs: KILL_AFTER,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("/dev/zero is a character device, not a regular file");
    expect(r.stdout).toBe("");
  });

  it("a FIFO as the config: credential-process exits 3 instead of blocking", async () => {
    const r = await portico(
      ["credential-process", "--profile", "dev"],
      cliEnv(home, undefined, { AWS_CONFIG_FILE: fifo }),
      { timeoutMs: KILL_AFTER },
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${fifo} is a fifo, not a regular file`);
    expect(r.stdout).toBe("");
  });

  it("/dev/zero as the credentials file: exit 3, no endless read", async () => {
    for (const args of [["profiles"], ["credential-process", "--profile", "dev"]]) {
      const r = await portico(args, cliEnv(home, undefined, { AWS_SHARED_CREDENTIALS_FILE: "/dev/zero" }), {
        timeoutMs: KILL_AFTER,
      });
      expect(r.signal).toBeNull();
      expect(r.code, args.join(" ")).toBe(3);
      expect(r.stderr).toContain("/dev/zero is a character device");
    }
  });

  it("~/.aws/config a folder: the same clear error for reading and for editing", async () => {
    const h = path.join(root, "home-dir");
    await fs.mkdir(path.join(h, ".aws", "config"), { recursive: true });
    for (const args of [["profiles"], ["config", "set", "region", "b", "--profile", "p"]]) {
      const r = await portico(args, cliEnv(h), { timeoutMs: KILL_AFTER });
      expect(r.code, args.join(" ")).toBe(3);
      expect(r.stderr).toContain("is a directory, not a regular file");
    }
    expect(await fs.readdir(path.join(h, ".aws", "config"))).toEqual([]);
  });

  it("AWS_CONFIG_FILE=/dev/null means no config (as for the AWS CLI)", async () => {
    const r = await portico(
      ["profiles", "--json"],
      cliEnv(home, undefined, { AWS_CONFIG_FILE: "/dev/null" }),
      {
        timeoutMs: KILL_AFTER,
      },
    );
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("what botocore does with the same files (it must not hang either)", () => {
  const profiles = `import botocore.session; print(botocore.session.Session().available_profiles)`;
  it("botocore treats /dev/null, a FIFO and a folder as no file (os.path.isfile) and returns at once", async () => {
    for (const file of ["/dev/null", fifo, path.join(root, "home-dir", ".aws", "config"), "/dev/zero"]) {
      const r = await runPython(profiles, { ...cliEnv(home), AWS_CONFIG_FILE: file });
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim()).toBe("[]");
    }
  });
});
