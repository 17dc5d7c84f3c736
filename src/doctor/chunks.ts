/**
 * Doctor's content facts of a config file read chunk by chunk (docs/doctor.md "Cache"), so the first
 * run after an edit of a 21,000-profile file analyses the few sections that changed, not the file.
 *
 * Cutting: the text is cut before section headers into chunks of 32 sections. A later run compares
 * the file with the bytes kept (the longest common start and end), keeps the chunks wholly outside
 * the change where they now are, and cuts again only the text between them.
 *
 * Each chunk is analysed as a text of its own — the chunk, then every [sso-session] of the other
 * chunks (what its profiles refer to) — through the same parse, linter and read model as the whole
 * file (content.ts contentFacts), and what the content checks need of it is kept: its lint findings (lines counted from the chunk's first line), its profile count, sso-sessions and
 * services, per sso-session how many profiles name it and the first, the profiles the checks look at
 * one by one (content.ts `isCandidate`, with only the keys they read) and a mark per name. The kept
 * analyses are valid while every sso-session's text and the credentials file are what they were (else
 * every chunk is analysed again); cache.ts keys them by paths and portico's version. The merged chunks
 * give the read model of the whole file, in which any other profile is read from its chunk when asked
 * for (the selected profile, [default]), and content.ts `concludeContent` concludes from it as from
 * the whole file (test/doctor/chunks.test.ts compares both on generated files and edits).
 *
 * It declines (undefined: the whole file is read) what a chunk cannot be read alone for: text botocore
 * refuses, [DEFAULT] (inherited by every section), a "\r", a header that is not `[TYPE NAME]` or
 * `[default]` as both readers read it (sdkjs.ts headerReadsAlike), [profile default], a name defined
 * twice, a line other than a header starting with "[" (the SDK for JavaScript takes it as a header),
 * a credentials file that does not parse.
 */

import { isAscii } from "node:buffer";
import { LazyMap, type ParsedConfig, parseConfigText, profileMapEntry } from "../config/botocore";
import { type LintFinding, lintFiles } from "../config/lint";
import { type AwsConfig, buildAwsConfig, type SectionView } from "../config/load";
import type { AwsPaths, ProfileSelection } from "../config/paths";
import { KIND_BLANK, KIND_HEADER } from "../config/scan";
import { headerReadsAlike } from "../config/sdkjs";
import { builtin } from "../platform/builtin";
import { fnv1a } from "../platform/fnv";
import { sha1Hex } from "../platform/sha1";
import { selectionKey } from "./checks";
import {
  compactContent,
  concludeContent,
  type FileRead,
  isCandidate,
  type SessionMembers,
  sessionMembers,
} from "./content";
import type { ContentFacts } from "./types";

/** Sections a chunk: what an edit analyses again, against one kept record per chunk on every run. */
const SECTIONS = 32;

/** The keys content.ts's checks read of a candidate profile (the rest is never kept). */
const CANDIDATE_KEYS = [
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
  "credential_process",
] as const;

/**
 * A profile (the candidate keys only) or an sso-session (every key) as kept: lines counted from its
 * chunk's first line; `cred`: the keys that come from the credentials file.
 */
interface KeptView {
  name: string;
  section: string;
  line: number;
  values: SectionView["values"];
  keyLines: Record<string, number>;
  cred?: string[];
}

/** What is kept of one chunk's analysis. */
interface ChunkRecord {
  /** The chunk's length in characters (it starts where the one before ends). */
  len: number;
  /** Line breaks in the chunk (the next chunk starts that many lines further). */
  nl: number;
  /** Lint findings: [line, severity, code, message]. */
  lint: [number, LintFinding["severity"], string, string][];
  /** How many profiles its sections define. */
  profiles: number;
  sessions: KeptView[];
  services: string[];
  /** Per sso-session name its profiles name: "NAME\tCOUNT\tFIRST" lines. */
  members: string;
  candidates: KeptView[];
  /** Where its [sso-session …] sections are: [start, end) from the chunk's start. */
  spans: [number, number][];
}

/**
 * The analyses kept between runs (cache.ts): the chunks of one config file, with the content facts
 * concluded from them for the selections seen.
 */
export interface ChunkStore {
  v: 7;
  /** The config file's bytes the chunks are of (read whole only when asked for). */
  bytes: () => Buffer;
  /** Their length. */
  size: number;
  /**
   * The length of the longest common start of those bytes and `now`, and of their longest common end
   * in what is left after it (cache.ts compares block by block from the file).
   */
  common: (now: Buffer) => Common;
  /** Those bytes are ASCII (so each is a character of the text). */
  ascii: boolean;
  /**
   * The store these bytes were compared with, and what they share with its bytes (byte by byte):
   * cache.ts then keeps only the bytes between.
   */
  against?: { store: ChunkStore; common: Common };
  /**
   * Every sso-session's text, in file order (what each chunk was analysed with; kept as text, which
   * compares for free, beside the config's bytes it is part of).
   */
  context: string;
  /** SHA-1 of the credentials file's text (which is never copied: docs/security.md). */
  credentials: string;
  /** How many chunks. */
  count: number;
  /** The chunks' records in file order (read when first asked for: a run on the same text needs `content` only). */
  table: () => EncodedRecords;
  /** The mark (`mark`) of each name each chunk defines: its profiles, sso-sessions, services. */
  marks: Uint32Array;
  /** Profiles per sso_session name, over the whole file. */
  totals: Record<string, number>;
  /** Two profile names differ only by case. */
  caseAlike: boolean;
  /** No two of `marks` are equal. */
  distinct: boolean;
  /** content.ts compactContent of the facts of this text, with every selection seen (at most 32). */
  content?: ContentFacts;
}

/**
 * The records as kept (cache.ts): six numbers per chunk in `cols` (its length, line breaks, profiles
 * and marks, whether it has lists, the length of its JSON in `json`) and per chunk a JSON text: its
 * `members`, or `[members, lint, sessions, services, candidates, spans]` when it has lists. Read back
 * (Rows), the numbers give where every chunk starts in one pass, and a chunk's JSON is parsed only
 * when its members or lists are asked for: an edit's run parses those of the chunks gone and of the
 * few with lists, and writes the kept chunks back as the two ranges of rows and bytes it read.
 */
export interface EncodedRecords {
  cols: Uint32Array;
  json: Buffer;
}

const COLS = 6;

/** A chunk's lists, as a kept chunk's JSON has them. */
type ChunkLists = Pick<ChunkRecord, "lint" | "sessions" | "services" | "candidates" | "spans">;

/** The lists of a chunk with none (shared: kept lists are never changed). */
const NONE: never[] = Object.freeze([]) as never[];
const NO_LISTS: ChunkLists = Object.freeze({
  lint: NONE,
  sessions: NONE,
  services: NONE,
  candidates: NONE,
  spans: NONE,
});

/** A kept chunk's JSON that does not read back, or a table joinRecords cannot have written: the store is not used (chunkedContent). */
class StoreUnreadable extends Error {}

/** Rows [from, from + records.length) of `cols` set from `records`; their JSON texts, in order. */
function encodeInto(records: ChunkRecord[], cols: Uint32Array, from: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const listed =
      r.lint.length + r.sessions.length + r.services.length + r.candidates.length + r.spans.length > 0;
    const json = Buffer.from(
      JSON.stringify(listed ? [r.members, r.lint, r.sessions, r.services, r.candidates, r.spans] : r.members),
      "utf8",
    );
    const o = (from + i) * COLS;
    cols[o] = r.len;
    cols[o + 1] = r.nl;
    cols[o + 2] = r.profiles;
    cols[o + 3] = r.profiles + r.sessions.length + r.services.length;
    cols[o + 4] = listed ? 1 : 0;
    cols[o + 5] = json.length;
    parts.push(json);
  }
  return parts;
}

/**
 * The table of a text's chunks: the rows [0, before) of `rows`, then `fresh`, then the rows
 * [after, rows.n) (kept rows copied as two ranges of numbers and of bytes).
 */
function joinRecords(
  rows: Rows | undefined,
  before: number,
  fresh: ChunkRecord[],
  after: number,
): EncodedRecords {
  const m = rows?.n ?? 0;
  const cols = new Uint32Array((before + fresh.length + m - after) * COLS);
  const parts: Buffer[] = [];
  if (rows && before > 0) {
    cols.set(rows.table.cols.subarray(0, before * COLS), 0);
    parts.push(rows.table.json.subarray(0, rows.jsonAt[before]!));
  }
  parts.push(...encodeInto(fresh, cols, before));
  if (rows && after < m) {
    cols.set(rows.table.cols.subarray(after * COLS, m * COLS), (before + fresh.length) * COLS);
    parts.push(rows.table.json.subarray(rows.jsonAt[after]!, rows.jsonAt[m]!));
  }
  return { cols, json: Buffer.concat(parts) };
}

/**
 * A table of kept records read back: where each chunk starts (in characters, lines, profiles, marks
 * and JSON bytes: running sums of its numbers, n + 1 each), which chunks have lists, and each chunk's
 * JSON parsed when first asked for. Throws StoreUnreadable on what joinRecords cannot have written.
 */
class Rows {
  readonly n: number;
  readonly charAt: Uint32Array;
  readonly lineAt: Uint32Array;
  readonly profileAt: Uint32Array;
  readonly markAt: Uint32Array;
  readonly jsonAt: Uint32Array;
  /** The chunks with lists, in order. */
  readonly listed: number[] = [];
  private readonly parsed = new Map<number, { members: string; lists: ChunkLists }>();
  constructor(readonly table: EncodedRecords) {
    const { cols, json } = table;
    if (cols.length % COLS !== 0) throw new StoreUnreadable();
    const n = cols.length / COLS;
    this.n = n;
    const sums = () => new Uint32Array(n + 1);
    const [charAt, lineAt, profileAt, markAt, jsonAt] = [sums(), sums(), sums(), sums(), sums()];
    for (let j = 0, o = 0; j < n; j++, o += COLS) {
      const profiles = cols[o + 2]!;
      const listed = cols[o + 4]!;
      // (A chunk without lists defines profiles only: a mark each.)
      if (listed > 1 || (listed === 0 && cols[o + 3] !== profiles)) throw new StoreUnreadable();
      if (listed === 1) this.listed.push(j);
      charAt[j + 1] = charAt[j]! + cols[o]!;
      lineAt[j + 1] = lineAt[j]! + cols[o + 1]!;
      profileAt[j + 1] = profileAt[j]! + profiles;
      markAt[j + 1] = markAt[j]! + cols[o + 3]!;
      jsonAt[j + 1] = jsonAt[j]! + cols[o + 5]!;
    }
    if (jsonAt[n] !== json.length) throw new StoreUnreadable();
    this.charAt = charAt;
    this.lineAt = lineAt;
    this.profileAt = profileAt;
    this.markAt = markAt;
    this.jsonAt = jsonAt;
  }
  /** Chunk j's JSON parsed and checked. */
  private row(j: number): { members: string; lists: ChunkLists } {
    let r = this.parsed.get(j);
    if (r) return r;
    let x: unknown;
    try {
      x = JSON.parse(this.table.json.toString("utf8", this.jsonAt[j], this.jsonAt[j + 1]));
    } catch {
      throw new StoreUnreadable();
    }
    if (this.table.cols[j * COLS + 4] === 0) {
      if (typeof x !== "string") throw new StoreUnreadable();
      r = { members: x, lists: NO_LISTS };
    } else {
      if (!Array.isArray(x) || x.length !== 6 || typeof x[0] !== "string" || !x.slice(1).every(Array.isArray))
        throw new StoreUnreadable();
      const [members, lint, sessions, services, candidates, spans] = x;
      r = { members, lists: { lint, sessions, services, candidates, spans } };
    }
    this.parsed.set(j, r);
    return r;
  }
  /** Chunk j's `members`. */
  members(j: number): string {
    return this.row(j).members;
  }
  /** Chunk j's lists (empty for a chunk without). */
  lists(j: number): ChunkLists {
    return this.table.cols[j * COLS + 4] === 0 ? NO_LISTS : this.row(j).lists;
  }
}

/** The Rows of a table (read once per table). */
const rowsRead = new WeakMap<EncodedRecords, Rows>();
function rowsOf(table: EncodedRecords): Rows {
  let r = rowsRead.get(table);
  if (!r) {
    r = new Rows(table);
    rowsRead.set(table, r);
  }
  return r;
}

export interface Common {
  start: number;
  end: number;
}

/**
 * Bytes compared a block at a time (each compare native; the differing block by halves); cache.ts reads
 * the kept bytes from the file in blocks of this size.
 */
export const BLOCK = 1 << 18;

/**
 * The Common of `size` bytes, read a block at a time by `block(offset, length)` (from memory, or from
 * a file: cache.ts), and `now`. A short block counts as different.
 */
export function commonBytes(
  size: number,
  block: (offset: number, length: number) => Buffer,
  now: Buffer,
): Common {
  const max = Math.min(size, now.length);
  // The longest m ≤ len with the first m equal (`same(a, z)`: positions [a, z) are equal): the whole
  // block first (one compare for each unchanged block), then by halves, comparing only the half not
  // yet known (a block's length in all, not its length per halving).
  const longest = (len: number, same: (a: number, z: number) => boolean) => {
    if (same(0, len)) return len;
    let lo = 0; // [0, lo) equal; [0, hi) not
    let hi = len;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (same(lo, mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  let start = 0;
  while (start < max) {
    const want = Math.min(BLOCK, max - start);
    const b = block(start, want);
    const at = start;
    const k = longest(b.length, (x, z) => b.compare(now, at + x, at + z, x, z) === 0);
    start += k;
    if (k < want) break;
  }
  let end = 0;
  while (end < max - start) {
    const want = Math.min(BLOCK, max - start - end);
    const b = block(size - end - want, want);
    const to = now.length - end;
    // (From the end: position x is the x-th byte before `to`.)
    const k =
      b.length < want ? 0 : longest(want, (x, z) => b.compare(now, to - z, to - x, want - z, want - x) === 0);
    end += k;
    if (k < want) break;
  }
  return { start, end };
}

/** The ChunkStore fields of bytes held in memory. */
export function heldBytes(b: Buffer): Pick<ChunkStore, "bytes" | "size" | "common"> {
  return {
    bytes: () => b,
    size: b.length,
    common: (now) => commonBytes(b.length, (o, n) => b.subarray(o, o + n), now),
  };
}

/**
 * SHA-1 of the credentials file: @noble/hashes (src/platform/sha1.ts) for the usual few KB,
 * node:crypto (which loads streams: several ms) only for a big text.
 */
const digest = (s: string): string =>
  s.length < 1 << 16
    ? sha1Hex(s)
    : builtin<typeof import("node:crypto")>("node:crypto").createHash("sha1").update(s).digest("hex");

/**
 * FNV-1a of a section's kind and lower-cased name: two sections with equal marks may be one name
 * defined twice or two profiles that differ only by case (or a collision); unequal marks are neither.
 */
const mark = (kind: string, name: string): number => fnv1a(name.toLowerCase(), fnv1a(kind)) >>> 0;

/** A line the SDK for JavaScript may read as a header (it trims JavaScript's white space). */
const JS_HEADER_START = /\s*\[/y;

/** What chunks.ts reads of the config's text: a string, or an ASCII file's bytes as one (AsciiText). */
interface TextLike {
  readonly length: number;
  slice(start: number, end?: number): string;
  indexOf(s: string, from?: number): number;
  lastIndexOf(s: string, from?: number): number;
  startsWith(s: string): boolean;
  charCodeAt(i: number): number;
}

/**
 * An ASCII file's bytes read as its text (each byte a character), never decoded whole: an edit's run
 * decodes the chunks it analyses, not 2 MB (offsets are never negative here).
 */
class AsciiText implements TextLike {
  constructor(private readonly b: Buffer) {}
  get length(): number {
    return this.b.length;
  }
  slice(start: number, end = this.b.length): string {
    return this.b.toString("latin1", start, end);
  }
  indexOf(s: string, from = 0): number {
    return this.b.indexOf(s, from, "latin1");
  }
  lastIndexOf(s: string, from = this.b.length): number {
    return this.b.lastIndexOf(s, from, "latin1");
  }
  startsWith(s: string): boolean {
    return s.length <= this.b.length && this.b.toString("latin1", 0, s.length) === s;
  }
  charCodeAt(i: number): number {
    return this.b[i] ?? Number.NaN;
  }
}

/** The start of the next line at or after `from` that begins with "[", or -1. */
function nextBracketLine(text: TextLike, from: number): number {
  const i = text.indexOf("\n[", from);
  return i < 0 ? -1 : i + 1;
}

/**
 * Cut text[a, b) (a: 0 or a header) every SECTIONS headers; pushes the cuts after `a`. false: a line
 * starting with "[" that is no header (configparser reads it as a key: the cut would split a section).
 */
function cutRegion(text: TextLike, a: number, b: number, out: number[]): boolean {
  let since = 0;
  for (let o = nextBracketLine(text, a); o >= 0 && o < b; o = nextBracketLine(text, o)) {
    let end = text.indexOf("\n", o);
    if (end < 0) end = text.length;
    // configparser's header: "[", at least one character, "]" (the rest of the line is ignored).
    if (text.lastIndexOf("]", end) <= o + 1) return false;
    if (++since === SECTIONS) {
      out.push(o);
      since = 0;
    }
  }
  return true;
}

/** Characters compared a block at a time (=== of two slices compares them, copying nothing). */
const TEXT_BLOCK = 8192;

/** The length of the longest common start of two texts. */
function commonStart(x: string, y: string): number {
  const max = Math.min(x.length, y.length);
  let i = 0;
  while (i + TEXT_BLOCK <= max && x.slice(i, i + TEXT_BLOCK) === y.slice(i, i + TEXT_BLOCK)) i += TEXT_BLOCK;
  while (i < max && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  return i;
}

/** The length of the longest common end of two texts, at most `max`. */
function commonEnd(x: string, y: string, max: number): number {
  const lx = x.length;
  const ly = y.length;
  let i = 0;
  while (
    i + TEXT_BLOCK <= max &&
    x.slice(lx - i - TEXT_BLOCK, lx - i) === y.slice(ly - i - TEXT_BLOCK, ly - i)
  )
    i += TEXT_BLOCK;
  while (i < max && x.charCodeAt(lx - 1 - i) === y.charCodeAt(ly - 1 - i)) i++;
  return i;
}

/** [start, end) of each [sso-session …] section that starts in text[a, b) (a: 0 or a line start). */
function sessionSpans(text: TextLike, a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  const t = text.slice(a, b);
  const h = "\n[sso-session ";
  const next = (from: number) => {
    const i = t.indexOf(h, from);
    return i < 0 ? -1 : i + 1;
  };
  for (let o = t.startsWith(h.slice(1)) ? 0 : next(0); o >= 0; o = next(o)) {
    const end = t.indexOf("\n[", o);
    out.push([a + o, end < 0 ? b : a + end + 1]);
  }
  return out;
}

/** Offsets of every line that starts with "[" (the read model's names, when all are asked for). */
function bracketLines(text: TextLike): number[] {
  const out: number[] = [];
  for (
    let o = text.charCodeAt(0) === 0x5b ? 0 : nextBracketLine(text, 0);
    o >= 0;
    o = nextBracketLine(text, o)
  )
    out.push(o);
  return out;
}

function concat(parts: Uint32Array[]): Uint32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint32Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

const withBreak = (s: string): string => (s === "" || s.endsWith("\n") ? s : `${s}\n`);

interface Analysis {
  record: ChunkRecord;
  config: AwsConfig;
  marks: Uint32Array;
}

/** One chunk read alone (the chunk, then the other chunks' sso-sessions); undefined: declined. */
function analyse(
  paths: AwsPaths,
  own: string,
  context: string,
  cred: { text: string; parsed: ParsedConfig },
): Analysis | undefined {
  let nl = 0;
  for (let p = own.indexOf("\n"); p >= 0; p = own.indexOf("\n", p + 1)) nl++;
  const ownLines = nl + (own !== "" && !own.endsWith("\n") ? 1 : 0);
  const text = withBreak(own) + context;
  const parsed = parseConfigText(text, { allErrors: true });
  if (parsed.errors.length > 0) return undefined;
  const ls = parsed.lines;
  const profiles: string[] = [];
  const sessions: string[] = [];
  const services: string[] = [];
  const lists = { profiles, ssoSessions: sessions, services };
  // A line other than a header whose first non-space character is "[": the SDK for JavaScript
  // reads a header there (its section would run on into the next chunk).
  // (From each line's start, sticky; a blank line is skipped: its spaces would run on into the next.)
  for (let i = 0; i < ownLines; i++) {
    const k = ls.kinds[i];
    if (k === KIND_HEADER || k === KIND_BLANK) continue;
    JS_HEADER_START.lastIndex = ls.lineStart[i]!;
    if (JS_HEADER_START.test(text)) return undefined;
  }
  const marks: number[] = [];
  for (let s = 0; s < ls.sectionCount; s++) {
    if (ls.sectionLine[s]! >= ownLines) break;
    if (ls.isDuplicate(s) || !headerReadsAlike(ls, s, "config")) return undefined;
    const name = ls.sectionName(s);
    if (name === "profile default") return undefined;
    const e = profileMapEntry(name);
    if (!e) continue;
    lists[e.kind].push(e.name);
    marks.push(mark(e.kind, e.name));
  }
  const lint: ChunkRecord["lint"] = [];
  for (const f of lintFiles([{ file: paths.configFile, kind: "config", text, parsed }])) {
    if (f.line < 1) return undefined;
    if (f.line <= ownLines) lint.push([f.line, f.severity, f.code, f.message]);
  }
  const config = buildAwsConfig(paths, { text, parsed }, cred);
  const views = profiles.map((n) => config.profiles.get(n)!);
  const record: ChunkRecord = {
    len: own.length,
    nl,
    lint,
    profiles: profiles.length,
    sessions: sessions.map((n) => keep(config.ssoSessions.get(n)!, undefined, paths.credentialsFile)),
    services,
    members: [...sessionMembers(views)].map(([s, m]) => `${s}\t${m.count}\t${m.profiles[0]}`).join("\n"),
    candidates: [],
    spans: sessionSpans(own, 0, own.length),
  };
  for (const v of views)
    if (isCandidate(v)) record.candidates.push(keep(v, CANDIDATE_KEYS, paths.credentialsFile));
  return { record, config, marks: new Uint32Array(marks) };
}

function keep(v: SectionView, keys: readonly string[] | undefined, credentialsFile: string): KeptView {
  const k: KeptView = { name: v.name, section: v.section, line: v.line, values: {}, keyLines: {} };
  for (const key of keys ?? Object.keys(v.values)) {
    if (v.values[key] === undefined) continue;
    k.values[key] = v.values[key]!;
    if (v.keyLines[key] !== undefined) k.keyLines[key] = v.keyLines[key]!;
    if (v.keyFiles[key] === credentialsFile) {
      k.cred ??= [];
      k.cred.push(key);
    }
  }
  return k;
}

/** A view with its config-file lines moved down by `delta` (a new object). */
function moved(v: SectionView, delta: number, configFile: string): SectionView {
  const keyLines: Record<string, number> = Object.create(null);
  for (const k in v.keyLines) keyLines[k] = v.keyLines[k]! + (v.keyFiles[k] === configFile ? delta : 0);
  return { ...v, line: v.line + delta, keyLines };
}

/** A kept view as a view, its config-file lines moved down by `delta`. */
function unkept(k: KeptView, delta: number, paths: AwsPaths): SectionView {
  const keyFiles: Record<string, string> = Object.create(null);
  for (const key in k.keyLines)
    keyFiles[key] = k.cred?.includes(key) ? paths.credentialsFile : paths.configFile;
  const values: SectionView["values"] = Object.assign(Object.create(null), k.values);
  const v = {
    name: k.name,
    section: k.section,
    file: paths.configFile,
    line: k.line,
    values,
    keyLines: k.keyLines,
    keyFiles,
  };
  return moved(v, delta, paths.configFile);
}

/**
 * The profiles of a chunked read: the count, and each profile read from its chunk (found by its
 * header line, which canonical headers make unique) when asked for; the names from the header lines
 * only when all are asked for.
 */
class ChunkedProfiles extends Map<string, SectionView> {
  private readonly made = new Map<string, SectionView | null>();
  constructor(
    private readonly text: TextLike,
    /** The chunk the text at an offset is in. */
    private readonly chunkOf: (offset: number) => number,
    private readonly count: number,
    private readonly fromChunk: (name: string, chunk: number) => SectionView,
    private readonly credOnly: Map<string, SectionView>,
    /** The config file has a [default] (a candidate: known without a search). */
    private readonly hasDefault: boolean,
  ) {
    super();
  }
  override get size(): number {
    return this.count + this.credOnly.size;
  }
  /** The offset of [profile NAME] / [default], or -1. */
  headerOf(name: string): number {
    if (name === "default" && !this.hasDefault) return -1;
    const h = name === "default" ? "[default]" : `[profile ${name}]`;
    const t = this.text;
    const after = (from: number) => {
      const i = t.indexOf(`\n${h}`, from);
      return i < 0 ? -1 : i + 1;
    };
    for (let o = t.startsWith(h) ? 0 : after(0); o >= 0; o = after(o)) {
      let p = o + h.length;
      while (t.charCodeAt(p) === 0x20 || t.charCodeAt(p) === 9) p++;
      if (p >= t.length || t.charCodeAt(p) === 10) return o;
    }
    return -1;
  }
  override get(name: string): SectionView | undefined {
    let v = this.made.get(name);
    if (v === undefined) {
      const o = this.headerOf(name);
      if (o >= 0) v = this.fromChunk(name, this.chunkOf(o));
      else v = this.credOnly.get(name) ?? null;
      this.made.set(name, v);
    }
    return v ?? undefined;
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  /** Config profiles in file order (from the header lines), then the credentials-only ones. */
  override *keys(): MapIterator<string> {
    const t = this.text;
    for (const o of bracketLines(t)) {
      let end = t.indexOf("\n", o);
      if (end < 0) end = t.length;
      const e = profileMapEntry(t.slice(o + 1, t.lastIndexOf("]", end)));
      if (e?.kind === "profiles") yield e.name;
    }
    yield* this.credOnly.keys();
  }
  override *values(): MapIterator<SectionView> {
    for (const k of this.keys()) yield this.get(k)!;
  }
  override *entries(): MapIterator<[string, SectionView]> {
    for (const k of this.keys()) yield [k, this.get(k)!];
  }
  override [Symbol.iterator](): MapIterator<[string, SectionView]> {
    return this.entries();
  }
  override forEach(f: (v: SectionView, k: string, m: Map<string, SectionView>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
}

/**
 * The content facts of `cfg` and `cred` for `selection`, from the chunks' analyses (those of `store`
 * whose text is unchanged, the others now), with the store to keep (`changed`: worth writing);
 * undefined: declined (see above).
 */
export function chunkedContent(...read: Parameters<typeof chunkedRead>): ChunkedRead | undefined {
  try {
    return chunkedRead(...read);
  } catch (e) {
    // Kept records that do not read back (a damaged data file): read as if nothing were kept.
    const [paths, cfg, cred, selection, store] = read;
    if (e instanceof StoreUnreadable && store) return chunkedRead(paths, cfg, cred, selection);
    throw e;
  }
}

type ChunkedRead = {
  content: ContentFacts;
  store: ChunkStore;
  reused: number;
  analyzed: number;
  changed: boolean;
};

/**
 * Where the chunks of a text are: the kept rows [0, before) where they were, the chunks cut again at
 * `cuts` (each up to the next cut or kept row), the kept rows [after, rows.n) moved by `delta` characters. Chunk i is kept row
 * i, new chunk i - before, or kept row i - before - cuts.length + after.
 */
class Layout {
  readonly n: number;
  private readonly m: number;
  constructor(
    private readonly rows: Rows | undefined,
    readonly before: number,
    readonly cuts: number[],
    readonly after: number,
    private readonly delta: number,
    private readonly textLength: number,
  ) {
    this.m = rows?.n ?? 0;
    this.n = before + cuts.length + this.m - after;
  }
  /** The kept row of chunk i, or -1 (a new chunk). */
  row(i: number): number {
    if (i < this.before) return i;
    const k = i - this.before - this.cuts.length;
    return k < 0 ? -1 : this.after + k;
  }
  /** Where chunk i starts (i = n: the text's end). */
  at(i: number): number {
    if (i >= this.n) return this.textLength;
    const j = this.row(i);
    if (j < 0) return this.cuts[i - this.before]!;
    return this.rows!.charAt[j]! + (j >= this.after ? this.delta : 0);
  }
  /** The chunk the text at `offset` is in. */
  chunkOf(offset: number): number {
    // The last chunk starting at or before it.
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  /** `f(i, row)` for each chunk with lists to read, in order: the kept ones with lists (row ≥ 0), every new one (row -1). */
  withLists(f: (i: number, row: number) => void): void {
    const listed = this.rows?.listed ?? [];
    let k = 0;
    for (; k < listed.length && listed[k]! < this.before; k++) f(listed[k]!, listed[k]!);
    for (let c = 0; c < this.cuts.length; c++) f(this.before + c, -1);
    for (; k < listed.length; k++)
      if (listed[k]! >= this.after) f(listed[k]! - this.after + this.before + this.cuts.length, listed[k]!);
  }
}

/** The first index in [lo, hi) at which `ok` holds (false then true along the range), else hi. */
function firstWhere(lo: number, hi: number, ok: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** chunkedContent's read (`store`: the analyses kept, undefined: none). */
function chunkedRead(
  paths: AwsPaths,
  cfg: FileRead,
  cred: FileRead,
  selection: ProfileSelection,
  store?: ChunkStore,
): ChunkedRead | undefined {
  if (cfg.error || cred.error) return undefined;
  const bytes = cfg.bytes ?? (cfg.text === undefined ? undefined : Buffer.from(cfg.text, "utf8"));
  if (bytes === undefined) return undefined;
  // (A "\r" is the byte 13 in UTF-8, never part of another character: searched in the bytes, natively.)
  if (bytes.includes(13)) return undefined;
  const nowAscii = isAscii(bytes);
  // ASCII (most files): the bytes are the text, never decoded whole; else the decoded text.
  const text: TextLike | undefined = nowAscii ? new AsciiText(bytes) : cfg.text;
  if (text === undefined) return undefined;
  const credText = cred.text ?? "";
  const credParsed = parseConfigText(credText, { allErrors: true });
  if (credParsed.refusal) return undefined;
  const old = store?.v === 7 ? store : undefined;
  const credentials = digest(credText);
  // The same text (and credentials) as last time, with this selection concluded: nothing to merge.
  let common: Common | undefined;
  if (old !== undefined && old.size === bytes.length && old.credentials === credentials)
    common = old.common(bytes);
  const same = old !== undefined && common?.start === bytes.length;
  if (same && old.content?.selected[selectionKey(selection)] !== undefined)
    return { content: old.content, store: old, reused: old.count, analyzed: 0, changed: false };
  const rows = old ? rowsOf(old.table()) : undefined;
  if (rows && rows.markAt[rows.n] !== old!.marks.length) throw new StoreUnreadable();
  const m = rows?.n ?? 0;
  const oldChars = rows?.charAt[m] ?? 0;

  // What changed: the text between the longest common start and end of the kept text and this one.
  // Chunks wholly before it (and followed by an unchanged "[" line start) or wholly after it (and
  // preceded by an unchanged line break) are kept; the text between them is cut again. ASCII files
  // (most) are compared as bytes, which are their characters; others as decoded text.
  let before = 0;
  let after = m;
  let delta = 0;
  const ascii = old !== undefined && nowAscii && old.ascii === true;
  // ASCII: the bytes are the characters (compared in the store, block by block); else the texts.
  const oldText =
    old && !ascii && old.size < 64 << 20
      ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(old.bytes())
      : "";
  if (rows && (ascii ? old!.size : oldText.length) === oldChars) {
    let prefix: number;
    let suffixStart: number;
    if (ascii) {
      common ??= old!.common(bytes);
      prefix = common.start;
      suffixStart = oldChars - common.end;
    } else {
      // (Now ASCII after a text that was not: decoded for the comparison.)
      const now = typeof text === "string" ? text : text.slice(0, text.length);
      prefix = commonStart(oldText, now);
      suffixStart = oldChars - commonEnd(oldText, now, Math.min(oldChars, now.length) - prefix);
    }
    delta = text.length - oldChars;
    // (Chunk starts only grow: the kept ones found by halving, not by a loop over every chunk.)
    const starts = rows.charAt;
    before =
      prefix === oldChars && oldChars === text.length ? m : firstWhere(0, m, (j) => starts[j + 1]! >= prefix);
    after = firstWhere(before, m, (j) => starts[j]! - 1 >= suffixStart && starts[j]! > 0);
  }
  // The text between: cut again (a: 0 or a line start beginning with "[", kept unchanged). The
  // sso-sessions (every chunk's context): where a kept chunk has them, else looked for.
  const lay = (from: number, to: number) => {
    const a = from > 0 ? rows!.charAt[from]! : 0;
    const b = to < m ? rows!.charAt[to]! + delta : text.length;
    const cuts: number[] = [];
    if (a < b || from === 0) {
      cuts.push(a);
      if (!cutRegion(text, a, b, cuts)) return undefined;
    }
    const l = new Layout(rows, from, cuts, to, delta, text.length);
    const spans: [number, number][] = [];
    l.withLists((i, row) => {
      if (row < 0) spans.push(...sessionSpans(text, l.at(i), l.at(i + 1)));
      else {
        const d = l.at(i);
        for (const [x, y] of rows!.lists(row).spans) spans.push([d + x, d + y]);
      }
    });
    const sessionTexts = spans.map(([x, y]) => withBreak(text.slice(x, y)));
    return { l, spans, sessionTexts, context: sessionTexts.join("") };
  };
  let plan = lay(before, after);
  if (!plan) return undefined;
  // The kept analyses hold while every sso-session's text and the credentials are what they were;
  // else every chunk is cut and analysed again.
  const kept = before > 0 || after < m;
  const valid = kept && old!.context === plan.context && old!.credentials === credentials;
  if (kept && !valid) {
    before = 0;
    after = m;
    plan = lay(0, m);
    if (!plan) return undefined;
  }
  const { l, spans, sessionTexts, context } = plan;
  const n = l.n;
  const own = (i: number) => text.slice(l.at(i), l.at(i + 1));
  const contextOf = (i: number) =>
    sessionTexts.filter((_, k) => spans[k]![0] < l.at(i) || spans[k]![0] >= l.at(i + 1)).join("");
  const credRead = { text: credText, parsed: credParsed };
  const analyses = new Map<number, Analysis>();
  const analysis = (i: number): Analysis | undefined => {
    let a = analyses.get(i);
    if (!a) {
      a = analyse(paths, own(i), contextOf(i), credRead);
      if (a) analyses.set(i, a);
    }
    return a;
  };
  const fresh: ChunkRecord[] = [];
  const freshMarks: Uint32Array[] = [];
  for (let c = 0; c < l.cuts.length; c++) {
    const an = analysis(before + c);
    if (!an) return undefined;
    fresh.push(an.record);
    freshMarks.push(an.marks);
  }
  const reused = n - fresh.length;
  /** The line chunk i starts on (0-based): a kept one's moved by the lines the new ones have more. */
  const freshLine = [rows?.lineAt[before] ?? 0];
  for (const r of fresh) freshLine.push(freshLine[freshLine.length - 1]! + r.nl);
  const lineDelta = after < m ? freshLine[fresh.length]! - rows!.lineAt[after]! : 0;
  const lineOf = (i: number): number => {
    const j = l.row(i);
    return j < 0 ? freshLine[i - before]! : rows!.lineAt[j]! + (j >= after ? lineDelta : 0);
  };
  const membersOf = (i: number): string => {
    const j = l.row(i);
    return j < 0 ? fresh[i - before]!.members : rows!.members(j);
  };
  // Profiles per sso-session: the last run's totals, less the chunks gone, plus the new ones.
  const totals: Record<string, number> = Object.create(null);
  const addMembers = (members: string, sign: number) => {
    if (members === "") return;
    for (const line of members.split("\n")) {
      const [s, c] = line.split("\t");
      totals[s!] = (totals[s!] ?? 0) + sign * Number(c);
    }
  };
  if (valid) {
    Object.assign(totals, old!.totals);
    for (let j = before; j < after; j++) addMembers(rows!.members(j), -1);
  }
  for (const r of fresh) addMembers(r.members, 1);

  // The merged read model: the lists of the chunks that have them, in file order.
  const lint: LintFinding[] = [];
  const candidates: SectionView[] = [];
  const ssoSessions = new Map<string, SectionView>();
  const services = new LazyMap<SectionView>((name, i) =>
    moved(analysis(i)!.config.services.get(name)!, lineOf(i), paths.configFile),
  );
  const serviceChunks: string[][] = [];
  l.withLists((i, row) => {
    const r = row < 0 ? fresh[i - before]! : rows!.lists(row);
    const line = lineOf(i);
    for (const [at, severity, code, message] of r.lint)
      lint.push({ file: paths.configFile, line: at + line, severity, code, message });
    for (const s of r.sessions) ssoSessions.set(s.name, unkept(s, line, paths));
    for (const name of r.services) services.later(name, i);
    if (r.services.length > 0) serviceChunks.push(r.services);
    for (const k of r.candidates) candidates.push(unkept(k, line, paths));
  });
  // The first profile of each sso-session (in file order): from the first chunks that name it.
  const members: SessionMembers = new Map();
  let wanted = 0;
  for (const s in totals) if (totals[s]! > 0) wanted++;
  for (let i = 0; i < n && members.size < wanted; i++) {
    const ms = membersOf(i);
    if (ms === "") continue;
    for (const line of ms.split("\n")) {
      const [s, , first] = line.split("\t") as [string, string, string];
      if (!members.has(s) && totals[s]! > 0) members.set(s, { count: totals[s]!, profiles: [first] });
    }
  }
  let count = 0;
  for (const r of fresh) count += r.profiles;
  if (rows) count += rows.profileAt[before]! + rows.profileAt[m]! - rows.profileAt[after]!;
  const credConfig = buildAwsConfig(paths, { text: "", parsed: parseConfigText("") }, credRead);
  const credOnly = new Map<string, SectionView>();
  const profiles = new ChunkedProfiles(
    text,
    (o) => l.chunkOf(o),
    count,
    (name, i) => moved(analysis(i)!.config.profiles.get(name)!, lineOf(i), paths.configFile),
    credOnly,
    candidates.some((v) => v.name === "default"),
  );
  const credMarks: number[] = [];
  for (const name of credConfig.profiles.keys()) {
    if (profiles.headerOf(name) >= 0) continue;
    credOnly.set(name, credConfig.profiles.get(name)!);
    credMarks.push(mark("profiles", name));
  }
  const onlyCred = [...credOnly.values()];
  sessionMembers(onlyCred, members);
  for (const v of onlyCred) if (isCandidate(v)) candidates.push(v);
  if (cred.text !== undefined) lint.push(...lintFiles([{ ...cred.input, parsed: credParsed }]));

  // Names defined twice or differing only by case: equal marks. The new chunks' marks are looked for
  // among the kept chunks' — when the kept marks were all distinct, only those the changed text did not
  // have before (as many times) and the credentials-only names': a value edit looks for none. When the
  // last run saw two names alike, or any mark is alike, the names themselves decide.
  const keptMarks = rows
    ? [old!.marks.subarray(0, rows.markAt[before]), old!.marks.subarray(rows.markAt[after], rows.markAt[m])]
    : [];
  let alike = valid ? old!.caseAlike : true;
  const marksChecked = !alike;
  if (!alike) {
    const added = [...credMarks];
    for (const part of freshMarks) added.push(...part);
    const seen = new Set<number>();
    for (const x of added) {
      if (seen.has(x)) alike = true;
      seen.add(x);
    }
    let look = added;
    if (old!.distinct) {
      const was = new Map<number, number>();
      for (const x of old!.marks.subarray(rows!.markAt[before], rows!.markAt[after]))
        was.set(x, (was.get(x) ?? 0) + 1);
      look = [...credMarks];
      for (const part of freshMarks)
        for (const x of part) {
          const c = was.get(x) ?? 0;
          if (c > 0) was.set(x, c - 1);
          else look.push(x);
        }
    }
    if (!alike && look.length > 0) {
      const others = concat(keptMarks);
      alike = look.some((x) => others.includes(x));
    }
  }
  const marks = concat([...keptMarks.slice(0, 1), ...freshMarks, ...keptMarks.slice(1)]);
  let caseAlike = false;
  // The kept marks are all distinct (what lets the next run look for fewer): as checked, or sorted.
  let distinct = marksChecked && !alike;
  if (alike) {
    const names = new Set<string>();
    const lower = new Set<string>();
    for (const name of profiles.keys()) {
      if (names.has(name)) return undefined;
      names.add(name);
      const low = name.toLowerCase();
      if (lower.has(low)) caseAlike = true;
      lower.add(low);
    }
    // (An sso-session defined twice never gets here: each copy is in the other's context, and botocore refuses that.)
    const serviceNames = new Set<string>();
    for (const names of serviceChunks)
      for (const s of names) {
        if (serviceNames.has(s)) return undefined;
        serviceNames.add(s);
      }
    if (!caseAlike) {
      const sorted = marks.slice().sort();
      distinct = true;
      for (let k = 1; k < sorted.length && distinct; k++) if (sorted[k] === sorted[k - 1]) distinct = false;
    }
  }

  const config: AwsConfig = {
    paths,
    profiles,
    ssoSessions,
    services,
    get warnings(): never {
      throw new Error("chunks.ts: the SDK-JS warnings of a chunked read are in its lint findings");
    },
  };
  const content = concludeContent(
    {
      config,
      lint,
      anyFile: true,
      candidates,
      members,
      ...(caseAlike ? {} : { caseNames: [] }),
      tokenNames: new Map((old?.content?.sessions ?? []).map((s) => [s.session.cacheKey, s.tokenName])),
    },
    selection,
  );
  const compact = compactContent(content);
  const selected = { ...(same ? old.content?.selected : undefined), ...compact.selected };
  for (const k of Object.keys(selected).slice(0, -32)) delete selected[k];
  let table: EncodedRecords | undefined;
  const next: ChunkStore = {
    v: 7,
    ...heldBytes(bytes),
    ...(common && old ? { against: { store: old, common } } : {}),
    ascii: nowAscii,
    context,
    credentials,
    count: n,
    // (Made when asked for: by the write, or by the next read of this store.)
    table: () => (table ??= joinRecords(rows, before, fresh, after)),
    marks,
    totals,
    caseAlike,
    distinct,
    content: { ...compact, selected },
  };
  return { content, store: next, reused, analyzed: analyses.size, changed: true };
}
