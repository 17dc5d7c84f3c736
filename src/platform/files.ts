/**
 * File access shared by every reader and writer of ~/.aws state (docs/reliability.md):
 * - writes are atomic (src/platform/atomic-file.ts: temp 0600 + fsync + rename + folder fsync), 0600
 *   files / 0700 folders, an existing file's mode kept (secrets always 0600);
 * - the written path is resolved as the kernel would (`resolveWriteTarget`), so a symlinked ~/.aws or a
 *   dotfiles link is written where it points, and a dangling link or a link to a folder is an error;
 * - reads accept regular files only (src/platform/regular-file.ts);
 * - what the environment refuses (read-only or full file system, permissions, a file where a folder
 *   should be…) becomes a PorticoError with its own code (`environmentError`), never "internal error".
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { ExitCode, PorticoError } from "../errors";
import {
  writeFileAtomic as atomicWrite,
  makeDirs,
  prepareAtomicWrite,
  removeStaleTemps,
} from "./atomic-file";
import { FileShapeError, MAX_FILE_BYTES, readRegularFile } from "./regular-file";

export interface AtomicWriteOptions {
  /** Mode for a new file (default 0o600). An existing file keeps its mode. */
  mode?: number;
  /** Mode for folders created on the way (default 0o700). */
  dirMode?: number;
  /** Secrets (tokens, client secrets, role credentials): always written with `mode`, even over a wider existing file. */
  secret?: boolean;
  /** Remove temp files dead processes left beside the file (edits; docs/reliability.md "Leftovers"). */
  cleanTemps?: boolean;
}

/** Exit code of errors the machine's environment causes (docs/errors.md). */
const ENV_EXIT = ExitCode.environment;

/**
 * The PorticoError for an error the environment causes while reading or writing `file`, or undefined
 * when `e` is not one (then the caller rethrows it as it is).
 */
export function environmentError(
  e: unknown,
  file: string,
  action: "read" | "write",
): PorticoError | undefined {
  if (e instanceof PorticoError) return e;
  if (e instanceof FileShapeError) {
    if (e.code === "EFBIG")
      return new PorticoError("file_too_large", `${file} is larger than ${MAX_FILE_BYTES / 2 ** 20} MiB`, {
        exitCode: ExitCode.config,
        hint: `${file} cannot be an AWS config or cache file; check AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE`,
        details: { file, errno: "EFBIG" },
      });
    return notRegular(file, e.kind);
  }
  const err = e as NodeJS.ErrnoException;
  const errno = err?.code;
  const where = `cannot ${action} ${file}`;
  const details = { file, errno };
  switch (errno) {
    case "EROFS":
      return new PorticoError("fs_read_only", `${where}: the file system is read-only`, {
        exitCode: ENV_EXIT,
        hint: `run the command where ${path.dirname(file)} is writable, or mount it read-write`,
        details,
      });
    case "ENOSPC":
    case "EDQUOT":
      return new PorticoError(
        "fs_full",
        `${where}: no space left on the device${errno === "EDQUOT" ? " (quota)" : ""}`,
        {
          exitCode: ENV_EXIT,
          hint: `free some space on the file system holding ${path.dirname(file)} (df -h ${path.dirname(file)})`,
          details,
        },
      );
    case "EACCES":
    case "EPERM":
      return new PorticoError("fs_permission_denied", `${where}: permission denied`, {
        exitCode: ENV_EXIT,
        hint: `check the owner and permissions of ${file} and its folders (ls -ld ${path.dirname(file)})`,
        details,
      });
    case "ENOTDIR":
      return new PorticoError("fs_not_a_directory", `${where}: a part of the path is a file, not a folder`, {
        exitCode: ENV_EXIT,
        hint: `one of the folders in ${file} is a regular file; move it away`,
        details,
      });
    case "EISDIR":
      return notRegular(file, "directory");
    case "ELOOP":
      return new PorticoError("symlink_loop", `${where}: too many levels of symbolic links`, {
        exitCode: ExitCode.config,
        hint: `fix the links (ls -l ${file})`,
        details,
      });
    default:
      return undefined;
  }
}

function notRegular(file: string, kind: string): PorticoError {
  return new PorticoError("file_not_regular", `${file} is a ${kind}, not a regular file`, {
    exitCode: ExitCode.config,
    hint:
      kind === "directory"
        ? `move it aside (mv ${file} ${file}.dir), or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a file`
        : `point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file (or /dev/null for none)`,
    details: { file, kind },
  });
}

/** Create `dir` (and parents) with `mode` if missing; existing folders are left as they are. */
export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  try {
    await makeDirs(dir, mode);
  } catch (e) {
    throw environmentError(e, dir, "write") ?? e;
  }
}

const dangling = (file: string, link: string, to: string): PorticoError =>
  new PorticoError(
    "symlink_dangling",
    `${file}: the symbolic link ${link} points to ${to}, which does not exist`,
    {
      exitCode: ExitCode.config,
      hint: `create ${to} (or fix the link with ln -sfn), then run the command again`,
      details: { file, link, target: to },
    },
  );

/**
 * The real folder `dir` names: `realpath`, or for a folder still to be created, the real parent + name.
 * A dangling link anywhere on the way is an error (`mustExist`: the folder itself must exist).
 */
async function realDir(dir: string, file: string, mustExist: boolean, depth = 0): Promise<string> {
  try {
    const real = await fs.realpath(dir);
    const st = await fs.stat(real);
    if (!st.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    return real;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw environmentError(e, dir, "write") ?? e;
  }
  const parent = path.dirname(dir);
  if (parent === dir || depth > 64)
    throw environmentError({ code: "ENOENT" }, dir, "write") ?? new Error(dir);
  const realParent = await realDir(parent, file, mustExist, depth + 1);
  const candidate = path.join(realParent, path.basename(dir));
  const st = await fs.lstat(candidate).catch(() => undefined);
  if (st?.isSymbolicLink()) {
    const to = await fs.readlink(candidate).catch(() => "?");
    throw dangling(file, candidate, path.resolve(realParent, to));
  }
  if (mustExist) throw dangling(file, dir, candidate);
  return candidate;
}

/**
 * The file a write to `file` must replace, resolved as the kernel resolves it: the real folder first
 * (`realpath`), then each link's target relative to the real folder of that link, for chains of
 * relative and absolute links. Missing file → its real path (to be created). Dangling link →
 * `symlink_dangling` (nothing created); link to a folder or a folder → `file_not_regular`.
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let dir = await realDir(path.dirname(path.resolve(file)), file, false);
  let current = path.join(dir, path.basename(file));
  let lastLink: string | undefined;
  for (let hops = 0; hops < 40; hops++) {
    let st: import("node:fs").Stats;
    try {
      st = await fs.lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw environmentError(e, file, "write") ?? e;
      if (lastLink !== undefined) throw dangling(file, lastLink, current);
      return current;
    }
    if (!st.isSymbolicLink()) {
      if (st.isDirectory())
        throw notRegular(lastLink === undefined ? file : `${file} (→ ${current})`, "directory");
      return current;
    }
    const to = await fs.readlink(current);
    const next = path.resolve(dir, to);
    lastLink = current;
    try {
      dir = await realDir(path.dirname(next), file, true);
    } catch (e) {
      if (e instanceof PorticoError && e.code === "symlink_dangling") throw dangling(file, current, next);
      throw e;
    }
    current = path.join(dir, path.basename(next));
  }
  throw environmentError({ code: "ELOOP" }, file, "write")!;
}

/** The mode a write keeps: the existing file's, else `mode` (secrets: always `mode`). */
async function modeFor(target: string, options: AtomicWriteOptions): Promise<number> {
  const mode = options.mode ?? 0o600;
  if (options.secret) return mode;
  try {
    return (await fs.stat(target)).mode & 0o7777;
  } catch {
    return mode;
  }
}

/**
 * Atomic write of `file` (links resolved, see resolveWriteTarget). Environment failures are
 * PorticoErrors (fs_read_only, fs_full, …). Returns the real path written.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const target = await resolveWriteTarget(file);
  try {
    if (options.cleanTemps) await removeStaleTemps(target);
    await atomicWrite(target, data, {
      mode: await modeFor(target, options),
      dirMode: options.dirMode ?? 0o700,
    });
  } catch (e) {
    throw environmentError(e, file, "write") ?? e;
  }
  return target;
}

/**
 * A write prepared before slow work (a token refresh): the temp file is created and `reserveBytes`
 * written now, so the commit after the work needs no new space (docs/reliability.md "Refresh write-back").
 */
export async function prepareWrite(
  file: string,
  options: AtomicWriteOptions & { reserveBytes?: number } = {},
): Promise<{ commit(data: string | Uint8Array): Promise<void>; abort(): Promise<void> }> {
  const target = await resolveWriteTarget(file);
  try {
    const w = await prepareAtomicWrite(target, {
      mode: await modeFor(target, options),
      dirMode: options.dirMode ?? 0o700,
      ...(options.reserveBytes !== undefined ? { reserveBytes: options.reserveBytes } : {}),
    });
    return {
      commit: async (data) => {
        try {
          await w.commit(data);
        } catch (e) {
          throw environmentError(e, file, "write") ?? e;
        }
      },
      abort: () => w.abort(),
    };
  } catch (e) {
    throw environmentError(e, file, "write") ?? e;
  }
}

/**
 * Read a file as UTF-8, or undefined if it does not exist. Only regular files (FIFOs, devices and
 * folders are refused: file_not_regular; /dev/null is empty). Other errors propagate as environment
 * PorticoErrors where they are one.
 */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    const bytes = await readRegularFile(file);
    return bytes === undefined ? undefined : bytes.toString("utf8");
  } catch (e) {
    throw environmentError(e, file, "read") ?? e;
  }
}
