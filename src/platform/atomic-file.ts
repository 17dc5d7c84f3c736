/**
 * The one atomic file write, shared by the client (src/platform/files.ts) and the emulator
 * (emulator/persist.ts) — the only module both sides import, so it depends on nothing but node:fs and
 * node:path (no project code, no error model: callers map the plain Node errors it throws).
 *
 * writeFileAtomic: a temp file in the target's folder, created O_EXCL with mode 0600 (never more
 * readable than the target: the target's mode is applied only after the data is in), fsync, rename over
 * the target, fsync the folder. A reader sees the old bytes or the new bytes, never half of either.
 * Temp files are named `.<base>.<pid>.<random>.tmp`; `removeStaleTemps` deletes those of dead processes
 * (a kill -9 mid-write leaves one behind). docs/reliability.md.
 */
import { promises as fs, constants as fsc } from "node:fs";
import * as path from "node:path";

export interface AtomicWriteOptions {
  /** Mode of the written file (default 0o600). */
  mode?: number;
  /** Mode for folders created on the way (default 0o700). */
  dirMode?: number;
}

/** `.<base>.<pid>.<12 hex>.tmp` beside `file`. */
export function tempNameFor(file: string, pid = process.pid): string {
  let rand = "";
  for (let i = 0; i < 12; i++) rand += Math.floor(Math.random() * 16).toString(16);
  return path.join(path.dirname(file), `.${path.basename(file)}.${pid}.${rand}.tmp`);
}

const TEMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Delete `.<base of file>.<pid>.*.tmp` files (and lock folders) beside `file` whose process is gone (older than
 * `minAgeMs`, so a pid reused by a live writer on another host sharing the folder is spared for a while).
 * Best effort: never throws.
 */
export async function removeStaleTemps(file: string, minAgeMs = 10_000): Promise<number> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || pidAlive(pid)) continue;
    try {
      const st = await fs.lstat(path.join(dir, name));
      if (Date.now() - st.mtimeMs < minAgeMs) continue;
      // Files of atomic writes; folders of lock acquisitions (src/platform/lock.ts) cut short.
      if (st.isFile()) await fs.unlink(path.join(dir, name));
      else if (st.isDirectory()) await fs.rm(path.join(dir, name), { recursive: true });
      else continue;
      removed++;
    } catch {
      // raced with another cleaner, or not ours to remove
    }
  }
  return removed;
}

/**
 * mkdir -p that reports the real reason: Node's recursive mkdir says ENOENT where the file system
 * said EROFS / EACCES for a missing parent. Existing folders are left as they are.
 */
export async function makeDirs(dir: string, mode = 0o700): Promise<void> {
  try {
    await fs.mkdir(dir, { mode });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await fs.stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {
        code: "ENOTDIR",
        path: dir,
      });
    }
    if (code !== "ENOENT") throw e;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`ENOENT: mkdir '${dir}'`), { code: "ENOENT", path: dir });
  await makeDirs(parent, mode);
  try {
    await fs.mkdir(dir, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}

/** fsync a folder so a rename in it survives a power loss (best effort where folders cannot be opened). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open/fsync a directory; the rename is still atomic.
  } finally {
    await fh?.close().catch(() => {});
  }
}

/**
 * A temp file opened for one atomic write, committed later: `commit(data)` writes, fsyncs, renames.
 * Opening it early reserves `reserveBytes` of disk first (so the write after a token refresh does not
 * meet a full disk — docs/reliability.md "Refresh write-back").
 */
export interface PreparedWrite {
  readonly tempFile: string;
  commit(data: string | Uint8Array): Promise<void>;
  abort(): Promise<void>;
}

export async function prepareAtomicWrite(
  file: string,
  options: AtomicWriteOptions & { reserveBytes?: number } = {},
): Promise<PreparedWrite> {
  const dir = path.dirname(file);
  await makeDirs(dir, options.dirMode ?? 0o700);
  const mode = options.mode ?? 0o600;
  let tmp = tempNameFor(file);
  let fh: fs.FileHandle;
  for (let attempt = 0; ; attempt++) {
    try {
      // 0600 whatever the target's mode: a temp file is never more readable than its target.
      fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 5) throw e;
      tmp = tempNameFor(file);
    }
  }
  const cleanup = async () => {
    await fh.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
  };
  if (options.reserveBytes && options.reserveBytes > 0) {
    try {
      await fh.write(new Uint8Array(options.reserveBytes), 0, options.reserveBytes, 0);
      await fh.sync();
    } catch (e) {
      await cleanup();
      throw e;
    }
  }
  let done = false;
  return {
    tempFile: tmp,
    async commit(data) {
      if (done) throw new Error("prepared write already used");
      done = true;
      try {
        const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
        let off = 0;
        while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off, off)).bytesWritten;
        await fh.truncate(bytes.length);
        await fh.chmod(mode); // umask must not widen or narrow the intended mode
        await fh.sync();
        await fh.close();
      } catch (e) {
        await cleanup();
        throw e;
      }
      try {
        await fs.rename(tmp, file);
      } catch (e) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
      await fsyncDir(dir);
    },
    async abort() {
      if (done) return;
      done = true;
      await cleanup();
    },
  };
}

/** Write `data` to `file` atomically with `mode` (default 0600). Plain Node errors propagate. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const w = await prepareAtomicWrite(file, options);
  await w.commit(data);
}
