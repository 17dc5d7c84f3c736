/**
 * A line-exact port of Python's `configparser.RawConfigParser._read` with the defaults botocore uses
 * (`=`/`:` delimiters, `#`/`;` whole-line comments, no inline comments, empty lines kept in values,
 * strict duplicates, section "DEFAULT" as the defaults section). Pure: text in, structure out.
 *
 * It does not throw: every problem configparser would raise is collected as a ScanError with its
 * 1-based line, so a linter can report them all; `refusal` is the one configparser would raise first
 * (aws-reference.md §1.2). The document model (document.ts) and the botocore read view (botocore.ts)
 * are both built on this scan, so what portico edits is exactly what botocore reads.
 */

/** A physical line: its text without the line break, and the break itself ("" on a last line without one). */
export interface Line {
  text: string;
  eol: "\n" | "\r\n" | "\r" | "";
}

/** Python's str.isspace() / re `\s` set (Unicode), which differs from JavaScript's `\s` and trim(). */
export const PY_WS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEAD_WS = new RegExp(`^[${PY_WS}]+`);
const TRAIL_WS = new RegExp(`[${PY_WS}]+$`);
const NONSPACE = new RegExp(`[^${PY_WS}]`);
// SECTCRE `\[(?P<header>.+)\]` with re.match (anchored at the start only; `.` excludes only "\n").
const SECTCRE = /^\[(.+)\]/s;
// OPTCRE `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`.
const OPTCRE = new RegExp(`^(.*?)[${PY_WS}]*(=|:)[${PY_WS}]*(.*)$`, "s");

export const pyStrip = (s: string): string => s.replace(LEAD_WS, "").replace(TRAIL_WS, "");
export const pyRstrip = (s: string): string => s.replace(TRAIL_WS, "");
export const pyLstrip = (s: string): string => s.replace(LEAD_WS, "");

/** Split text into lines the way Python's universal-newline text mode does (\r\n, \r, \n). Lossless. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] as Line["eol"] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: "" });
  return lines;
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
  /** configparser's value list: the first value, then each continuation (stripped) or "" for a blank line. */
  parts: string[];
  /** 0-based line index of each element of `parts`. */
  partLines: number[];
}

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
  lines: Line[];
  kinds: LineKind[];
  /** Sections in file order, [DEFAULT] headers included (isDefault). */
  sections: ScanSection[];
  /** Every problem, in line order. */
  errors: ScanError[];
  /** The error botocore would report (first immediate one, else the first deferred one), if any. */
  refusal: ScanError | undefined;
}

const DEFAULT_SECTION = "DEFAULT";

export function scan(input: string | Line[]): Scan {
  const lines = typeof input === "string" ? splitLines(input) : input;
  const kinds: LineKind[] = new Array(lines.length);
  const sections: ScanSection[] = [];
  const errors: ScanError[] = [];
  const seenSections = new Set<string>();
  const seenOptions = new Set<string>();
  let cursect: ScanSection | undefined;
  // The entry that continuation lines append to (configparser's `cursect[optname]`), if any.
  let curEntry: ScanEntry | undefined;
  // configparser's `optname` truthiness: a failed option line keeps the previous one.
  let optname: string | undefined;
  let indentLevel = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.text;
    const stripped = pyStrip(line);
    if (i === 0 && line.startsWith("\uFEFF")) {
      // Python decodes the BOM as U+FEFF (not whitespace): the first line is a key before any section.
      errors.push({
        line: 1,
        code: "bom",
        message: "the file starts with a UTF-8 byte-order mark (BOM), which botocore cannot read",
        immediate: true,
      });
      kinds[i] = "invalid";
      // configparser stops here (MissingSectionHeaderError); keep scanning without the BOM for lint.
    }
    if (stripped.startsWith("#") || stripped.startsWith(";")) {
      kinds[i] = "comment";
      continue;
    }
    if (stripped === "") {
      if (cursect !== undefined && optname && curEntry !== undefined) {
        curEntry.parts.push("");
        curEntry.partLines.push(i);
      }
      kinds[i] = "blank";
      continue;
    }
    const firstNonSpace = line.search(NONSPACE);
    const curIndent = firstNonSpace === -1 ? 0 : firstNonSpace;
    if (cursect !== undefined && optname && curIndent > indentLevel) {
      if (curEntry) {
        curEntry.parts.push(stripped);
        curEntry.partLines.push(i);
        curEntry.end = i;
      }
      kinds[i] ??= "continuation";
      continue;
    }
    indentLevel = curIndent;
    const body =
      i === 0 && stripped.startsWith("\uFEFF") && kinds[i] === "invalid" ? stripped.slice(1) : stripped;
    const sm = SECTCRE.exec(body);
    if (sm) {
      const name = sm[1]!;
      const isDefault = name === DEFAULT_SECTION;
      const duplicate = !isDefault && seenSections.has(name);
      if (duplicate) {
        errors.push({
          line: i + 1,
          code: "duplicate_section",
          message: `section [${name}] appears more than once`,
          immediate: true,
        });
      }
      if (!isDefault) seenSections.add(name);
      cursect = { name, line: i, indent: curIndent, entries: [], isDefault, duplicate };
      sections.push(cursect);
      kinds[i] ??= "header";
      optname = undefined;
      curEntry = undefined;
      continue;
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
    const om = OPTCRE.exec(body);
    if (!om) {
      errors.push({
        line: i + 1,
        code: "no_delimiter",
        message: "a line that is neither a [section], a key = value, a comment nor an indented continuation",
        immediate: false,
      });
      kinds[i] = "invalid";
      continue;
    }
    const rawKey = pyRstrip(om[1]!);
    const key = rawKey.toLowerCase();
    if (rawKey === "") {
      errors.push({ line: i + 1, code: "empty_key", message: "a value without a key", immediate: false });
    }
    const optId = `${cursect.name}\u0000${key}`;
    if (seenOptions.has(optId)) {
      errors.push({
        line: i + 1,
        code: "duplicate_key",
        message: `key "${key}" appears more than once in section [${cursect.name}]`,
        immediate: true,
      });
    }
    seenOptions.add(optId);
    const entry: ScanEntry = {
      key,
      rawKey,
      delimiter: om[2] as "=" | ":",
      line: i,
      end: i,
      indent: curIndent,
      parts: [pyStrip(om[3]!)],
      partLines: [i],
    };
    cursect.entries.push(entry);
    curEntry = entry;
    optname = key;
    kinds[i] ??= rawKey === "" ? "invalid" : "entry";
  }
  // configparser raises the first immediate error as it meets it; deferred ones only at the end.
  const refusal = errors.find((e) => e.immediate) ?? errors[0];
  return { lines, kinds, sections, errors, refusal };
}

/** configparser's `'\n'.join(parts).rstrip()` — the value botocore sees before sub-section parsing. */
export function joinValue(parts: string[]): string {
  return pyRstrip(parts.join("\n"));
}
