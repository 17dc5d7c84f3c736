/**
 * ADAPTER (to be removed once src/platform/lock.ts is fixed): the cross-process lock used around
 * config-file edits. Same protocol as src/platform/lock.ts (`<target>.lock` created with O_EXCL,
 * holding "pid\nISO time\n"; a lock whose owner is gone or that is older than `staleMs` is taken over),
 * so both interoperate — minus a race found by test/config/edit.test.ts ("two processes editing at
 * once"): platform/lock.ts treats a lock file that vanishes during its staleness check (ENOENT) as
 * stale and then renames away whatever lock file exists by then — possibly a fresh one another process
 * just took — so two processes hold the lock and an edit is lost. Here a vanished lock means "retry",
 * and a takeover only removes the very file (same inode) that was judged stale.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { ExitCode, PorticoError } from "../errors";
import { ensureDir } from "../platform/files";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The inode of the lock file if it is stale, undefined if it is live or gone. */
async function staleInode(lockFile: string, staleMs: number): Promise<number | undefined> {
  try {
    const st = await fs.stat(lockFile);
    const text = await fs.readFile(lockFile, "utf8");
    const again = await fs.stat(lockFile);
    if (again.ino !== st.ino) return undefined; // replaced meanwhile: look again
    const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
    if (Date.now() - st.mtimeMs > staleMs) return st.ino;
    return text.includes("\n") && !alive(pid) ? st.ino : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined; // released: just retry
    throw e;
  }
}

export async function withConfigLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: { timeoutMs?: number; staleMs?: number } = {},
): Promise<T> {
  const lockFile = `${target}.lock`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 60_000;
  await ensureDir(path.dirname(lockFile), 0o700);
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
        const grave = `${lockFile}.stale.${process.pid}.${Date.now()}`;
        try {
          await fs.rename(lockFile, grave);
          const st = await fs.stat(grave);
          // Took a different (fresh) lock by mistake: put it back if the place is still free.
          if (st.ino !== ino) await fs.link(grave, lockFile).catch(() => {});
          await fs.rm(grave, { force: true });
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new PorticoError("lock_timeout", `Timed out waiting for the lock on ${target}`, {
          exitCode: ExitCode.timeout,
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
