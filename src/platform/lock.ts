/**
 * Cross-process lock for read-modify-write of ~/.aws files and single-flight refresh
 * (docs/reliability.md "Locks" has the full design and its proof sketch).
 *
 * `<target>.lock` is a folder holding exactly one entry, `owner.<nonce>`, the owner record
 * (pid, process start time, boot id, pid namespace, host name, nonce). To acquire, a process builds
 * its own `.<base>.lock.<pid>.<rand>.tmp/owner.<nonce>` (record written and fsynced first) and renames
 * that folder onto `<target>.lock`: rename(2) onto a folder succeeds only if it is missing or EMPTY,
 * so exactly one contender wins, and a lock is never empty. Release and takeover remove one entry BY
 * ITS UNIQUE NAME (a successor's entry has another name, so it can never be removed by mistake); the
 * empty folder left behind means "free".
 *
 * Liveness is decided by the owner, never by the wall clock: a local owner (same host, boot and pid
 * namespace) is alive while its pid exists with the recorded start time; any owner heartbeats (touches
 * its entry every second) and a waiter measures "no change" on its own monotonic clock, so clock skew
 * between hosts or against the file system cannot make a live lock look stale. Dead local owner →
 * taken over at once; unparsable entry unchanged for 2 s → taken over; owner on another host → honoured
 * while it heartbeats (bounded by `timeoutMs`, then `lock_timeout` naming host and pid), taken over after
 * `stallMs` without a heartbeat. A waiter behind a live, progressing local owner waits (no fixed
 * time-out; `maxWaitMs` caps it).
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ExitCode, PorticoError } from "../errors";
import { makeDirs, removeStaleTemps } from "./atomic-file";
import { builtin } from "./builtin";
import { environmentError, resolveWriteTarget } from "./files";

export interface LockOptions {
  /**
   * How long to honour an owner whose liveness cannot be proven: one on another host (while it
   * heartbeats), or a local live process that stopped heartbeating (stopped, or an older portico).
   * Default 30 s; then `lock_timeout`.
   */
  timeoutMs?: number;
  /** Upper bound on the whole wait even behind live, heartbeating owners (default 10 min). */
  maxWaitMs?: number;
  /** How often the holder touches its entry (default 1 s). */
  heartbeatMs?: number;
  /** An owner on another host with no heartbeat for this long is dead (default 20 s). */
  stallMs?: number;
  /** Folder mode if the lock's folder must be created (default 0o700). */
  dirMode?: number;
  /**
   * For caches (single flight is an optimisation there): when the file system refuses to create the
   * lock (read-only, full, no permission), run `fn` unlocked with `held: false` instead of failing.
   */
  optional?: boolean;
}

export interface HeldLock {
  /** False when `optional` and the lock could not be created (see `unwritable`). */
  readonly held: boolean;
  /** Why the lock could not be created (an environment PorticoError: fs_read_only, fs_full, …). */
  readonly unwritable?: PorticoError;
  /** True while our entry is still the lock (false if it was taken over after a stall). */
  stillHeld(): Promise<boolean>;
}

export interface OwnerRecord {
  v: 2;
  pid: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  start?: string;
  host: string;
  boot?: string;
  pidns?: string;
  nonce: string;
  /** Wall-clock time of acquisition (informational only; never used to judge liveness). */
  at: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const monotonic = () => performance.now();
const GARBAGE_MS = 2_000;

const readSmall = async (file: string): Promise<string | undefined> => {
  try {
    return await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
};

/** Field 22 of /proc/<pid>/stat (after the parenthesised comm, which may contain spaces). */
export async function processStartTime(pid: number | "self"): Promise<string | undefined> {
  const text = await readSmall(`/proc/${pid}/stat`);
  if (!text) return undefined;
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state) → field 22 is rest[19].
  return rest[19];
}

interface Identity {
  host: string;
  boot: string | undefined;
  pidns: string | undefined;
  start: string | undefined;
}

async function myIdentity(): Promise<Identity> {
  const [boot, pidns, start] = await Promise.all([
    readSmall("/proc/sys/kernel/random/boot_id").then((s) => s?.trim()),
    fs.readlink("/proc/self/ns/pid").catch(() => undefined),
    processStartTime("self"),
  ]);
  return { host: os.hostname(), boot, pidns, start };
}

function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function parseOwner(text: string | undefined): OwnerRecord | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Partial<OwnerRecord>;
    if (
      o &&
      o.v === 2 &&
      Number.isInteger(o.pid) &&
      typeof o.host === "string" &&
      typeof o.nonce === "string"
    )
      return o as OwnerRecord;
  } catch {
    // torn or foreign
  }
  return undefined;
}

type Verdict =
  | { kind: "retry" }
  | { kind: "wait"; owner: string }
  | { kind: "break" }
  | { kind: "timeout"; why: string };

interface Seen {
  sig: string;
  firstSeen: number;
  lastChange: number;
}

/** Where the waiter stands on one owner entry (the pure part of the decision, given what was observed). */
export function judge(args: {
  record: OwnerRecord | undefined;
  me: Identity;
  /** Local owners only: does pid exist with the recorded start time? */
  alive: boolean | undefined;
  seen: Seen;
  now: number;
  wallAgeMs: number;
  bootTimeMs: number | undefined;
  timeoutMs: number;
  stallMs: number;
}): Verdict {
  const { record: r, me, seen, now } = args;
  const quiet = now - seen.lastChange;
  if (!r) {
    // Never written by a live portico (records are complete before the rename): power loss, foreign.
    return args.wallAgeMs > GARBAGE_MS || quiet > GARBAGE_MS
      ? { kind: "break" }
      : { kind: "wait", owner: "?" };
  }
  const who = `pid ${r.pid} on host ${r.host}`;
  const local =
    r.host === me.host &&
    (r.boot === undefined || me.boot === undefined || r.boot === me.boot) &&
    (r.pidns === undefined || me.pidns === undefined || r.pidns === me.pidns);
  if (local) {
    if (!args.alive) return { kind: "break" };
    if (quiet > args.timeoutMs)
      return {
        kind: "timeout",
        why: `${who} is alive but has not made progress for ${Math.round(quiet / 1000)} s`,
      };
    return { kind: "wait", owner: who };
  }
  // Same host name, another boot, acquired before this boot: the owner died with the previous boot.
  if (r.host === me.host && r.boot !== me.boot && args.bootTimeMs !== undefined) {
    const at = Date.parse(r.at);
    if (Number.isFinite(at) && at < args.bootTimeMs) return { kind: "break" };
  }
  if (quiet > args.stallMs) return { kind: "break" };
  if (now - seen.firstSeen > args.timeoutMs)
    return {
      kind: "timeout",
      why: `${who} (another host) still holds it after ${Math.round((now - seen.firstSeen) / 1000)} s`,
    };
  return { kind: "wait", owner: who };
}

async function bootTimeMs(): Promise<number | undefined> {
  const text = await readSmall("/proc/stat");
  const m = text ? /^btime (\d+)$/m.exec(text) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}

/** open → fstat → read → close: on NFS the open revalidates attributes (close-to-open consistency). */
async function observe(file: string): Promise<{ text: string; sig: string; mtimeMs: number } | undefined> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(file, "r");
    const st = await fh.stat();
    if (!st.isFile()) return { text: "", sig: `x${st.ino}`, mtimeMs: st.mtimeMs };
    const text = st.size > 4096 ? "" : await fh.readFile("utf8");
    return { text, sig: `${st.ino}:${st.ctimeMs}:${st.mtimeMs}:${st.size}`, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => {});
  }
}

function lockTimeout(target: string, lockDir: string, why: string, host?: string): PorticoError {
  return new PorticoError("lock_timeout", `Timed out waiting for the lock on ${target}: ${why}`, {
    exitCode: ExitCode.timeout,
    hint:
      host !== undefined && host !== os.hostname()
        ? `The holder runs on host ${host}; let it finish there, or if nothing runs there, delete ${lockDir}`
        : `Let the holder finish; if no portico is running, delete ${lockDir}`,
  });
}

const FS_REFUSALS = new Set(["EROFS", "ENOSPC", "EDQUOT", "EACCES", "EPERM"]);

/**
 * Run `fn` while holding the lock for `target`. Symbolic links are resolved first (the lock sits beside
 * the real file, so every path to it takes the same lock).
 */
export async function withFileLock<T>(
  target: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const real = await resolveWriteTarget(target);
  const lockDir = `${real}.lock`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWaitMs = Math.max(options.maxWaitMs ?? 600_000, timeoutMs);
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const stallMs = options.stallMs ?? 20_000;
  const parent = path.dirname(lockDir);
  let acquired: { entry: string; timer: NodeJS.Timeout; lost: boolean } | undefined;
  try {
    acquired = await acquire();
  } catch (e) {
    const env = e instanceof PorticoError ? e : environmentError(e, lockDir, "write");
    const errno = (e as NodeJS.ErrnoException).code ?? (env?.details?.["errno"] as string | undefined);
    if (options.optional && env && errno !== undefined && FS_REFUSALS.has(errno)) {
      return fn({ held: false, unwritable: env, stillHeld: async () => false });
    }
    throw env ?? e;
  }
  const mine = acquired;
  try {
    return await fn({
      held: true,
      stillHeld: async () => !mine.lost && (await observe(mine.entry)) !== undefined,
    });
  } finally {
    clearInterval(mine.timer);
    await fs.unlink(mine.entry).catch(() => {}); // by its unique name: never a successor's entry
    await fs.rmdir(lockDir).catch(() => {}); // empty folder = free; ENOTEMPTY: a successor got it
  }

  async function acquire(): Promise<{ entry: string; timer: NodeJS.Timeout; lost: boolean }> {
    await makeDirs(parent, options.dirMode ?? 0o700);
    const me = await myIdentity();
    // node:crypto only when a lock is taken: loading it costs several ms on read-only paths.
    const nonce = builtin<typeof import("node:crypto")>("node:crypto").randomBytes(8).toString("hex");
    const record: OwnerRecord = {
      v: 2,
      pid: process.pid,
      ...(me.start !== undefined ? { start: me.start } : {}),
      host: me.host,
      ...(me.boot !== undefined ? { boot: me.boot } : {}),
      ...(me.pidns !== undefined ? { pidns: me.pidns } : {}),
      nonce,
      at: new Date().toISOString(),
    };
    const entryName = `owner.${nonce}`;
    let rand = "";
    for (let i = 0; i < 12; i++) rand += Math.floor(Math.random() * 16).toString(16);
    const tmpDir = path.join(parent, `.${path.basename(lockDir)}.${process.pid}.${rand}.tmp`);
    await removeStaleTemps(lockDir).catch(() => 0);
    await fs.mkdir(tmpDir, { mode: 0o700 });
    try {
      const fh = await fs.open(path.join(tmpDir, entryName), "wx", 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(record)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
    const seen = new Map<string, Seen>();
    const started = monotonic();
    let delay = 2;
    let btime: number | undefined | null = null;
    try {
      for (;;) {
        try {
          await fs.rename(tmpDir, lockDir);
          const entry = path.join(lockDir, entryName);
          const state = { entry, lost: false, timer: undefined as unknown as NodeJS.Timeout };
          state.timer = setInterval(() => {
            const t = new Date();
            fs.utimes(entry, t, t).catch(() => {
              state.lost = true;
            });
          }, heartbeatMs);
          state.timer.unref();
          return state;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw e;
          if (code === "ENOTDIR") {
            await legacyLock();
          } else {
            const v = await inspect();
            if (v.kind === "retry" || v.kind === "break") {
              delay = 2;
              continue;
            }
            if (v.kind === "timeout") throw v.error;
          }
          if (monotonic() - started > maxWaitMs)
            throw lockTimeout(target, lockDir, `still held after ${Math.round(maxWaitMs / 1000)} s`);
          await sleep(delay + Math.random() * delay);
          delay = Math.min(delay * 2, 50);
        }
      }
    } catch (e) {
      await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
      throw e;
    }

    /** Look at the current lock folder; remove a dead owner's entry (by name) when it is one. */
    async function inspect(): Promise<
      { kind: "retry" } | { kind: "break" } | { kind: "wait" } | { kind: "timeout"; error: PorticoError }
    > {
      let names: string[];
      try {
        names = await fs.readdir(lockDir);
      } catch {
        return { kind: "retry" };
      }
      if (names.length === 0) return { kind: "retry" };
      const now = monotonic();
      let verdict: { kind: "wait" } | { kind: "timeout"; error: PorticoError } | undefined;
      let broke = false;
      for (const name of names) {
        const file = path.join(lockDir, name);
        const o = await observe(file);
        if (!o) {
          broke = true; // vanished: released meanwhile
          continue;
        }
        let s = seen.get(name);
        if (!s) {
          s = { sig: o.sig, firstSeen: now, lastChange: now };
          seen.set(name, s);
        } else if (s.sig !== o.sig) {
          s.sig = o.sig;
          s.lastChange = now;
        }
        const record = name.startsWith("owner.") ? parseOwner(o.text) : undefined;
        let alive: boolean | undefined;
        if (record && pidExists(record.pid)) {
          const start = record.start === undefined ? undefined : await processStartTime(record.pid);
          alive = record.start === undefined || start === undefined || start === record.start;
        } else alive = false;
        if (record && record.boot !== me.boot && btime === null) btime = await bootTimeMs();
        const v = judge({
          record,
          me,
          alive,
          seen: s,
          now,
          wallAgeMs: Date.now() - o.mtimeMs,
          bootTimeMs: btime ?? undefined,
          timeoutMs,
          stallMs,
        });
        if (v.kind === "break") {
          // Removing by name removes exactly this entry; a successor's entry has another name.
          await fs.unlink(file).catch(() => {});
          seen.delete(name);
          broke = true;
        } else if (v.kind === "timeout") {
          verdict = { kind: "timeout", error: lockTimeout(target, lockDir, v.why, record?.host) };
        } else if (verdict === undefined) verdict = { kind: "wait" };
      }
      if (verdict?.kind === "timeout") return verdict;
      if (broke) return { kind: "break" };
      return verdict ?? { kind: "retry" };
    }

    /** `<target>.lock` as a plain file: a lock from an older portico ("pid\nISO time\n"). */
    async function legacyLock(): Promise<void> {
      const o = await observe(lockDir);
      if (!o) return;
      const now = monotonic();
      let s = seen.get("");
      if (!s || s.sig !== o.sig) {
        s = { sig: o.sig, firstSeen: now, lastChange: now };
        seen.set("", s);
      }
      const complete = o.text.includes("\n");
      const pid = Number.parseInt(o.text.split("\n")[0] ?? "", 10);
      const dead = complete
        ? !pidExists(pid)
        : Date.now() - o.mtimeMs > GARBAGE_MS || now - s.lastChange > GARBAGE_MS;
      if (dead) {
        // Rename it aside and check it is the one judged; put back anything else (older portico's rule).
        const grave = `${lockDir}.stale.${process.pid}.${nonce}`;
        try {
          await fs.rename(lockDir, grave);
        } catch {
          return;
        }
        const st = await fs.lstat(grave).catch(() => undefined);
        if (st && `${st.ino}` !== o.sig.split(":")[0]) await fs.link(grave, lockDir).catch(() => {});
        await fs.rm(grave, { recursive: true, force: true }).catch(() => {});
        return;
      }
      if (now - s.firstSeen > timeoutMs)
        throw lockTimeout(target, lockDir, `pid ${pid} (an older portico) keeps it`);
    }
  }
}

/**
 * The lock for a cache entry (role credentials, a token refresh): `withFileLock` with `optional`, so a
 * read-only or full ~/.aws runs `fn` unlocked (`held: false`) instead of failing — reading never
 * requires writing.
 */
export function withCacheLock<T>(
  target: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: Omit<LockOptions, "optional"> = {},
): Promise<T> {
  return withFileLock(target, fn, { ...options, optional: true });
}
