/**
 * Cross-process advisory lock: `<target>.lock` created with O_EXCL, holding the owner's pid and time.
 * A lock whose owner process is gone, or which is older than `staleMs`, is taken over.
 * Used around every read-modify-write of ~/.aws files and around token refresh (single flight).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { PorticoError } from "../errors";
import { ensureDir } from "./files";

export interface LockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned (default 60 s). */
  staleMs?: number;
  /** Folder mode if the lock's folder must be created (default 0o700). */
  dirMode?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The inode of the lock file if it is stale (owner gone, or older than `staleMs`), else undefined.
 * A lock file that vanishes or is replaced during the check means "released": the caller just retries.
 * (Treating a vanished file as stale would let the caller rename away a fresh lock another process
 * took meanwhile — two holders, a lost update.)
 */
async function staleInode(lockFile: string, staleMs: number): Promise<number | undefined> {
  try {
    const st = await fs.stat(lockFile);
    const text = await fs.readFile(lockFile, "utf8");
    const again = await fs.stat(lockFile);
    if (again.ino !== st.ino) return undefined;
    if (Date.now() - st.mtimeMs > staleMs) return st.ino;
    const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
    // Only judge by pid when the content is complete (the owner writes "pid\n…").
    return text.includes("\n") && !processAlive(pid) ? st.ino : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Remove the stale lock file with inode `ino` — and only that one. */
async function takeOver(lockFile: string, ino: number): Promise<void> {
  const grave = `${lockFile}.stale.${process.pid}.${Date.now()}`;
  try {
    await fs.rename(lockFile, grave);
  } catch {
    return; // someone else took it over first
  }
  try {
    const st = await fs.stat(grave);
    // We moved a fresh lock by mistake (it replaced the stale one after our check): put it back
    // if its place is still free. link() fails with EEXIST rather than overwrite a newer lock.
    if (st.ino !== ino) await fs.link(grave, lockFile).catch(() => {});
  } finally {
    await fs.rm(grave, { force: true });
  }
}

/** Run `fn` while holding the lock for `target` (the lock file is `${target}.lock`). */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockFile = `${target}.lock`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 60_000;
  await ensureDir(path.dirname(lockFile), options.dirMode ?? 0o700);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const fh = await fs.open(lockFile, "wx", 0o600);
      try {
        await fh.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const ino = await staleInode(lockFile, staleMs);
      if (ino !== undefined) {
        await takeOver(lockFile, ino);
        continue;
      }
      if (Date.now() > deadline) {
        throw new PorticoError("lock_timeout", `Timed out waiting for the lock on ${target}`, {
          exitCode: 7,
          hint: `Another portico process holds ${lockFile}; if none is running, delete that file.`,
        });
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}
