/**
 * A line-exact port of Python's `configparser.RawConfigParser._read` with the defaults botocore uses
 * (`=`/`:` delimiters, `#`/`;` whole-line comments, no inline comments, empty lines kept in values,
 * strict duplicates, section "DEFAULT" as the defaults section). Pure: text in, structure out.
 *
 * It does not throw: every problem configparser would raise is collected as a ScanError with its
 * 1-based line, so a linter can report them all; `refusal` is the one configparser would raise first
 * (docs/reference.md §1.2). The document model (document.ts) and the botocore read view (botocore.ts)
 * are both built on this scan, so what portico edits is exactly what botocore reads.
 *
 * The scan itself (`scanLines` → `LineScan`) keeps no per-line or per-entry objects: offsets into the
 * one decoded string in typed arrays (a few bytes per line; docs/benchmarks.md "Huge files"). The
 * object form (`Scan`: line texts, kinds, sections with their entries) is built from it only when a
 * caller reads it.
 */

/** A line break: "" on a last line without one. */
export type Eol = "\n" | "\r\n" | "\r" | "";

/** The physical lines of a text: each line's text without its break, and the break (parallel arrays). */
export interface Lines {
  texts: string[];
  eols: Eol[];
}

/** Python's str.isspace() / re `\s` set (Unicode), which differs from JavaScript's `\s` and trim(). */
export const PY_WS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TRAIL_WS = new RegExp(`[${PY_WS}]+$`);

/** Python `str.rstrip()` (Unicode whitespace as Python defines it). */
export const pyRstrip = (s: string): string => s.replace(TRAIL_WS, "");

/** Split text into lines the way Python's universal-newline text mode does (\r\n, \r, \n). Lossless. */
export function splitLines(text: string): Lines {
  if (!text.includes("\r")) {
    const texts = text.split("\n");
    let last: Eol = "";
    if (texts[texts.length - 1] === "") {
      texts.pop();
      last = "\n";
    }
    const eols: Eol[] = new Array(texts.length).fill("\n");
    if (texts.length > 0) eols[texts.length - 1] = last;
    return { texts, eols };
  }
  const texts: string[] = [];
  const eols: Eol[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    texts.push(text.slice(start, m.index));
    eols.push(m[0] as Eol);
    start = m.index + m[0].length;
  }
  if (start < text.length) {
    texts.push(text.slice(start));
    eols.push("");
  }
  return { texts, eols };
}

export type LineKind = "blank" | "comment" | "header" | "entry" | "continuation" | "invalid";

export interface ScanEntry {
  /** Lower-cased key (configparser's optionxform). */
  key: string;
  /** The key as written (before lower-casing, after rstrip). */
  rawKey: string;
  delimiter: "=" | ":";
  /** 0-based index of the key line. */
  line: number;
  /** 0-based index of the last line belonging to the value (the key line, or its last continuation). */
  end: number;
  /** Indentation (characters) of the key line. */
  indent: number;
  /** The value on the key line (stripped). */
  value: string;
  /** configparser's further value parts: each continuation (stripped), or "" for a blank line between them
   * (blank lines after the last continuation are left out: configparser strips them again). */
  more?: string[];
  /** 0-based line of each element of `more`. */
  moreLines?: number[];
}

/** configparser's value list for an entry: the first value, then each continuation or "". */
export const entryParts = (e: ScanEntry): string[] => (e.more ? [e.value, ...e.more] : [e.value]);
/** 0-based line of each element of entryParts(e). */
export const entryPartLines = (e: ScanEntry): number[] => (e.moreLines ? [e.line, ...e.moreLines] : [e.line]);
/** The value botocore sees before sub-section parsing: configparser's `'\n'.join(parts).rstrip()`. */
export const entryValue = (e: ScanEntry): string => (e.more ? joinValue(entryParts(e)) : e.value);

export interface ScanSection {
  /** The section name as written between the brackets. */
  name: string;
  /** 0-based index of the header line. */
  line: number;
  indent: number;
  entries: ScanEntry[];
  /** [DEFAULT]: configparser's defaults section (may appear several times). */
  isDefault: boolean;
  /** A second header for a name already seen (a refusal in strict mode). */
  duplicate: boolean;
}

export type ScanErrorCode =
  | "bom"
  | "missing_section_header"
  | "duplicate_section"
  | "duplicate_key"
  | "no_delimiter"
  | "empty_key"
  | "nested_no_equals"
  | "invalid_utf8";

export interface ScanError {
  /** 1-based line number. */
  line: number;
  code: ScanErrorCode;
  message: string;
  /** True for errors configparser raises at once (duplicates, key before any section). */
  immediate: boolean;
}

export interface Scan {
  /** The line texts that were scanned (without their breaks). */
  texts: string[];
  kinds: LineKind[];
  /** Sections in file order, [DEFAULT] headers included (isDefault). */
  sections: ScanSection[];
  /** Every problem, in line order. */
  errors: ScanError[];
  /** The error botocore would report (first immediate one, else the first deferred one), if any. */
  refusal: ScanError | undefined;
  /** The compact scan the other fields are built from (on first read). */
  lines: LineScan;
}

const DEFAULT_SECTION = "DEFAULT";

/** Python str.isspace() for one UTF-16 code unit (every Python whitespace character is in the BMP). */
export function isPyWs(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export interface ScanOptions {
  /**
   * Stop at the first refusal configparser raises at once (duplicate section or key, a line before
   * any section, a BOM), as botocore does: a huge file with a duplicate near the top is refused in
   * microseconds (docs/benchmarks.md "Huge files"). `texts`/`kinds` then cover the lines read so far.
   */
  stopAtRefusal?: boolean;
}

/** Line kinds as stored in LineScan.kinds (0: not read). */
export const KIND_BLANK = 1;
export const KIND_COMMENT = 2;
export const KIND_HEADER = 3;
export const KIND_ENTRY = 4;
export const KIND_CONTINUATION = 5;
export const KIND_INVALID = 6;
const KIND_NAMES: LineKind[] = ["blank", "blank", "comment", "header", "entry", "continuation", "invalid"];

/** The continuation parts of one entry (configparser's further value parts; rare). */
interface MoreParts {
  parts: string[];
  lines: number[];
}

/**
 * The scan of one text as offsets, a few bytes per line: line i starts at `lineStart[i]` (its end is
 * found from the next start); entry j is the key line `entryLine[j]` with its delimiter at
 * `entryDelim[j]` (key and value are found again on that line when asked for); the entries of
 * section s are `sectionEntry[s]` up to `sectionEntry[s + 1]`. Arrays may be longer than the counts.
 */
export class LineScan {
  readonly text: string;
  lineCount = 0;
  /** Start of each line, and at `lineCount` the offset after the last line read. */
  lineStart: Int32Array;
  /** KIND_* per line. */
  kinds: Uint8Array;
  sectionCount = 0;
  sectionLine: Int32Array;
  sectionIndent: Int32Array;
  sectionNameStart: Int32Array;
  sectionNameEnd: Int32Array;
  /** Index of the section's first entry (at `sectionCount`: `entryCount`). */
  sectionEntry: Int32Array;
  /** Bit 1: [DEFAULT]; bit 2: a repeated header (duplicate). */
  sectionFlags: Uint8Array;
  entryCount = 0;
  entryLine: Int32Array;
  /** Offset of each entry's delimiter (the first "=" or ":" of its key line). */
  entryDelim: Int32Array;
  /** Continuation parts by entry index (only entries that have some). */
  more: Map<number, MoreParts> = new Map();
  /** The last line of each entry with continuation lines (others end on their key line). */
  entryEndLine: Map<number, number> = new Map();
  errors: ScanError[] = [];
  refusal: ScanError | undefined;
  /** Hash of each section's name (sectionHash) and an open-addressing table of first headers. */
  sectionHash: Int32Array;
  private table: Int32Array = new Int32Array(64).fill(-1);
  /** firstSection's answers so far (the table is complete once the scan is). */
  private readonly asked = new Map<string, number>();
  private tableUsed = 0;
  /** Section name → indices of every header of a name seen more than once. */
  repeats: Map<string, number[]> | undefined;

  constructor(text: string, lineCapacity: number) {
    this.text = text;
    this.lineStart = new Int32Array(lineCapacity + 1);
    this.kinds = new Uint8Array(lineCapacity);
    const n = Math.min(lineCapacity, 256);
    this.sectionLine = new Int32Array(n);
    this.sectionIndent = new Int32Array(n);
    this.sectionNameStart = new Int32Array(n);
    this.sectionNameEnd = new Int32Array(n);
    this.sectionEntry = new Int32Array(n + 1);
    this.sectionFlags = new Uint8Array(n);
    this.sectionHash = new Int32Array(n);
    this.entryLine = new Int32Array(Math.min(lineCapacity, 1024));
    this.entryDelim = new Int32Array(this.entryLine.length);
  }

  /** The first header named like src[a, z) (the table's probe), or -1. */
  private probe(h: number, src: string, a: number, z: number): number {
    const t = this.text;
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.table[i]!;
      if (s === -1) return -1;
      if (this.sectionHash[s] !== h) continue;
      const sa = this.sectionNameStart[s]!;
      if (this.sectionNameEnd[s]! - sa !== z - a) continue;
      // (A name asked for is compared natively; a header of this text against an earlier one, by characters.)
      if (src !== t && a === 0 && z === src.length) {
        if (t.startsWith(src, sa)) return s;
        continue;
      }
      let k = 0;
      while (k < z - a && t.charCodeAt(sa + k) === src.charCodeAt(a + k)) k++;
      if (k === z - a) return s;
    }
  }
  /** The first header with this name ([DEFAULT] included), or -1. */
  firstSection(name: string): number {
    // Each name hashed once (a read asks for a section's name several times: its values, its lines).
    let s = this.asked.get(name);
    if (s === undefined) {
      s = this.probe(hashString(name), name, 0, name.length);
      this.asked.set(name, s);
    }
    return s;
  }
  /** Section s's name is seen for the first time: the first header of its name (else the earlier one). */
  firstOf(s: number): number {
    const h = this.sectionHash[s]!;
    const found = this.probe(h, this.text, this.sectionNameStart[s]!, this.sectionNameEnd[s]!);
    if (found !== -1) return found;
    if (2 * (this.tableUsed + 1) > this.table.length) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2).fill(-1);
      for (const x of old) if (x !== -1) this.insert(x);
    }
    this.insert(s);
    this.tableUsed++;
    return s;
  }
  private insert(s: number): void {
    const mask = this.table.length - 1;
    let i = this.sectionHash[s]! & mask;
    while (this.table[i] !== -1) i = (i + 1) & mask;
    this.table[i] = s;
  }

  /** Room for one more section (arrays grow by half). */
  growSections(): void {
    const n = Math.ceil(this.sectionLine.length * 1.5) + 16;
    const grow = <T extends Int32Array | Uint8Array>(a: T, size: number): T => {
      const b = (a instanceof Int32Array ? new Int32Array(size) : new Uint8Array(size)) as T;
      b.set(a);
      return b;
    };
    this.sectionLine = grow(this.sectionLine, n);
    this.sectionIndent = grow(this.sectionIndent, n);
    this.sectionNameStart = grow(this.sectionNameStart, n);
    this.sectionNameEnd = grow(this.sectionNameEnd, n);
    this.sectionEntry = grow(this.sectionEntry, n + 1);
    this.sectionFlags = grow(this.sectionFlags, n);
    this.sectionHash = grow(this.sectionHash, n);
  }
  growEntries(): void {
    const n = Math.ceil(this.entryLine.length * 1.5) + 16;
    const line = new Int32Array(n);
    line.set(this.entryLine);
    this.entryLine = line;
    const delim = new Int32Array(n);
    delim.set(this.entryDelim);
    this.entryDelim = delim;
  }

  /** End of line i (before its break). */
  lineEnd(i: number): number {
    let e = this.lineStart[i + 1]!;
    const t = this.text;
    if (e > this.lineStart[i]!) {
      const c = t.charCodeAt(e - 1);
      if (c === 10) {
        e--;
        if (e > this.lineStart[i]! && t.charCodeAt(e - 1) === 13) e--;
      } else if (c === 13) e--;
    }
    return e;
  }
  lineText(i: number): string {
    return this.text.slice(this.lineStart[i]!, this.lineEnd(i));
  }
  kind(i: number): LineKind {
    return KIND_NAMES[this.kinds[i]!]!;
  }
  sectionName(s: number): string {
    return this.text.slice(this.sectionNameStart[s]!, this.sectionNameEnd[s]!);
  }
  isDefault(s: number): boolean {
    return (this.sectionFlags[s]! & 1) !== 0;
  }
  isDuplicate(s: number): boolean {
    return (this.sectionFlags[s]! & 2) !== 0;
  }
  /** Entries of section s: [first, end). */
  entriesOf(s: number): [number, number] {
    return [this.sectionEntry[s]!, s + 1 < this.sectionCount ? this.sectionEntry[s + 1]! : this.entryCount];
  }
  /** Start of entry e's key (its key line's first non-whitespace character). */
  keyStart(e: number): number {
    const t = this.text;
    let p = this.lineStart[this.entryLine[e]!]!;
    while (isPyWs(t.charCodeAt(p))) p++;
    return p;
  }
  /** Offset of entry e's delimiter (the first "=" or ":" of its key line). */
  delimiterAt(e: number): number {
    return this.entryDelim[e]!;
  }
  isColon(e: number): boolean {
    return this.text.charCodeAt(this.delimiterAt(e)) === 0x3a;
  }
  rawKey(e: number): string {
    const t = this.text;
    const b = this.keyStart(e);
    let ke = this.delimiterAt(e);
    while (ke > b && isPyWs(t.charCodeAt(ke - 1))) ke--;
    return t.slice(b, ke);
  }
  key(e: number): string {
    return this.rawKey(e).toLowerCase();
  }
  /** The value on the key line (stripped). */
  firstValue(e: number): string {
    const t = this.text;
    let vs = this.delimiterAt(e) + 1;
    let end = this.lineEnd(this.entryLine[e]!);
    while (end > vs && isPyWs(t.charCodeAt(end - 1))) end--;
    while (vs < end && isPyWs(t.charCodeAt(vs))) vs++;
    return t.slice(vs, end);
  }
  /** The value on the key line is empty. */
  emptyFirstValue(e: number): boolean {
    const t = this.text;
    const end = this.lineEnd(this.entryLine[e]!);
    for (let p = this.delimiterAt(e) + 1; p < end; p++) if (!isPyWs(t.charCodeAt(p))) return false;
    return true;
  }
  hasMore(e: number): boolean {
    return this.more.size !== 0 && this.more.has(e);
  }
  /** configparser's value parts (first value, then each continuation or ""), and their 0-based lines. */
  parts(e: number): { parts: string[]; lines: number[] } {
    const m = this.more.get(e);
    const first = this.firstValue(e);
    const line = this.entryLine[e]!;
    return m ? { parts: [first, ...m.parts], lines: [line, ...m.lines] } : { parts: [first], lines: [line] };
  }
  /** The value botocore sees before sub-section parsing (configparser's join and rstrip). */
  value(e: number): string {
    const m = this.more.size === 0 ? undefined : this.more.get(e);
    return m ? joinValue([this.firstValue(e), ...m.parts]) : this.firstValue(e);
  }
  /** 0-based last line of entry e's value. */
  entryEnd(e: number): number {
    return this.entryEndLine.size === 0
      ? this.entryLine[e]!
      : (this.entryEndLine.get(e) ?? this.entryLine[e]!);
  }
  /** The section with this index as the object form (ScanSection). */
  section(s: number): ScanSection {
    const [a, b] = this.entriesOf(s);
    const entries: ScanEntry[] = new Array(b - a);
    for (let e = a; e < b; e++) entries[e - a] = this.entry(e);
    return {
      name: this.sectionName(s),
      line: this.sectionLine[s]!,
      indent: this.sectionIndent[s]!,
      entries,
      isDefault: this.isDefault(s),
      duplicate: this.isDuplicate(s),
    };
  }
  /** Entry e as the object form (ScanEntry). */
  entry(e: number): ScanEntry {
    const line = this.entryLine[e]!;
    const rawKey = this.rawKey(e);
    const m = this.more.size === 0 ? undefined : this.more.get(e);
    return {
      key: rawKey.toLowerCase(),
      rawKey,
      delimiter: this.isColon(e) ? ":" : "=",
      line,
      end: this.entryEnd(e),
      indent: this.keyStart(e) - this.lineStart[line]!,
      value: this.firstValue(e),
      more: m ? [...m.parts] : undefined,
      moreLines: m ? [...m.lines] : undefined,
    };
  }
}

/** FNV-1a over UTF-16 code units (section names: the first-header table of LineScan). */
function hashRange(t: string, a: number, z: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < z; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  return h;
}
const hashString = (s: string): number => hashRange(s, 0, s.length);

/** Upper bound of the number of lines of a text (line breaks + 1). */
function lineCapacity(text: string, hasCr: boolean): number {
  let n = 1;
  for (let p = text.indexOf("\n"); p !== -1; p = text.indexOf("\n", p + 1)) n++;
  if (hasCr) for (let p = text.indexOf("\r"); p !== -1; p = text.indexOf("\r", p + 1)) n++;
  return n;
}

/** The compact scan of a text (see LineScan); `scan` gives the object form. */
export function scanLines(text: string, opts: ScanOptions = {}): LineScan {
  const hasCr = text.indexOf("\r") !== -1;
  const ls = new LineScan(text, lineCapacity(text, hasCr));
  const len = text.length;
  const stopAtRefusal = opts.stopAtRefusal === true;
  const errors = ls.errors;
  const { lineStart, kinds } = ls;
  let checked = 0;
  // configparser's `elements_added`, kept lean: the first header of each name; the headers of a name
  // seen more than once (only [DEFAULT] in a file botocore accepts); the keys of the current section
  // (of every header of its name when the name repeats).
  let groupKeys: Map<string, Set<string>> | undefined;
  let curSect = -1;
  // The keys of the current section as hashes of their lower-cased text and entry indices (no string
  // per entry), or, in a large section or a repeated name, as a Set of the keys.
  const curHashes: number[] = [];
  const curEntries: number[] = [];
  let curKeySet: Set<string> | undefined;
  // The entry that continuation lines append to (configparser's `cursect[optname]`), or -1.
  let curEntry = -1;
  // configparser's `optname` truthiness: a failed option line keeps the previous one.
  let optname = false;
  let indentLevel = 0;
  const pendingBlanks: number[] = [];
  const addPart = (e: number, part: string, line: number) => {
    const m = ls.more.get(e);
    if (m === undefined) ls.more.set(e, { parts: [part], lines: [line] });
    else {
      m.parts.push(part);
      m.lines.push(line);
    }
  };

  let pos = 0;
  for (let i = 0; pos < len; i++) {
    if (stopAtRefusal && errors.length !== checked) {
      let stop = false;
      for (let k = checked; k < errors.length; k++) if (errors[k]!.immediate) stop = true;
      if (stop) break;
      checked = errors.length;
    }
    // The next line, split the universal-newline way (\r\n, \r, \n).
    const ls0 = pos;
    let le: number;
    if (!hasCr) {
      const nl = text.indexOf("\n", pos);
      le = nl === -1 ? len : nl;
      pos = nl === -1 ? len : nl + 1;
    } else {
      let p = pos;
      while (p < len) {
        const c = text.charCodeAt(p);
        if (c === 10 || c === 13) break;
        p++;
      }
      le = p;
      pos = p >= len ? len : text.charCodeAt(p) === 13 && text.charCodeAt(p + 1) === 10 ? p + 2 : p + 1;
    }
    lineStart[i] = ls0;
    lineStart[i + 1] = pos;
    ls.lineCount = i + 1;
    let start = ls0;
    while (start < le && isPyWs(text.charCodeAt(start))) start++;
    let end = le;
    while (end > start && isPyWs(text.charCodeAt(end - 1))) end--;
    let bom = false;
    if (i === 0 && le > ls0 && text.charCodeAt(ls0) === 0xfeff) {
      // Python decodes the BOM as U+FEFF (not whitespace): the first line is a key before any section.
      errors.push({
        line: 1,
        code: "bom",
        message: "the file starts with a UTF-8 byte-order mark (BOM), which botocore cannot read",
        immediate: true,
      });
      kinds[i] = KIND_INVALID;
      bom = true;
      // configparser stops here (MissingSectionHeaderError); keep scanning without the BOM for lint.
    }
    if (start >= end) {
      // configparser appends "" for a blank line inside a value; trailing ones are stripped again, so
      // they are only materialized once a continuation line follows.
      if (optname && curEntry !== -1) pendingBlanks.push(i);
      if (kinds[i] === 0) kinds[i] = KIND_BLANK;
      continue;
    }
    const c0 = text.charCodeAt(start);
    if (c0 === 0x23 /* # */ || c0 === 0x3b /* ; */) {
      if (kinds[i] === 0) kinds[i] = KIND_COMMENT;
      continue;
    }
    if (curSect !== -1 && optname && start - ls0 > indentLevel) {
      if (curEntry !== -1) {
        for (const p of pendingBlanks) addPart(curEntry, "", p);
        if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
        addPart(curEntry, text.slice(start, end), i);
        ls.entryEndLine.set(curEntry, i);
      }
      if (kinds[i] === 0) kinds[i] = KIND_CONTINUATION;
      continue;
    }
    indentLevel = start - ls0;
    // The stripped body (without the BOM on a first line that has one).
    let b = bom && start === ls0 ? start + 1 : start;
    if (bom && start === ls0) while (b < end && isPyWs(text.charCodeAt(b))) b++;
    if (b >= end) continue; // a lone BOM
    if (text.charCodeAt(b) === 0x5b /* [ */) {
      // SECTCRE `\[(?P<header>.+)\]`, matched at the start: the header runs to the LAST "]".
      const close = text.lastIndexOf("]", end - 1);
      if (close >= b + 2) {
        const s = ls.sectionCount++;
        if (s >= ls.sectionLine.length) ls.growSections();
        ls.sectionLine[s] = i;
        ls.sectionIndent[s] = start - ls0;
        ls.sectionNameStart[s] = b + 1;
        ls.sectionNameEnd[s] = close;
        ls.sectionEntry[s] = ls.entryCount;
        // (hashRange, inline: one call per header made the small function V8's first to optimize.)
        let sh = 0x811c9dc5;
        for (let p = b + 1; p < close; p++) sh = Math.imul(sh ^ text.charCodeAt(p), 0x01000193);
        ls.sectionHash[s] = sh;
        const isDefault = close - b - 1 === DEFAULT_SECTION.length && text.startsWith(DEFAULT_SECTION, b + 1);
        const first = ls.firstOf(s);
        const duplicate = !isDefault && first !== s;
        ls.sectionFlags[s] = (isDefault ? 1 : 0) | (duplicate ? 2 : 0);
        if (duplicate) {
          errors.push({
            line: i + 1,
            code: "duplicate_section",
            message: `section [${ls.sectionName(s)}] appears more than once`,
            immediate: true,
          });
        }
        curSect = s;
        curKeySet = undefined;
        curHashes.length = 0;
        curEntries.length = 0;
        if (first !== s) {
          const name = ls.sectionName(s);
          ls.repeats ??= new Map();
          let group = ls.repeats.get(name);
          groupKeys ??= new Map();
          let keys = groupKeys.get(name);
          if (group === undefined || keys === undefined) {
            group = [first];
            ls.repeats.set(name, group);
            keys = new Set();
            const [a, z] = ls.entriesOf(first);
            for (let e = a; e < z && e < ls.entryCount; e++) keys.add(ls.key(e));
            groupKeys.set(name, keys);
          }
          group.push(s);
          curKeySet = keys;
        }
        if (kinds[i] === 0) kinds[i] = KIND_HEADER;
        optname = false;
        curEntry = -1;
        if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
        continue;
      }
    }
    if (curSect === -1) {
      if (kinds[i] !== KIND_INVALID) {
        errors.push({
          line: i + 1,
          code: "missing_section_header",
          message: "a line before the first [section] header",
          immediate: true,
        });
      }
      kinds[i] = KIND_INVALID;
      continue;
    }
    // OPTCRE `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the first "=" or ":" is the delimiter.
    // The key (up to its last non-whitespace character) is hashed lower-cased on the way (configparser's
    // optionxform): no string per entry unless a key has non-ASCII characters or may repeat.
    let d = b;
    let h = 0x811c9dc5;
    let kh = h;
    let ke = b;
    let nonAscii = false;
    while (d < end) {
      let c = text.charCodeAt(d);
      if (c === 0x3d /* = */ || c === 0x3a /* : */) break;
      if (c >= 0x80) nonAscii = true;
      else if (c >= 0x41 && c <= 0x5a) c += 32;
      h = Math.imul(h ^ c, 0x01000193);
      d++;
      if (!isPyWs(c)) {
        kh = h;
        ke = d;
      }
    }
    if (d >= end) {
      errors.push({
        line: i + 1,
        code: "no_delimiter",
        message: "a line that is neither a [section], a key = value, a comment nor an indented continuation",
        immediate: false,
      });
      kinds[i] = KIND_INVALID;
      continue;
    }
    let key: string | undefined;
    if (nonAscii) {
      key = text.slice(b, ke).toLowerCase();
      kh = hashString(key);
    }
    if (ke === b) {
      errors.push({ line: i + 1, code: "empty_key", message: "a value without a key", immediate: false });
    }
    let dup = false;
    if (curKeySet) {
      key ??= text.slice(b, ke).toLowerCase();
      dup = curKeySet.has(key);
    } else
      for (let k = 0; k < curHashes.length; k++) {
        if (curHashes[k] !== kh) continue;
        key ??= text.slice(b, ke).toLowerCase();
        if (ls.key(curEntries[k]!) === key) {
          dup = true;
          break;
        }
      }
    if (dup) {
      errors.push({
        line: i + 1,
        code: "duplicate_key",
        message: `key "${key}" appears more than once in section [${ls.sectionName(curSect)}]`,
        immediate: true,
      });
    }
    const e = ls.entryCount++;
    if (e >= ls.entryLine.length) ls.growEntries();
    ls.entryLine[e] = i;
    ls.entryDelim[e] = d;
    if (curKeySet) curKeySet.add(key ?? text.slice(b, ke).toLowerCase());
    else {
      curHashes.push(kh);
      curEntries.push(e);
      if (curEntries.length > 16) {
        curKeySet = new Set();
        for (const x of curEntries) curKeySet.add(ls.key(x));
      }
    }
    curEntry = e;
    if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
    optname = ke !== b;
    if (kinds[i] === 0) kinds[i] = ke === b ? KIND_INVALID : KIND_ENTRY;
  }
  ls.sectionEntry[ls.sectionCount] = ls.entryCount;
  // configparser raises the first immediate error as it meets it; deferred ones only at the end.
  ls.refusal = errors.find((e) => e.immediate) ?? errors[0];
  return ls;
}

/** The object form of a compact scan: line texts, kinds and sections built on first read. */
export function scanView(ls: LineScan): Scan {
  let texts: string[] | undefined;
  let kinds: LineKind[] | undefined;
  let sections: ScanSection[] | undefined;
  return {
    lines: ls,
    errors: ls.errors,
    refusal: ls.refusal,
    get texts(): string[] {
      if (texts === undefined) {
        texts = new Array(ls.lineCount);
        for (let i = 0; i < ls.lineCount; i++) texts[i] = ls.lineText(i);
      }
      return texts;
    },
    get kinds(): LineKind[] {
      if (kinds === undefined) {
        kinds = new Array(ls.lineCount);
        for (let i = 0; i < ls.lineCount; i++) kinds[i] = ls.kind(i);
      }
      return kinds;
    },
    get sections(): ScanSection[] {
      if (sections === undefined) {
        sections = new Array(ls.sectionCount);
        for (let s = 0; s < ls.sectionCount; s++) sections[s] = ls.section(s);
      }
      return sections;
    },
  };
}

/**
 * Scan a text (or lines without their breaks, as the document keeps them). The object form; the
 * compact scan is `.lines`.
 */
export function scan(input: string | readonly string[], opts: ScanOptions = {}): Scan {
  // Lines are joined with a break after each, so a last empty line stays a line.
  const text = typeof input === "string" ? input : input.length === 0 ? "" : `${input.join("\n")}\n`;
  return scanView(scanLines(text, opts));
}

/** configparser's `'\n'.join(parts).rstrip()` — the value botocore sees before sub-section parsing. */
export function joinValue(parts: string[]): string {
  return pyRstrip(parts.join("\n"));
}
