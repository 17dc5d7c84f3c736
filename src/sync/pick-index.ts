/**
 * The picker's index (docs/sync.md "Pick"): the list `portico pick` shows (every SSO profile with its
 * account name), kept in `~/.aws/portico/pick-index.json` (0600) by the full command, and trusted by
 * the fast path (src/sync/pick-fast.ts) only while every file it was built from — the config file,
 * the credentials file, each session's discovery cache — keeps its device, inode, size, mtime and
 * ctime (a file that did not exist must still not exist). Anything else: the full command runs,
 * parses, and writes a new index. Reads are synchronous `node:fs` (no fs/promises on the start-up path).
 */
import type { AwsPaths } from "../config/paths";
import { builtin } from "../platform/builtin";
import { type FileId, isFileId, sameId, statId } from "../platform/file-identity";
import { readRegularFileSync } from "../platform/regular-file";
import { frecency, type History, type PickEntry } from "./pick";

type Path = typeof import("node:path");

/** One version of a file (null: it did not exist); src/platform/file-identity.ts. */
export type FileStamp = FileId | null;

/**
 * The file: one header line (JSON: version, the stamps of the files it was built from, the count),
 * then one JSON array `[profile, accountId, roleName, ssoSession, accountName]` per line, sorted by
 * profile name (code units, as `rank` sorts). JSON never puts a raw line break in a string, so the
 * first frame can find its few entries by line without parsing the rest (`firstFrame`).
 */
interface PickIndexHeader {
  version: 3;
  files: [string, FileStamp][];
  count: number;
}
type Row = [profile: string, accountId: string, roleName: string, ssoSession: string, accountName: string];

export const pickIndexFile = (paths: AwsPaths): string =>
  builtin<Path>("node:path").join(paths.awsDir, "portico", "pick-index.json");

/** The stamp of `file` now; undefined when it is not a regular file (or cannot be looked at). */
export const fileStamp = (file: string): FileStamp | undefined => statId(file);

function rowEntry(e: unknown): PickEntry | undefined {
  if (!Array.isArray(e) || e.length !== 5 || !e.every((v) => typeof v === "string")) return undefined;
  const [profile, accountId, roleName, ssoSession, accountName] = e as Row;
  const entry: PickEntry = { profile, accountId, roleName };
  if (ssoSession) entry.ssoSession = ssoSession;
  if (accountName) entry.accountName = accountName;
  return entry;
}

export interface OpenPickIndex {
  count: number;
  /**
   * The first `n` entries of `orderForEmpty` (src/sync/pick.ts: recent choices by frecency, then by
   * name) without parsing the whole list: each recent profile is found by its line, then the first
   * lines in name order. undefined if a line does not read back (the caller then uses `all`).
   */
  firstFrame(history: History, now: number, n: number, ssoSession?: string): PickEntry[] | undefined;
  /** Every entry (parses the whole list); undefined if the file is torn. */
  all(): PickEntry[] | undefined;
}

/** A still-valid index (every file it was built from unchanged), else undefined. Sync; reads one file. */
export function openPickIndex(paths: AwsPaths): OpenPickIndex | undefined {
  let text: string;
  try {
    const bytes = readRegularFileSync(pickIndexFile(paths));
    if (bytes === undefined) return undefined;
    text = bytes.toString("utf8");
  } catch {
    return undefined;
  }
  const nl = text.indexOf("\n");
  let header: PickIndexHeader;
  try {
    header = JSON.parse(nl === -1 ? text : text.slice(0, nl)) as PickIndexHeader;
  } catch {
    return undefined;
  }
  if (header?.version !== 3 || !Array.isArray(header.files) || typeof header.count !== "number")
    return undefined;
  const files = new Set(header.files.map(([f]) => f));
  // Built for these very config and credentials files (AWS_CONFIG_FILE may point elsewhere now).
  if (!files.has(paths.configFile) || !files.has(paths.credentialsFile)) return undefined;
  for (const [file, stamp] of header.files)
    if (!(stamp === null || isFileId(stamp)) || !sameId(stamp, fileStamp(file))) return undefined;
  // "\n" + every line, so each entry line starts after a "\n".
  const body = nl === -1 ? "" : text.slice(nl);
  const lineAt = (at: number): PickEntry | undefined => {
    const end = body.indexOf("\n", at + 1);
    try {
      return rowEntry(JSON.parse(body.slice(at + 1, end === -1 ? body.length : end)));
    } catch {
      return undefined;
    }
  };
  return {
    count: header.count,
    firstFrame(history, now, n, ssoSession) {
      const out: PickEntry[] = [];
      const taken = new Set<string>();
      const keep = (e: PickEntry) => ssoSession === undefined || e.ssoSession === ssoSession;
      const recent = Object.keys(history)
        .filter((k) => !k.startsWith("account:"))
        .map((k) => ({ k, score: frecency(history[k], now) }))
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      for (const { k } of recent) {
        if (out.length >= n) break;
        const at = body.indexOf(`\n[${JSON.stringify(k)},`);
        if (at === -1) continue;
        const e = lineAt(at);
        if (!e) return undefined;
        taken.add(k);
        if (keep(e)) out.push(e);
      }
      // Profiles a recent choice names but the page does not show still come first in the full order:
      // the rest must skip every recent profile present in the list, not only those on the page.
      const recentNames = new Set(recent.map((r) => r.k));
      for (let at = 0; at !== -1 && at < body.length && out.length < n; at = body.indexOf("\n", at + 1)) {
        const e = lineAt(at);
        if (!e) return undefined;
        if (!recentNames.has(e.profile) && keep(e)) out.push(e);
      }
      return out;
    },
    all() {
      const out: PickEntry[] = [];
      try {
        const rows = JSON.parse(`[${body.slice(1).replaceAll("\n", ",")}]`) as unknown[];
        for (const r of rows) {
          const e = rowEntry(r);
          if (!e) return undefined;
          out.push(e);
        }
      } catch {
        return undefined;
      }
      return out.length === header.count ? out : undefined;
    },
  };
}

/** The entries of a still-valid index, else undefined. */
export function readPickIndex(paths: AwsPaths): PickEntry[] | undefined {
  return openPickIndex(paths)?.all();
}

/**
 * Write the index for `entries`, built from `files` whose stamps were taken before they were read
 * (`before`): if any changed meanwhile, nothing is written (the next run builds it again). Best
 * effort: a failure to write is not the picker's problem.
 */
export async function writePickIndex(
  paths: AwsPaths,
  before: Map<string, FileStamp | undefined>,
  entries: readonly PickEntry[],
): Promise<boolean> {
  const files: [string, FileStamp][] = [];
  for (const [file, stamp] of before) {
    if (stamp === undefined || !sameId(stamp, fileStamp(file))) return false;
    files.push([file, stamp]);
  }
  const rows = entries
    .map((e): Row => [e.profile, e.accountId, e.roleName, e.ssoSession ?? "", e.accountName ?? ""])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const header: PickIndexHeader = { version: 3, files, count: rows.length };
  const doc = [JSON.stringify(header), ...rows.map((r) => JSON.stringify(r))].join("\n");
  try {
    const { writeFileAtomic } = await import("../platform/files");
    await writeFileAtomic(pickIndexFile(paths), doc, { mode: 0o600, dirMode: 0o700 });
    return true;
  } catch {
    return false;
  }
}
