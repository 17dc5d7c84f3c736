/**
 * A line-exact port of Python's `configparser.RawConfigParser._read` with the defaults botocore uses
 * (`=`/`:` delimiters, `#`/`;` whole-line comments, no inline comments, empty lines kept in values,
 * strict duplicates, section "DEFAULT" as the defaults section). Pure: text in, structure out.
 *
 * It does not throw: every problem configparser would raise is collected as a ScanError with its
 * 1-based line, so a linter can report them all; `refusal` is the one configparser would raise first
 * (docs/reference.md §1.2). The document model (document.ts) and the botocore read view (botocore.ts)
 * are both built on this scan, so what portico edits is exactly what botocore reads.
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
}

const DEFAULT_SECTION = "DEFAULT";

/** Python str.isspace() for one UTF-16 code unit (every Python whitespace character is in the BMP). */
function isPyWs(c: number): boolean {
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

function addPart(e: ScanEntry, part: string, line: number): void {
  if (e.more === undefined || e.moreLines === undefined) {
    e.more = [part];
    e.moreLines = [line];
  } else {
    e.more.push(part);
    e.moreLines.push(line);
  }
}

const blankKind: LineKind = "blank";
const commentKind: LineKind = "comment";

export interface ScanOptions {
  /**
   * Stop at the first refusal configparser raises at once (duplicate section or key, a line before
   * any section, a BOM), as botocore does: a huge file with a duplicate near the top is refused in
   * microseconds (docs/benchmarks.md "Huge files"). `texts`/`kinds` then cover the lines read so far.
   */
  stopAtRefusal?: boolean;
}

export function scan(input: string | string[], opts: ScanOptions = {}): Scan {
  // A text without "\r" is read line by line as the scan goes (no up-front split: nothing is split
  // that an early refusal would not read); other texts are split the universal-newline way first.
  const lazy = typeof input === "string" && input.indexOf("\r") === -1 ? input : undefined;
  const texts = lazy !== undefined ? [] : typeof input === "string" ? splitLines(input).texts : input;
  const n = lazy !== undefined ? Number.POSITIVE_INFINITY : texts.length;
  let pos = 0;
  const stopAtRefusal = opts.stopAtRefusal === true;
  let checked = 0;
  const kinds: LineKind[] = lazy !== undefined ? [] : new Array(n);
  const sections: ScanSection[] = [];
  const errors: ScanError[] = [];
  // configparser's `elements_added`, kept lean: the first header of each name; the headers of a name
  // seen more than once (only [DEFAULT] in a file botocore accepts); the keys already seen in the current
  // section are its entries (a Set only once there are many).
  const seen = new Map<string, ScanSection>();
  let repeats: Map<string, ScanSection[]> | undefined;
  let cursect: ScanSection | undefined;
  let curGroup: ScanSection[] | undefined;
  let curKeySet: Set<string> | undefined;
  const hasKey = (key: string): boolean => {
    if (curKeySet) return curKeySet.has(key);
    if (curGroup) {
      for (const sec of curGroup) for (const e of sec.entries) if (e.key === key) return true;
      return false;
    }
    for (const e of cursect!.entries) if (e.key === key) return true;
    return false;
  };
  // The entry that continuation lines append to (configparser's `cursect[optname]`), if any.
  let curEntry: ScanEntry | undefined;
  // configparser's `optname` truthiness: a failed option line keeps the previous one.
  let optname = false;
  let indentLevel = 0;
  const pendingBlanks: number[] = [];

  for (let i = 0; i < n; i++) {
    if (stopAtRefusal && errors.length !== checked) {
      let stop = false;
      for (let k = checked; k < errors.length; k++) if (errors[k]!.immediate) stop = true;
      if (stop) break;
      checked = errors.length;
    }
    let line: string;
    if (lazy !== undefined) {
      if (pos >= lazy.length) break;
      const nl = lazy.indexOf("\n", pos);
      line = nl === -1 ? lazy.slice(pos) : lazy.slice(pos, nl);
      pos = nl === -1 ? lazy.length : nl + 1;
      texts.push(line);
    } else line = texts[i]!;
    const len = line.length;
    let start = 0;
    while (start < len && isPyWs(line.charCodeAt(start))) start++;
    let end = len;
    while (end > start && isPyWs(line.charCodeAt(end - 1))) end--;
    let bom = false;
    if (i === 0 && len > 0 && line.charCodeAt(0) === 0xfeff) {
      // Python decodes the BOM as U+FEFF (not whitespace): the first line is a key before any section.
      errors.push({
        line: 1,
        code: "bom",
        message: "the file starts with a UTF-8 byte-order mark (BOM), which botocore cannot read",
        immediate: true,
      });
      kinds[i] = "invalid";
      bom = true;
      // configparser stops here (MissingSectionHeaderError); keep scanning without the BOM for lint.
    }
    if (start >= end) {
      // configparser appends "" for a blank line inside a value; trailing ones are stripped again, so
      // they are only materialized once a continuation line follows.
      if (optname && curEntry !== undefined) pendingBlanks.push(i);
      kinds[i] ??= blankKind;
      continue;
    }
    const c0 = line.charCodeAt(start);
    if (c0 === 0x23 /* # */ || c0 === 0x3b /* ; */) {
      kinds[i] ??= commentKind;
      continue;
    }
    if (cursect !== undefined && optname && start > indentLevel) {
      if (curEntry) {
        for (const p of pendingBlanks) addPart(curEntry, "", p);
        if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
        addPart(curEntry, line.slice(start, end), i);
        curEntry.end = i;
      }
      kinds[i] ??= "continuation";
      continue;
    }
    indentLevel = start;
    // The stripped body (without the BOM on a first line that has one).
    let b = bom && start === 0 ? 1 : start;
    if (bom && start === 0) while (b < end && isPyWs(line.charCodeAt(b))) b++;
    if (b >= end) continue; // a lone BOM
    if (line.charCodeAt(b) === 0x5b /* [ */) {
      // SECTCRE `\[(?P<header>.+)\]`, matched at the start: the header runs to the LAST "]".
      const close = line.lastIndexOf("]", end - 1);
      if (close >= b + 2) {
        const name = line.slice(b + 1, close);
        const isDefault = name === DEFAULT_SECTION;
        const first = seen.get(name);
        const duplicate = !isDefault && first !== undefined;
        if (duplicate) {
          errors.push({
            line: i + 1,
            code: "duplicate_section",
            message: `section [${name}] appears more than once`,
            immediate: true,
          });
        }
        cursect = { name, line: i, indent: start, entries: [], isDefault, duplicate };
        curKeySet = undefined;
        curGroup = undefined;
        if (first === undefined) seen.set(name, cursect);
        else {
          repeats ??= new Map();
          curGroup = repeats.get(name);
          if (curGroup === undefined) {
            curGroup = [first];
            repeats.set(name, curGroup);
          }
          curGroup.push(cursect);
        }
        sections.push(cursect);
        kinds[i] ??= "header";
        optname = false;
        curEntry = undefined;
        if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
        continue;
      }
    }
    if (cursect === undefined) {
      if (kinds[i] !== "invalid") {
        errors.push({
          line: i + 1,
          code: "missing_section_header",
          message: "a line before the first [section] header",
          immediate: true,
        });
      }
      kinds[i] = "invalid";
      continue;
    }
    // OPTCRE `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the first "=" or ":" is the delimiter.
    let d = b;
    while (d < end) {
      const c = line.charCodeAt(d);
      if (c === 0x3d /* = */ || c === 0x3a /* : */) break;
      d++;
    }
    if (d >= end) {
      errors.push({
        line: i + 1,
        code: "no_delimiter",
        message: "a line that is neither a [section], a key = value, a comment nor an indented continuation",
        immediate: false,
      });
      kinds[i] = "invalid";
      continue;
    }
    let ke = d;
    while (ke > b && isPyWs(line.charCodeAt(ke - 1))) ke--;
    let vs = d + 1;
    while (vs < end && isPyWs(line.charCodeAt(vs))) vs++;
    const rawKey = line.slice(b, ke);
    const key = rawKey.toLowerCase();
    if (rawKey === "") {
      errors.push({ line: i + 1, code: "empty_key", message: "a value without a key", immediate: false });
    }
    if (hasKey(key)) {
      errors.push({
        line: i + 1,
        code: "duplicate_key",
        message: `key "${key}" appears more than once in section [${cursect.name}]`,
        immediate: true,
      });
    }
    const entry: ScanEntry = {
      key,
      rawKey,
      delimiter: line.charCodeAt(d) === 0x3d ? "=" : ":",
      line: i,
      end: i,
      indent: start,
      value: line.slice(vs, end),
      more: undefined,
      moreLines: undefined,
    };
    cursect.entries.push(entry);
    if (curKeySet) curKeySet.add(key);
    else if (cursect.entries.length > 16) {
      curKeySet = new Set();
      for (const sec of curGroup ?? [cursect]) for (const e of sec.entries) curKeySet.add(e.key);
    }
    curEntry = entry;
    if (pendingBlanks.length !== 0) pendingBlanks.length = 0;
    optname = key !== "";
    kinds[i] ??= rawKey === "" ? "invalid" : "entry";
  }
  // configparser raises the first immediate error as it meets it; deferred ones only at the end.
  const refusal = errors.find((e) => e.immediate) ?? errors[0];
  return { texts, kinds, sections, errors, refusal };
}

/** configparser's `'\n'.join(parts).rstrip()` — the value botocore sees before sub-section parsing. */
export function joinValue(parts: string[]): string {
  return pyRstrip(parts.join("\n"));
}
