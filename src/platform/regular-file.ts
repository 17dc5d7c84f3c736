/**
 * Reading files portico did not create (config, credentials, caches) without trusting what they are:
 * open with O_NONBLOCK (a FIFO must not block the open), fstat the open descriptor, refuse anything but
 * a regular file (FIFO, character/block device, socket, directory) and anything larger than
 * MAX_FILE_BYTES, then read at most that much. /dev/null reads as an empty file (the usual way to say
 * "no file"). docs/reliability.md "Files that are not regular files".
 *
 * Plain Node-style errors (`code` ENOTREG / EFBIG, plus `kind`) so the client maps them to PorticoErrors
 * (src/platform/files.ts) and the fast path can treat them as "not a hit". node:fs comes through
 * process.getBuiltinModule: a static ESM import would load fs/promises on the credential_process hot path.
 */
type NodeFs = typeof import("node:fs");
const nodeFs = (): NodeFs =>
  (process as unknown as { getBuiltinModule(id: string): NodeFs }).getBuiltinModule("node:fs");

/** 256 MiB: far above any real config (21,000 profiles are ~3 MB), far below what a device could feed. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export type FileKind =
  | "file"
  | "directory"
  | "fifo"
  | "character device"
  | "block device"
  | "socket"
  | "other";

export function kindOf(st: import("node:fs").Stats): FileKind {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isFIFO()) return "fifo";
  if (st.isCharacterDevice()) return "character device";
  if (st.isBlockDevice()) return "block device";
  if (st.isSocket()) return "socket";
  return "other";
}

export class FileShapeError extends Error {
  constructor(
    readonly code: "ENOTREG" | "EFBIG",
    readonly path: string,
    readonly kind: FileKind,
    readonly size?: number,
  ) {
    super(
      code === "ENOTREG"
        ? `${path} is a ${kind}, not a regular file`
        : `${path} is larger than ${MAX_FILE_BYTES} bytes (${size} bytes)`,
    );
    this.name = "FileShapeError";
  }
}

const isDevNull = (st: import("node:fs").Stats): boolean => {
  if (!st.isCharacterDevice()) return false;
  // /dev/null is major 1, minor 3 on Linux; compare with the real one rather than guess elsewhere.
  try {
    const n = nodeFs().statSync("/dev/null");
    return n.rdev === st.rdev;
  } catch {
    return false;
  }
};

/** One read of the whole file first (size + 1 to see the end), then 64 KiB steps if it grew. */
const nextChunk = (size: number, total: number, reads: number, maxBytes: number): number =>
  Math.max(1, Math.min(reads === 0 ? size + 1 : 65_536, maxBytes + 1 - total));

function check(file: string, st: import("node:fs").Stats, maxBytes: number): "empty" | "read" {
  if (isDevNull(st)) return "empty";
  if (!st.isFile()) throw new FileShapeError("ENOTREG", file, kindOf(st));
  if (st.size > maxBytes) throw new FileShapeError("EFBIG", file, "file", st.size);
  return "read";
}

/** The bytes of a regular file, or undefined if it does not exist (ENOENT/ENOTDIR). Other errors throw. */
export function readRegularFileSync(file: string, maxBytes = MAX_FILE_BYTES): Buffer | undefined {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (check(file, st, maxBytes) === "empty") return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(nextChunk(st.size, total, chunks.length, maxBytes));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      if (total > maxBytes) throw new FileShapeError("EFBIG", file, "file", total);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Async twin of readRegularFileSync. */
export async function readRegularFile(file: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer | undefined> {
  const fs = nodeFs();
  let fh: import("node:fs/promises").FileHandle;
  try {
    fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    if (check(file, st, maxBytes) === "empty") return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(nextChunk(st.size, total, chunks.length, maxBytes));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      if (total > maxBytes) throw new FileShapeError("EFBIG", file, "file", total);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await fh.close().catch(() => {});
  }
}
