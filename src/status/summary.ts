/**
 * The status index: a `StatusSummary` (src/status/report.ts) kept beside the fast-path index
 * (`~/.aws/portico/fast-path/status-<sha1>.txt`, 0600 in a 0700 folder), valid only while the config
 * and credentials files keep the device, inode, size, mtime and ctime it was built from, and written
 * only for files last changed more than 2 s ago — the fast-path index's rule (src/credentials/fast-path.ts).
 * Format: a JSON header line (version, both files' identities, the sessions), then one line per
 * profile, `<cache key or ->\t<JSON [profile, ordinal, accountId, roleName, sso]>`, so the lean
 * `status` finds the few profiles it needs with a string search instead of parsing 21,000 entries.
 * Also the synchronous readers both paths use (`syncStatusIo`).
 */
import type { AwsPaths } from "../config/paths";
import { isFresh, parseCacheEntry } from "../credentials/cache-format";
import {
  FAST_PATH_INDEX_DIR,
  readRegular,
  readRegularBytes,
  readText,
  sha1Hex,
} from "../credentials/fast-path";
import { builtin } from "../platform/builtin";
import { type FileId, sameId, statId } from "../platform/file-identity";
import type { SsoSession } from "../sso/session";
import { parseToken } from "../sso/token-format";
import type { StatusIo, StatusSummary, SummaryProfile } from "./report";

interface Header {
  v: 1;
  config: FileId;
  credentials: FileId | null;
  sessions: SsoSession[];
}

export function statusIndexFile(paths: AwsPaths): string {
  const key = sha1Hex(JSON.stringify([paths.configFile, paths.credentialsFile]));
  return `${paths.awsDir}/${FAST_PATH_INDEX_DIR.join("/")}/status-${key}.txt`;
}

/** The summary of profiles held in memory (the full path). */
export function memorySummary(sessions: SsoSession[], profiles: SummaryProfile[]): StatusSummary {
  const byKey = new Map<string, SummaryProfile[]>();
  const byName = new Map<string, SummaryProfile>();
  for (const p of profiles) {
    byName.set(p.profile, p);
    if (p.key !== null) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  }
  return { sessions, byKey: (k) => byKey.get(k) ?? [], byProfile: (n) => byName.get(n) };
}

export function serializeSummary(
  ids: { config: FileId; credentials: FileId | null },
  sessions: SsoSession[],
  profiles: SummaryProfile[],
): string {
  const header: Header = { v: 1, ...ids, sessions };
  const lines = [JSON.stringify(header)];
  for (const p of profiles)
    lines.push(`${p.key ?? "-"}\t${JSON.stringify([p.profile, p.ordinal, p.accountId, p.roleName, p.sso])}`);
  return `${lines.join("\n")}\n`;
}

const isStr = (x: unknown): x is string => typeof x === "string";

const utf8 = (b: Uint8Array): string => new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);

/** The profile line of the index whose bytes run from `start` to `end` (exclusive), or undefined. */
function entryOf(bytes: Buffer, start: number, end: number): SummaryProfile | undefined {
  const line = utf8(bytes.subarray(start, end < 0 ? undefined : end));
  const tab = line.indexOf("\t");
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

/**
 * The status index for these files, if it was built from exactly their current versions; undefined
 * otherwise (missing, stale, torn or foreign: the full path runs and rebuilds it). The lines are
 * searched as bytes; only the header and the lines found are decoded.
 */
export function readStatusIndex(paths: AwsPaths): StatusSummary | undefined {
  const cfgId = statId(paths.configFile);
  const credId = statId(paths.credentialsFile);
  if (!cfgId || credId === undefined) return undefined;
  const r = readRegularBytes(statusIndexFile(paths));
  if (!r) return undefined;
  const bytes = r.bytes;
  const nl = bytes.indexOf(0x0a);
  if (nl < 0 || bytes[bytes.length - 1] !== 0x0a) return undefined;
  let header: Header;
  try {
    header = JSON.parse(utf8(bytes.subarray(0, nl))) as Header;
  } catch {
    return undefined;
  }
  if (header.v !== 1 || !Array.isArray(header.sessions)) return undefined;
  if (!sameId(header.config, cfgId) || !sameId(header.credentials, credId)) return undefined;
  const byKey = (key: string): SummaryProfile[] => {
    const out: SummaryProfile[] = [];
    const needle = Buffer.from(`\n${key}\t`, "latin1");
    for (let at = bytes.indexOf(needle, nl); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      const e = entryOf(bytes, at + 1, bytes.indexOf(0x0a, at + 1));
      if (e) out.push(e);
    }
    return out;
  };
  const byProfile = (name: string): SummaryProfile | undefined => {
    const at = bytes.indexOf(Buffer.from(`\t[${JSON.stringify(name)},`, "utf8"), nl);
    if (at < 0) return undefined;
    return entryOf(bytes, bytes.lastIndexOf(0x0a, at) + 1, bytes.indexOf(0x0a, at));
  };
  return { sessions: header.sessions, byKey, byProfile };
}

/** The readers of the live files, synchronous and for regular files only (a FIFO never blocks). */
export function syncStatusIo(paths: AwsPaths): StatusIo {
  return {
    readToken(session) {
      const r = readRegular(`${paths.ssoCacheDir}/${sha1Hex(session.cacheKey)}.json`);
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
