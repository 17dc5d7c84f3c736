/**
 * The status index: a `StatusSummary` (src/status/report.ts) kept beside the fast-path index
 * (`~/.aws/portico/fast-path/status-<hash>.idx`, 0600 in a 0700 folder), valid only while the config
 * and credentials files keep the device, inode, size, mtime and ctime it was built from, and written
 * only for files last changed more than 2 s ago — the fast-path index's rule (src/credentials/fast-path.ts).
 * Also the synchronous readers both paths use (`syncStatusIo`).
 *
 * Built so the lean `status` reads a few hundred bytes of it, whatever the number of profiles, and
 * computes no sha1 (cold code is interpreted: every step costs; docs/benchmarks.md "Switching"):
 * - a first line `portico-status-index 2 <header> <keys> <names> <lines>` (the byte lengths of the
 *   four parts that follow, which must add up to the file's size);
 * - the header, JSON: both files' paths and identities, the sessions, and each session's token file
 *   name (the sha1 of its cache key, docs/reference.md §2.1);
 * - the key table: per profile with a role-credential cache key, 12 bytes — the key's first 8 bytes
 *   (of its 40 hex digits) and the offset of the profile's line — sorted, for a binary search;
 * - the name table: per profile, 8 bytes — fnv1a of the name (src/platform/fnv.ts) and the offset —
 *   sorted;
 * - one line per profile, `<cache key or ->\t<JSON [profile, ordinal, accountId, roleName, sso]>`.
 * A table hit is only a candidate: the line it points to must hold the full key or the exact name.
 * The file is named by fnv1a of both paths; the header's paths must match them too.
 */
import type { AwsPaths } from "../config/paths";
import { isFresh, parseCacheEntry } from "../credentials/cache-format";
import { FAST_PATH_INDEX_DIR, readRegular, readText, sha1Hex } from "../credentials/fast-path";
import { builtin } from "../platform/builtin";
import { type FileId, sameId, statId } from "../platform/file-identity";
import { fnv1a, fnv1aHex } from "../platform/fnv";
import type { SsoSession } from "../sso/session";
import { parseToken } from "../sso/token-format";
import type { StatusIo, StatusSummary, SummaryProfile } from "./report";

const MAGIC = "portico-status-index";

interface Header {
  v: 2;
  paths: [string, string];
  config: FileId;
  credentials: FileId | null;
  sessions: SsoSession[];
  /** sha1 hex of each session's cache key (its token file's name), in `sessions` order. */
  tokenFiles: string[];
}

const fs = () => builtin<typeof import("node:fs")>("node:fs");

export function statusIndexFile(paths: AwsPaths): string {
  const both = `${paths.configFile}\n${paths.credentialsFile}`;
  return `${paths.awsDir}/${FAST_PATH_INDEX_DIR.join("/")}/status-${fnv1aHex(both)}${fnv1aHex(both, 0x2e0c3f5b)}.idx`;
}

/** The summary of profiles held in memory (the full path). */
export function memorySummary(sessions: SsoSession[], profiles: SummaryProfile[]): StatusSummary {
  const byKey = new Map<string, SummaryProfile[]>();
  const byName = new Map<string, SummaryProfile>();
  for (const p of profiles) {
    byName.set(p.profile, p);
    if (p.key !== null) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  }
  return {
    sessions,
    tokenFiles: sessions.map((s) => sha1Hex(s.cacheKey)),
    byKey: (k) => byKey.get(k) ?? [],
    byProfile: (n) => byName.get(n),
  };
}

/** The index file's bytes for these files' identities, sessions and profiles. */
export function serializeSummary(
  paths: AwsPaths,
  ids: { config: FileId; credentials: FileId | null },
  sessions: SsoSession[],
  profiles: SummaryProfile[],
): Buffer {
  const header: Header = {
    v: 2,
    paths: [paths.configFile, paths.credentialsFile],
    ...ids,
    sessions,
    tokenFiles: sessions.map((s) => sha1Hex(s.cacheKey)),
  };
  const lines: Buffer[] = [];
  const keyed: [Buffer, number][] = [];
  const named: [number, number][] = [];
  let at = 0;
  for (const p of profiles) {
    const line = Buffer.from(
      `${p.key ?? "-"}\t${JSON.stringify([p.profile, p.ordinal, p.accountId, p.roleName, p.sso])}\n`,
      "utf8",
    );
    if (p.key !== null) keyed.push([Buffer.from(p.key.slice(0, 16), "hex"), at]);
    named.push([fnv1a(p.profile), at]);
    lines.push(line);
    at += line.length;
  }
  keyed.sort((a, b) => Buffer.compare(a[0], b[0]) || a[1] - b[1]);
  named.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const keys = Buffer.alloc(keyed.length * 12);
  keyed.forEach(([k, off], i) => {
    k.copy(keys, i * 12);
    keys.writeUInt32BE(off, i * 12 + 8);
  });
  const names = Buffer.alloc(named.length * 8);
  named.forEach(([h, off], i) => {
    names.writeUInt32BE(h, i * 8);
    names.writeUInt32BE(off, i * 8 + 4);
  });
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const first = Buffer.from(`${MAGIC} 2 ${head.length} ${keys.length} ${names.length} ${at}\n`, "latin1");
  return Buffer.concat([first, head, keys, names, ...lines]);
}

const isStr = (x: unknown): x is string => typeof x === "string";

const utf8 = (b: Uint8Array): string => new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);

/** A profile line (without its newline), or undefined when it is not one. */
function entryOf(line: string): SummaryProfile | undefined {
  const tab = line.indexOf("\t");
  if (tab < 0) return undefined;
  const key = line.slice(0, tab);
  const a = JSON.parse(line.slice(tab + 1)) as unknown[];
  const sso = a[4];
  if (!isStr(a[0]) || typeof a[1] !== "number" || !isStr(a[2]) || !isStr(a[3])) return undefined;
  if (!(sso === null || (Array.isArray(sso) && (sso[0] === null || isStr(sso[0])) && isStr(sso[1]))))
    return undefined;
  return {
    profile: a[0],
    ordinal: a[1],
    key: key === "-" ? null : key,
    accountId: a[2],
    roleName: a[3],
    sso: sso as SummaryProfile["sso"],
  };
}

/** The index summary; `close` releases the file (the lean path reads it lazily, by offset). */
export type IndexSummary = StatusSummary & { close(): void };

/**
 * The status index for these files, if it was built from exactly their current versions; undefined
 * otherwise (missing, stale, torn or foreign: the full path runs and rebuilds it). Only the first line
 * and the header are read here; `byKey` reads the key table (once) and `byProfile` the name table,
 * each profile's line by its offset. A part that turns out inconsistent throws (the lean path then
 * declines).
 */
export function readStatusIndex(paths: AwsPaths): IndexSummary | undefined {
  const cfgId = statId(paths.configFile);
  const credId = statId(paths.credentialsFile);
  if (!cfgId || credId === undefined) return undefined;
  const f = fs();
  let fd: number;
  try {
    fd = f.openSync(statusIndexFile(paths), f.constants.O_RDONLY | f.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  let open = true;
  const close = () => {
    if (open) f.closeSync(fd);
    open = false;
  };
  const read = (pos: number, len: number): Buffer => {
    const b = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = f.readSync(fd, b, got, len - got, pos + got);
      if (n === 0) throw new Error("status index shorter than it says");
      got += n;
    }
    return b;
  };
  try {
    const st = f.fstatSync(fd);
    if (!st.isFile()) throw new Error("not a file");
    const start = read(0, Math.min(st.size, 128));
    const nl = start.indexOf(0x0a);
    const words = start.toString("latin1", 0, Math.max(nl, 0)).split(" ");
    if (words.length !== 6 || words[0] !== MAGIC || words[1] !== "2") throw new Error("not a v2 index");
    const [headLen, keysLen, namesLen, linesLen] = words.slice(2).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const headAt = nl + 1;
    const keysAt = headAt + headLen;
    const namesAt = keysAt + keysLen;
    const linesAt = namesAt + namesLen;
    if (
      ![headLen, keysLen, namesLen, linesLen].every(Number.isSafeInteger) ||
      keysLen % 12 !== 0 ||
      namesLen % 8 !== 0 ||
      linesAt + linesLen !== st.size
    )
      throw new Error("status index parts do not add up");
    const header = JSON.parse(utf8(read(headAt, headLen))) as Header;
    if (
      header.v !== 2 ||
      !Array.isArray(header.sessions) ||
      !Array.isArray(header.tokenFiles) ||
      header.tokenFiles.length !== header.sessions.length ||
      !Array.isArray(header.paths) ||
      header.paths[0] !== paths.configFile ||
      header.paths[1] !== paths.credentialsFile ||
      !sameId(header.config, cfgId) ||
      !sameId(header.credentials, credId)
    )
      throw new Error("status index for other files");
    const lineAt = (off: number): SummaryProfile | undefined => {
      if (off >= linesLen) throw new Error("status index offset out of range");
      let len = Math.min(512, linesLen - off);
      for (;;) {
        const b = read(linesAt + off, len);
        const end = b.indexOf(0x0a);
        if (end >= 0) return entryOf(utf8(b.subarray(0, end)));
        if (len === linesLen - off) throw new Error("status index line without its end");
        len = Math.min(len * 4, linesLen - off);
      }
    };
    let keys: Buffer | undefined;
    const byKey = (key: string): SummaryProfile[] => {
      keys ??= read(keysAt, keysLen);
      const want = Buffer.from(key.slice(0, 16), "hex");
      if (want.length !== 8) return [];
      let lo = 0;
      let hi = keysLen / 12;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys.compare(want, 0, 8, mid * 12, mid * 12 + 8) > 0) hi = mid;
        else lo = mid + 1;
      }
      // lo: the first record above `want`; the equal ones run back from it
      const out: SummaryProfile[] = [];
      for (let i = lo - 1; i >= 0 && keys.compare(want, 0, 8, i * 12, i * 12 + 8) === 0; i--) {
        const e = lineAt(keys.readUInt32BE(i * 12 + 8));
        if (e?.key === key) out.unshift(e);
      }
      return out;
    };
    let names: Buffer | undefined;
    const byProfile = (name: string): SummaryProfile | undefined => {
      names ??= read(namesAt, namesLen);
      const h = fnv1a(name);
      let lo = 0;
      let hi = namesLen / 8;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (names.readUInt32BE(mid * 8) < h) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < namesLen / 8 && names.readUInt32BE(i * 8) === h; i++) {
        const e = lineAt(names.readUInt32BE(i * 8 + 4));
        if (e?.profile === name) return e;
      }
      return undefined;
    };
    return { sessions: header.sessions, tokenFiles: header.tokenFiles, byKey, byProfile, close };
  } catch {
    close();
    return undefined;
  }
}

/** The readers of the live files, synchronous and for regular files only (a FIFO never blocks). */
export function syncStatusIo(paths: AwsPaths): StatusIo {
  return {
    readToken(file) {
      const r = readRegular(`${paths.ssoCacheDir}/${file}.json`);
      if (r === null) return { status: "missing" };
      if (r === undefined) return { status: "malformed", reason: "unreadable" };
      return parseToken(r.text);
    },
    cacheFiles() {
      try {
        return builtin<typeof import("node:fs")>("node:fs").readdirSync(paths.cliCacheDir);
      } catch {
        return [];
      }
    },
    readRoleCredentials(key) {
      const text = readText(`${paths.cliCacheDir}/${key}.json`);
      return text === undefined ? undefined : parseCacheEntry(text);
    },
    isFresh: (creds, now) => isFresh(creds, now),
  };
}
