/**
 * A V8 code cache for the installed command's CommonJS bundles (dist/cli/launcher.cjs and the lean
 * bundles it loads): what Node ≥ 22 does itself with `module.enableCompileCache()`, which Node 20 does
 * not have. Compiling the bundles' functions is most of what a lean answer (`credential-process`,
 * `use`, `status`, `console --print`, `doctor`, `pick`) costs beyond Node's own start-up
 * (docs/benchmarks.md "Code cache"), so the first run of a command keeps V8's compiled code of each
 * bundle it loaded, taken when the process exits (so the functions that command ran are in it), and
 * later runs of that command start from it.
 *
 * An entry kept from a run the lean answer handed to the full CLI is partial (`.part.bin`) and replaced
 * by the first run that answers; so is one kept from a doctor run that is not an edit's, replaced by
 * the first edit's run.
 *
 * Where: `<os.tmpdir()>/portico-code-cache-<uid>/` (never under HOME: a HOME that is read-only,
 * missing or being tested stays untouched). Trusted only while it is a real folder (not a symlink)
 * owned by this user with no group or other access (0700): otherwise nothing is read or written
 * there. Entries are 0600 and written whole (temp file, then rename). An entry's name holds the
 * bundle's folder (hashed), name, command, size, mtime and inode, and Node's version and
 * architecture, so a rebuilt or upgraded bundle never meets an old entry; V8 checks its own version,
 * flags and the source length again and rejects what does not match (the entry is then rewritten).
 * The older entries of the same bundle are removed when a new one is written, and any entry written
 * more than 30 days ago (an install that is gone leaves its entries behind otherwise).
 * `PORTICO_NO_CODE_CACHE=1` (or `--debug`, whose source-mapped stack traces need Node's own loader)
 * turns it off; a platform without user ids (Windows) does not use it.
 */
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { fnv1aHex } from "./fnv";

/** The commands whose runs keep a cache of their own; every other command shares one. */
const OWN_CACHE = new Set(["credential-process", "use", "status", "console", "doctor", "pick"]);

export interface CodeCache {
  /** The cache folder (may not exist yet). */
  dir: string;
  /** Which command's compiled code this process keeps: its cache entries' middle name. */
  variant: string;
  /**
   * Set by the entry when the lean answer answered. An entry kept from a run that handed the command
   * to the full CLI (the first `status` before its index exists, say) lacks the answer's functions: it
   * is kept as a partial entry and replaced by the first run that answers. So is one kept from an
   * answer that skips most of the bundle's work (doctor from its cache, or a doctor read that is not an
   * edit's, src/cli/start.ts): replaced by the first run that does it (an edit's, which runs the parser,
   * the linter and the kept chunks' code).
   */
  answered: boolean;
}

/** The code cache for this process, or undefined when it is off. */
export function codeCacheFor(argv: string[], env: NodeJS.ProcessEnv): CodeCache | undefined {
  if (env["PORTICO_NO_CODE_CACHE"] || argv.includes("--debug")) return undefined;
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const cmd = argv[0] ?? "";
  return {
    dir: join(tmpdir(env), `portico-code-cache-${uid}`),
    variant: OWN_CACHE.has(cmd) ? cmd : "cli",
    answered: false,
  };
}

/**
 * `os.tmpdir()` on POSIX, as Node documents it (TMPDIR, TMP, TEMP, else /tmp; no trailing slash),
 * without loading node:os on every start.
 */
function tmpdir(env: NodeJS.ProcessEnv): string {
  const t = env["TMPDIR"] || env["TMP"] || env["TEMP"] || "/tmp";
  return t.length > 1 && t.endsWith("/") ? t.slice(0, -1) : t;
}

/** A real folder of this user's that nobody else can write to or list. */
function trusted(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Entries of other bundles older than this are removed when an entry is written (30 days). */
const STALE_MS = 30 * 24 * 3_600_000;

const WRAP_HEAD = "(function (exports, require, module, __filename, __dirname) {\n";

/**
 * `require(file)` for a self-contained CommonJS bundle (it requires only Node's built-in modules,
 * through `parent`), compiled from its cache entry when there is a valid one.
 */
export function requireCached(file: string, cache: CodeCache | undefined, parent: NodeJS.Require): unknown {
  if (!cache) return parent(file);
  const fd = openSync(file, "r");
  let st: Stats;
  let source: string;
  try {
    st = fstatSync(fd);
    source = readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
  const dir = dirname(file);
  const prefix = `${fnv1aHex(dir)}.${basename(file, ".cjs")}.${cache.variant}.`;
  const name = `${prefix}${[st.size, Math.trunc(st.mtimeMs), st.ino].map((n) => n.toString(36)).join("-")}.${process.version}-${process.arch}.bin`;
  const partial = name.replace(/\.bin$/, ".part.bin");
  let cachedData: Buffer | undefined;
  let fromPartial = false;
  if (trusted(cache.dir)) {
    for (const n of [name, partial]) {
      try {
        cachedData = readFileSync(join(cache.dir, n));
        fromPartial = n === partial;
        break;
      } catch {
        // not there: the partial one, or none
      }
    }
  }
  // The header on a line of its own (lineOffset -1): stack traces keep the bundle's line numbers.
  const script = new Script(`${WRAP_HEAD}${source}\n})`, { filename: file, lineOffset: -1, cachedData });
  const missing = cachedData === undefined || script.cachedDataRejected === true;
  if (missing || fromPartial)
    process.once("exit", () => {
      if (cache.answered) save(cache.dir, prefix, name, script);
      else if (missing) save(cache.dir, prefix, partial, script);
    });
  const mod = { exports: {} as unknown, id: file, filename: file, loaded: false };
  (script.runInThisContext() as (...a: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    parent,
    mod,
    file,
    dir,
  );
  mod.loaded = true;
  return mod.exports;
}

/** Keep the script's compiled code (at exit: with every function this run compiled). Never throws. */
function save(dir: string, prefix: string, name: string, script: Script): void {
  try {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch {
      // it exists (checked next) or cannot be made (then no cache)
    }
    if (!trusted(dir)) return;
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600, flag: "wx" });
    renameSync(tmp, join(dir, name));
    const now = Date.now();
    for (const other of readdirSync(dir)) {
      if (other === name) continue;
      const p = join(dir, other);
      if (other.startsWith(prefix)) {
        // another process's temp file is left alone while it may still be writing it
        if (other.endsWith(".tmp") && now - lstatSync(p).mtimeMs < 60_000) continue;
        rmSync(p, { force: true });
      } else if (now - lstatSync(p).mtimeMs > STALE_MS) {
        // another bundle's, written long ago: most likely an install that is gone (a live one writes
        // its entry again on its next start)
        rmSync(p, { force: true });
      }
    }
  } catch {
    // no cache this time: the next start compiles again
  }
}
