/**
 * The doctor cache (docs/doctor.md "Cache"), in portico's state folder `~/.aws/portico/doctor/`
 * (0600 files, 0700 folder, atomic writes):
 * - content facts (types.ts ContentFacts: lint and the profile-level checks that depend only on the
 *   files' text), keyed by both files' paths and identity (device, inode, size, mtime ns, ctime ns —
 *   ctime cannot be set by user tools) and portico's version;
 * - tool probes (`aws --version`, python3's boto3/botocore), keyed by the executable's resolved path
 *   and identity, the environment variables that change what a shim runs, and for scripts (shims)
 *   the working folder and the version-manager's global version file; at most a day old.
 * - the chunks' analyses of the config file (chunks.ts), kept with the bytes they are of, so the first
 *   run after an edit analyses only the chunks that changed.
 * The first two are written only for files last changed more than 2 s ago (the fast-path index's rule,
 * docs/architecture.md), so a change within one timestamp tick of the read cannot go unnoticed.
 * Nothing time-dependent is kept (tokens, the environment checks): those are judged on every run.
 * Any unreadable, foreign or mismatching entry is a miss; an unwritable folder means no cache.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AwsPaths } from "../config/paths";
import { writeIndexFile } from "../credentials/fast-path";
import { type FileId, sameId, settled, statId } from "../platform/file-identity";
import { sha1Hex } from "../platform/sha1";
import { BLOCK, type ChunkStore, type Common, commonBytes } from "./chunks";
import type { ContentFacts, ToolFact } from "./types";

declare const PORTICO_VERSION: string | undefined;
/** portico's version (the build defines it); a new version never reads an old version's cache. */
export const porticoVersion: string = typeof PORTICO_VERSION === "string" ? PORTICO_VERSION : "0.0.0-dev";

/** Tool probes older than this are asked again (what a shim runs can change without any file we watch changing). */
export const TOOL_MAX_AGE_MS = 24 * 3600_000;

/** A file's identity (following links; any kind of file); null when it does not exist or cannot be looked at. */
export const fileIdentity = (p: string): FileId | null => statId(p, true) ?? null;

export const cacheDir = (paths: Pick<AwsPaths, "awsDir">): string =>
  path.join(paths.awsDir, "portico", "doctor");

const sha1 = sha1Hex;

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > 64 << 20) return undefined;
    const x = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    return typeof x === "object" && x !== null && !Array.isArray(x)
      ? (x as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written whole (temp + rename, 0600 in a 0700 folder), synchronously and without fsync: a cache
 * entry a crash cuts short does not parse or match, so it is a miss. An unwritable state folder
 * (read-only HOME, full disk) only means no cache.
 */
function writeJson(file: string, value: unknown): void {
  writeIndexFile(file, JSON.stringify(value));
}

// ------------------------------------------------------------------------------------------- content

interface ContentRecord {
  v: 1;
  portico: string;
  /** The key: paths as resolved and as shown, and both files' identity. */
  files: [string, string, string, string];
  config: FileId | null;
  credentials: FileId | null;
  content: ContentFacts;
}

/** The name of this pair of files in the doctor cache's file names (hashed once per process). */
const pairNames = new Map<string, string>();
function pairName(paths: AwsPaths): string {
  const key = JSON.stringify([paths.configFile, paths.credentialsFile]);
  let n = pairNames.get(key);
  if (n === undefined) {
    n = sha1(key);
    pairNames.set(key, n);
  }
  return n;
}

/** Where the content facts of this pair of files are kept. */
const contentFile = (paths: AwsPaths): string => path.join(cacheDir(paths), `files-${pairName(paths)}.json`);

const filesKey = (paths: AwsPaths): ContentRecord["files"] => [
  paths.configFile,
  paths.credentialsFile,
  paths.configFileDisplay,
  paths.credentialsFileDisplay,
];

export interface FilesIdentity {
  config: FileId | null;
  credentials: FileId | null;
}

export const filesIdentity = (paths: AwsPaths): FilesIdentity => ({
  config: fileIdentity(paths.configFile),
  credentials: fileIdentity(paths.credentialsFile),
});

/** The cached content facts when both files are exactly as when they were computed; else undefined. */
export function readContentCache(paths: AwsPaths, id: FilesIdentity): ContentFacts | undefined {
  const r = readJson(contentFile(paths));
  if (r?.["v"] !== 1 || r["portico"] !== porticoVersion) return undefined;
  if (JSON.stringify(r["files"]) !== JSON.stringify(filesKey(paths))) return undefined;
  if (!sameId(r["config"] as FileId, id.config) || !sameId(r["credentials"] as FileId, id.credentials))
    return undefined;
  return keptContent(r["content"]);
}

/** Content facts as kept (the content cache, the chunk store's), or undefined when not of that shape. */
function keptContent(x: unknown): ContentFacts | undefined {
  const c = x as ContentFacts | undefined;
  if (typeof c !== "object" || c === null || typeof c.selected !== "object" || !Array.isArray(c.sessions))
    return undefined;
  return c.sessions.every((s) => typeof s?.tokenName === "string") ? c : undefined;
}

/**
 * Keep the content facts computed from files of identity `id` (read before they were read), merging
 * the selections an earlier run of the same files computed. Skipped unless both files are settled.
 */
export async function writeContentCache(
  paths: AwsPaths,
  id: FilesIdentity,
  content: ContentFacts,
  nowMs: number,
): Promise<void> {
  if (!settled(id.config, nowMs) || !settled(id.credentials, nowMs)) return;
  // The files must still be what was read: an edit between the stat and the read is not kept.
  const after = filesIdentity(paths);
  if (!sameId(after.config, id.config) || !sameId(after.credentials, id.credentials)) return;
  const earlier = readContentCache(paths, id);
  const selected = { ...(earlier?.selected ?? {}), ...content.selected };
  // Bounded: the most recent 32 selections.
  const keys = Object.keys(selected);
  for (const k of keys.slice(0, Math.max(0, keys.length - 32))) delete selected[k];
  const rec: ContentRecord = {
    v: 1,
    portico: porticoVersion,
    files: filesKey(paths),
    config: id.config,
    credentials: id.credentials,
    content: { ...content, selected },
  };
  writeJson(contentFile(paths), rec);
}

// ------------------------------------------------------------------------------------------- chunks

/**
 * The chunks' analyses of the last config file read (chunks.ts ChunkStore) for the same pair of paths
 * and portico's version. Two files, 0600 like everything here (they hold a copy of the config file,
 * which may hold keys), each written whole (temp file, then rename):
 * - `chunks-<paths>.<writer>.base`: the config file's bytes as some run read them;
 * - `chunks-<paths>.bin`: a first line with the parts' lengths, then the store's small fields and
 *   content facts as JSON (with the base's name and identity), the chunk records as chunks.ts
 *   keeps them (a table of numbers and each chunk's JSON, parsed only when asked for),
 *   the marks, and a patch: the kept bytes are the base's first `at` bytes, the patch, and the base
 *   from `cut` on. An edit's run writes this file only (its patch: what differs from the base, from the
 *   first difference to the last); a new base is written when the patch would pass PATCH_MAX, on a
 *   first run, or after a text that is not ASCII was compared.
 * The kept bytes stay in the files, compared a block at a time (read whole only for a text that is not
 * ASCII). Keyed by content, so no 2-second rule: the analyses are right for the bytes kept with them.
 */
const chunksFile = (paths: AwsPaths): string => path.join(cacheDir(paths), `chunks-${pairName(paths)}.bin`);

const DATA_HEAD = "portico-chunks 5";

/** The largest patch kept over a base (beyond it, the bytes are written as a new base). */
const PATCH_MAX = 1 << 18;

interface Base {
  /** The base file's name in the cache folder, and its identity when written. */
  name: string;
  id: FileId;
  size: number;
  at: number;
  cut: number;
}

/** Where the kept bytes of each store read from the files are (the next write patches its base). */
const bases = new WeakMap<ChunkStore, { base: Base; patch: Buffer }>();

export function readChunkStore(paths: AwsPaths): ChunkStore | undefined {
  const dataFile = chunksFile(paths);
  let fd: number | undefined;
  try {
    if (!fs.lstatSync(dataFile).isFile()) return undefined;
    fd = fs.openSync(dataFile, "r");
    const size = fs.fstatSync(fd).size;
    const first = Buffer.allocUnsafe(Math.min(size, 256));
    const got = fs.readSync(fd, first, 0, first.length, 0);
    const nl = first.subarray(0, got).indexOf(10);
    if (nl < 0) return undefined;
    const head = first.toString("latin1", 0, nl).split(" ");
    if (head.length !== 7 || `${head[0]} ${head[1]}` !== DATA_HEAD) return undefined;
    const lengths = head.slice(2).map(Number);
    if (!lengths.every((x) => Number.isSafeInteger(x) && x >= 0)) return undefined;
    const [fieldsLen, cols, jsonLen, marksLen, patchLen] = lengths as [
      number,
      number,
      number,
      number,
      number,
    ];
    const at = nl + 1;
    if (at + fieldsLen + cols * 4 + jsonLen + marksLen * 4 + patchLen !== size) return undefined;
    const meta = Buffer.allocUnsafe(size - at);
    if (fs.readSync(fd, meta, 0, meta.length, at) !== meta.length) return undefined;
    const r = JSON.parse(meta.toString("utf8", 0, fieldsLen)) as Record<string, unknown>;
    if (r["portico"] !== porticoVersion) return undefined;
    if (JSON.stringify(r["files"]) !== JSON.stringify(filesKey(paths))) return undefined;
    type Kept = Omit<ChunkStore, "bytes" | "size" | "common" | "marks" | "table">;
    const s = r["store"] as Kept | undefined;
    if (typeof s !== "object" || s === null || s.v !== 7) return undefined;
    if (s.content !== undefined && !keptContent(s.content)) return undefined;
    const base = r["base"] as Base | undefined;
    const prefix = `${path.basename(dataFile, ".bin")}.`;
    if (
      typeof base?.name !== "string" ||
      base.name.includes("/") ||
      !base.name.startsWith(prefix) ||
      ![base.size, base.at, base.cut].every((x) => Number.isSafeInteger(x)) ||
      !(0 <= base.at && base.at <= base.cut && base.cut <= base.size)
    )
      return undefined;
    const baseFile = path.join(cacheDir(paths), base.name);
    const id = fileIdentity(baseFile);
    if (!id || !sameId(id, base.id) || Number(id.size) !== base.size) return undefined;
    // (Copied into typed arrays of their own: the numbers need 4-byte alignment.)
    const jsonAt = fieldsLen + cols * 4;
    const marksAt = jsonAt + jsonLen;
    const table = new Uint32Array(cols);
    Buffer.from(table.buffer).set(meta.subarray(fieldsLen, jsonAt));
    const json = meta.subarray(jsonAt, marksAt);
    const marks = new Uint32Array(marksLen);
    Buffer.from(marks.buffer).set(meta.subarray(marksAt, marksAt + marksLen * 4));
    const patch = meta.subarray(marksAt + marksLen * 4);
    const kept = base.at + patch.length + (base.size - base.cut);
    const records = { cols: table, json };
    const store: ChunkStore = {
      ...s,
      size: kept,
      bytes: () => {
        const b = fs.readFileSync(baseFile);
        return Buffer.concat([b.subarray(0, base.at), patch, b.subarray(base.cut)]);
      },
      common: (now) => compareKept(baseFile, base, patch, now),
      marks,
      table: () => records,
    };
    bases.set(store, { base, patch });
    return store;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * chunks.ts commonBytes of the kept bytes (the base's first `at`, the patch, the base from `cut`) and
 * `now`, one reused block buffer (never the base whole in memory).
 */
function compareKept(baseFile: string, base: Base, patch: Buffer, now: Buffer): Common {
  const size = base.at + patch.length + (base.size - base.cut);
  const buf = Buffer.allocUnsafe(Math.min(BLOCK, size));
  let fd: number | undefined;
  try {
    fd = fs.openSync(baseFile, "r");
    const f = fd;
    /** Bytes [o, o + n) of the kept bytes into buf at `to`; how many there were. */
    const fill = (o: number, n: number, to: number): number => {
      let got = 0;
      while (got < n) {
        const x = o + got;
        let k: number;
        if (x < base.at) k = fs.readSync(f, buf, to + got, Math.min(n - got, base.at - x), x);
        else if (x < base.at + patch.length)
          k = patch.copy(buf, to + got, x - base.at, Math.min(patch.length, x - base.at + n - got));
        else k = fs.readSync(f, buf, to + got, n - got, base.cut + (x - base.at - patch.length));
        if (k === 0) break;
        got += k;
      }
      return got;
    };
    return commonBytes(size, (o, n) => buf.subarray(0, fill(o, n, 0)), now);
  } catch {
    return { start: 0, end: 0 }; // unreadable: nothing in common, every chunk analysed again
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Keep `store`: as a patch over the base of the store it was compared with, when small, else a new base. */
export const writeChunkStore = (paths: AwsPaths, store: ChunkStore): Promise<void> =>
  writeStore(paths, store, false);

/** writeChunkStore; `again`: this is the write of a patch's bytes as a new base (once). */
async function writeStore(paths: AwsPaths, store: ChunkStore, again: boolean): Promise<void> {
  const { bytes, size: _size, common: _common, marks, table, against, ...rest } = store;
  const now = bytes();
  const from = against ? bases.get(against.store) : undefined;
  let base: Base | undefined;
  let patch = now.subarray(0, 0);
  if (from && against) {
    // What `now` shares with the kept bytes' start (up to the patch) and end (after it) is the base's;
    // kept bytes that are the base itself (no patch) share any start and end with it.
    const whole = from.patch.length === 0 && from.base.at === from.base.cut;
    const at = whole ? against.common.start : Math.min(against.common.start, from.base.at);
    const end = whole ? against.common.end : Math.min(against.common.end, from.base.size - from.base.cut);
    if (now.length - end - at <= PATCH_MAX) {
      base = { ...from.base, at, cut: from.base.size - end };
      patch = now.subarray(at, now.length - end);
    }
  }
  if (!base) {
    const name = `${path.basename(chunksFile(paths), ".bin")}.${process.pid.toString(36)}-${Date.now().toString(36)}.base`;
    const file = path.join(cacheDir(paths), name);
    const id = writeIndexFile(file, [now]) ? fileIdentity(file) : null;
    if (!id) return;
    base = { name, id, size: now.length, at: now.length, cut: now.length };
  }
  const { cols, json } = table();
  const fields = Buffer.from(
    JSON.stringify({ portico: porticoVersion, files: filesKey(paths), store: rest, base }),
    "utf8",
  );
  const head = Buffer.from(
    `${DATA_HEAD} ${fields.length} ${cols.length} ${json.length} ${marks.length} ${patch.length}\n`,
    "latin1",
  );
  const asBytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const kept = writeIndexFile(chunksFile(paths), [head, fields, asBytes(cols), json, asBytes(marks), patch]);
  // The old store (and its base) stay when this one could not be written.
  if (!kept) return;
  const dir = cacheDir(paths);
  if (from?.base.name === base.name) {
    // A patch over the base it read: another doctor that wrote a new base since may have removed this
    // one (its clean-up, below); then these bytes are written as a base of their own after all.
    if (!again && !sameId(fileIdentity(path.join(dir, base.name)), base.id))
      await writeStore(paths, { ...store, against: undefined }, true);
    return;
  }
  // A new base: the others (of earlier writes) go, but not the one the store on disk now names (a
  // patch another doctor wrote over its base since this store was written).
  const current = readChunkStore(paths);
  const named = current ? bases.get(current)?.base.name : undefined;
  const prefix = `${path.basename(chunksFile(paths), ".bin")}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // a folder that cannot be listed keeps old bases: never read again
  }
  for (const n of names)
    if (n !== base.name && n !== named && n.startsWith(prefix) && n.endsWith(".base"))
      try {
        fs.unlinkSync(path.join(dir, n));
      } catch {
        // gone already (another doctor's clean-up), or not ours to remove
      }
}

// ------------------------------------------------------------------------------------------- tools

/** Variables that change what a version-manager shim or a Python runs (pyenv, asdf, venv, conda). */
export const SHIM_ENV = [
  "PATH",
  "PYENV_VERSION",
  "PYENV_ROOT",
  "PYENV_DIR",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "CONDA_DEFAULT_ENV",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONNOUSERSITE",
  "ASDF_PYTHON_VERSION",
  "ASDF_AWSCLI_VERSION",
  "ASDF_DATA_DIR",
  "ASDF_DIR",
  "AWS_DATA_PATH",
] as const;

export interface ToolProbe {
  /** What it was probed as: `aws` (`--version`) or `python3` (boto3/botocore). */
  kind: "aws" | "python3";
  /** The path found on PATH. */
  path: string;
}

/** The key of a probe: what a later run must see unchanged to reuse the answer (undefined: never cache). */
export function probeKey(p: ToolProbe, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync.native(p.path);
  } catch {
    return undefined;
  }
  const id = fileIdentity(real);
  if (!id) return undefined;
  const parts: unknown[] = [p.kind, p.path, real, id, SHIM_ENV.map((k) => env[k] ?? null)];
  // A script (a pyenv/asdf shim) picks its target from the working folder's version files and the
  // global version file: key on the folder, and on the global files' identity.
  if (isScript(real)) {
    const home = env["HOME"] ?? "";
    const pyenvRoot = env["PYENV_ROOT"] ?? path.join(home, ".pyenv");
    parts.push(
      cwd,
      fileIdentity(path.join(pyenvRoot, "version")),
      fileIdentity(path.join(home, ".tool-versions")),
      versionFiles(cwd),
    );
  }
  return JSON.stringify(parts);
}

/** A file that starts with `#!`. */
function isScript(p: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, "r");
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x23 && b[1] === 0x21;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The identity of each `.python-version` / `.tool-versions` from `cwd` up to the root. */
function versionFiles(cwd: string): (FileId | null)[] {
  const out: (FileId | null)[] = [];
  for (let d = cwd; ; d = path.dirname(d)) {
    out.push(fileIdentity(path.join(d, ".python-version")), fileIdentity(path.join(d, ".tool-versions")));
    if (path.dirname(d) === d) break;
  }
  return out;
}

interface ToolRecord {
  v: 1;
  portico: string;
  entries: Record<string, { at: number; value: unknown; watch?: [string, FileId | null][] }>;
}

const toolsFile = (paths: Pick<AwsPaths, "awsDir">) => path.join(cacheDir(paths), "tools.json");

export function readToolCache(paths: Pick<AwsPaths, "awsDir">): ToolRecord["entries"] {
  const r = readJson(toolsFile(paths));
  if (r?.["v"] !== 1 || r["portico"] !== porticoVersion) return {};
  const e = r["entries"];
  return typeof e === "object" && e !== null ? (e as ToolRecord["entries"]) : {};
}

/**
 * The cached answer for `key`: younger than a day, and every watched path (e.g. python's
 * site-packages folders, whose mtime changes when a package is installed or removed) unchanged.
 */
export function cachedProbe<T>(entries: ToolRecord["entries"], key: string, nowMs: number): T | undefined {
  const e = entries[key];
  if (!e || typeof e.at !== "number" || nowMs - e.at > TOOL_MAX_AGE_MS || nowMs < e.at) return undefined;
  for (const [p, id] of e.watch ?? []) if (!sameId(fileIdentity(p), id)) return undefined;
  return e.value as T;
}

/**
 * A probe's answer to keep: of an executable (`exe`, kept once it is settled), or of files only (the
 * project's Node SDK: kept once every watched file that exists is settled).
 */
export interface FreshProbe {
  key: string;
  value: unknown;
  watch?: string[];
  exe?: string;
}

/**
 * Keep new probe answers (merged with the others; the 32 most recent kept, and apart from them the 16
 * most recent working folders' Node SDK, so many folders never push out an executable's answer).
 */
export async function writeToolCache(
  paths: Pick<AwsPaths, "awsDir">,
  fresh: FreshProbe[],
  nowMs: number,
): Promise<void> {
  const keep = fresh.filter((f) => {
    try {
      if (f.exe !== undefined) return settled(fileIdentity(fs.realpathSync.native(f.exe)), nowMs);
      return (f.watch ?? []).every((p) => {
        const id = fileIdentity(p);
        return id === null || settled(id, nowMs);
      });
    } catch {
      return false;
    }
  });
  if (keep.length === 0) return;
  const entries = { ...readToolCache(paths) };
  for (const f of keep)
    entries[f.key] = {
      at: nowMs,
      value: f.value,
      ...(f.watch ? { watch: f.watch.map((p): [string, FileId | null] => [p, fileIdentity(p)]) } : {}),
    };
  const sorted = Object.entries(entries).sort((a, b) => b[1].at - a[1].at);
  const isNode = (k: string) => k.startsWith('["node-sdk",');
  const kept = [
    ...sorted.filter(([k]) => !isNode(k)).slice(0, 32),
    ...sorted.filter(([k]) => isNode(k)).slice(0, 16),
  ];
  const rec: ToolRecord = { v: 1, portico: porticoVersion, entries: Object.fromEntries(kept) };
  writeJson(toolsFile(paths), rec);
}

export type { ToolFact };
