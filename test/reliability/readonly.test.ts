/**
 * Issue 7 defect 5: a read-only or full ~/.aws. With a valid token, `credential-process` and `whoami`
 * vend credentials without caching them and say so once on stderr (before: "internal error: EROFS");
 * writes that cannot be skipped fail with their own code and exit 8 (fs_read_only, fs_full), never
 * "internal error". A token inside the refresh window is used as it is rather than refreshed (a rotated
 * refresh token that cannot be saved would sign every other tool out).
 *
 * Real mounts, not chmod (root ignores permissions): a read-only bind mount of ~/.aws
 * (`mount --bind D D && mount -o remount,ro,bind D`) and a 64 KiB tmpfs filled to the last byte. Root
 * only; skipped with the reason printed otherwise. Mounts are undone in `finally`.
 */
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { assertBuilt, isRoot, portico } from "./fs-support";

if (!isRoot())
  console.warn("read-only / full ~/.aws tests skipped: they need root for mount (bind, remount ro, tmpfs)");

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let awsDir: string;

beforeAll(async () => {
  if (!isRoot()) return;
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig());
  await deviceSignIn(env, "acme");
  awsDir = path.join(home.home, ".aws");
});
afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const mount = (...args: string[]) => execFileSync("mount", args, { stdio: "pipe" });
const umount = (dir: string) => {
  try {
    execFileSync("umount", [dir], { stdio: "pipe" });
  } catch {
    execFileSync("umount", ["-l", dir], { stdio: "pipe" });
  }
};

async function withReadOnly<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  mount("--bind", dir, dir);
  try {
    mount("-o", "remount,ro,bind", dir);
    return await fn();
  } finally {
    umount(dir);
  }
}

const tokenFile = async () => {
  const dir = path.join(awsDir, "sso", "cache");
  const [name] = (await fs.readdir(dir)).filter((n) => /^[0-9a-f]{40}\.json$/.test(n));
  return path.join(dir, name!);
};

const notes = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("portico: note:"));

describe.skipIf(!isRoot())("read-only ~/.aws (bind mount)", () => {
  it("credential-process and whoami vend credentials, uncached, saying so once", async () => {
    await fs.rm(path.join(awsDir, "cli"), { recursive: true, force: true });
    await withReadOnly(awsDir, async () => {
      const cp = await portico(["credential-process", "--profile", "dev"], env, { timeoutMs: 60_000 });
      expect(cp.code, cp.stderr).toBe(0);
      expect(JSON.parse(cp.stdout)).toMatchObject({ Version: 1, AccountId: "333333333333" });
      expect(notes(cp.stderr)).toHaveLength(1);
      expect(cp.stderr).toMatch(/credentials not cached: cannot write .*read-only/);
      expect(cp.stderr).not.toContain("internal error");

      const who = await portico(["whoami", "--profile", "dev", "--json"], env, { timeoutMs: 60_000 });
      expect(who.code, who.stderr).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ account: "333333333333" });
      expect(notes(who.stderr)).toHaveLength(1);
    });
    await expect(fs.access(path.join(awsDir, "cli", "cache"))).rejects.toThrow();
  });

  it("a token inside the refresh window is used without refreshing; an expired one is exit 8 fs_read_only", async () => {
    const file = await tokenFile();
    const original = await fs.readFile(file, "utf8");
    const tok = JSON.parse(original);
    try {
      await fs.writeFile(
        file,
        JSON.stringify({ ...tok, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString() }),
      );
      await withReadOnly(awsDir, async () => {
        const r = await portico(["credential-process", "--profile", "admin"], env, { timeoutMs: 60_000 });
        expect(r.code, r.stderr).toBe(0);
        expect(notes(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain("using the current token without refreshing it");
      });
      await fs.writeFile(
        file,
        JSON.stringify({ ...tok, expiresAt: new Date(Date.now() - 60_000).toISOString() }),
      );
      await withReadOnly(awsDir, async () => {
        const e = await portico(["whoami", "--profile", "forbidden"], env, { timeoutMs: 60_000 });
        expect(e.code, e.stderr).toBe(8);
        expect(e.stderr).toMatch(/SSO token has expired and cannot be refreshed here: .*read-only/);
        expect(e.stderr).not.toContain("internal error");
      });
    } finally {
      await fs.writeFile(file, original, { mode: 0o600 });
    }
  });

  it("config set on a read-only ~/.aws: exit 8 fs_read_only, not internal error", async () => {
    await withReadOnly(awsDir, async () => {
      const r = await portico(["config", "set", "region", "b", "--profile", "dev"], env, {
        timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(8);
      expect(r.stderr).toContain("read-only");
      expect(r.stderr).not.toContain("internal error");
    });
  });
});

describe.skipIf(!isRoot())("full ~/.aws (64 KiB tmpfs, filled)", () => {
  it("credentials vended uncached with one note; config set is exit 8 fs_full; nothing torn", async () => {
    const keep = path.join(home.home, "aws-copy");
    await fs.rm(path.join(awsDir, "cli"), { recursive: true, force: true });
    await fs.cp(awsDir, keep, { recursive: true });
    mount("-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", awsDir);
    try {
      await fs.cp(keep, awsDir, { recursive: true });
      const config = await fs.readFile(path.join(awsDir, "config"), "utf8");
      // Fill every last byte.
      await fs.writeFile(path.join(awsDir, "filler"), new Uint8Array(64 * 1024)).catch(() => {});
      for (let i = 0; i < 64; i++)
        await fs.writeFile(path.join(awsDir, `f${i}`), "x".repeat(4096)).catch(() => {});

      const cp = await portico(["credential-process", "--profile", "dev"], env, { timeoutMs: 60_000 });
      expect(cp.code, cp.stderr).toBe(0);
      expect(JSON.parse(cp.stdout)).toMatchObject({ Version: 1 });
      expect(notes(cp.stderr)).toHaveLength(1);
      expect(cp.stderr).toContain("no space left");

      const set = await portico(["config", "set", "region", "b", "--profile", "dev"], env, {
        timeoutMs: 60_000,
      });
      expect(set.code, set.stderr).toBe(8);
      expect(set.stderr).toContain("no space left on the device");
      expect(await fs.readFile(path.join(awsDir, "config"), "utf8")).toBe(config);
      // No temp file and no lock left behind: the lock's record could not be written, so no lock existed.
      expect((await fs.readdir(awsDir)).filter((n) => n.endsWith(".tmp") || n.includes(".lock"))).toEqual([]);
    } finally {
      umount(awsDir);
      await fs.rm(keep, { recursive: true, force: true });
    }
  });
});
