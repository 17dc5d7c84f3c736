/**
 * Atomic, permission-safe file writes shared by every writer of ~/.aws state.
 * Write to a temp file in the same folder, fsync, rename over the target, fsync the folder:
 * a reader sees the old bytes or the new bytes, never half of either.
 */
import { randomBytes } from "node:crypto";
import { promises as fs, constants as fsc } from "node:fs";
import * as path from "node:path";

export interface AtomicWriteOptions {
  /** Mode for a new file (default 0o600). An existing file keeps its mode. */
  mode?: number;
  /** Mode for folders created on the way (default 0o700). */
  dirMode?: number;
  /** Secrets (tokens, client secrets, role credentials): always written with `mode`, even over a wider existing file. */
  secret?: boolean;
}

/** Create `dir` (and parents) with `mode` if missing; existing folders are left as they are. */
export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode });
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  await ensureDir(dir, options.dirMode ?? 0o700);
  let mode = options.mode ?? 0o600;
  if (!options.secret) {
    try {
      const st = await fs.stat(file);
      mode = st.mode & 0o7777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // umask must not widen or narrow the intended mode
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
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

/** Read a file as UTF-8, or undefined if it does not exist. Other errors propagate. */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
