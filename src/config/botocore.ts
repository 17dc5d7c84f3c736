/**
 * The read view with botocore's exact semantics (docs/reference.md §1.2): what
 * `botocore.configloader.raw_config_parse` returns for a file, and how `build_profile_map` turns its
 * section names into profiles, sso-sessions and services. Pure: text in, values out.
 *
 * Ordered maps are used throughout because botocore's dicts keep insertion order (and plain JS objects
 * would move integer-like keys to the front).
 */
import { configError, type PorticoError } from "../errors";
import {
  entryPartLines,
  entryParts,
  entryValue,
  PY_WS,
  type Scan,
  type ScanEntry,
  type ScanError,
  scan,
} from "./scan";

export type RawValue = string | Map<string, string>;
export type RawSection = Map<string, RawValue>;
/** `raw_config_parse` output: section name as written → key → value or sub-section. */
export type RawConfig = Map<string, RawSection>;

/** Where each value came from (1-based lines), parallel to RawConfig. */
export interface RawLocations {
  /** section name → header line (the first header for that name). */
  sections: Map<string, number>;
  /** section name → key → line of the key (own key, or the [DEFAULT] key it inherits). */
  keys: Map<string, Map<string, number>>;
}

export interface ParsedConfig {
  scan: Scan;
  raw: RawConfig;
  locations: RawLocations;
  /** Every refusal botocore would raise (scan errors + sub-section errors), in line order. */
  errors: ScanError[];
  /** The one botocore raises first, if any. */
  refusal: ScanError | undefined;
}

// Python str.splitlines() boundaries.
const PY_SPLITLINES = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const PY_STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, "g");
const strip = (s: string): string => s.replace(PY_STRIP, "");

/** botocore `_parse_nested`: one level of `k = v` lines; a line without "=" is an error (returns its index). */
function parseNested(value: string): Map<string, string> | { badLine: number } {
  const out = new Map<string, string>();
  const lines = value.split(PY_SPLITLINES);
  for (let i = 0; i < lines.length; i++) {
    const line = strip(lines[i]!);
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq === -1) return { badLine: i };
    out.set(strip(line.slice(0, eq)), strip(line.slice(eq + 1)));
  }
  return out;
}

/**
 * The refusal botocore would raise for a scanned text, without building the read view: the scan's own
 * refusal, else the first sub-section line without "=" in any value a non-[DEFAULT] section reads.
 * Equal to `parseConfigText(text).refusal` (checked by the differential tests).
 */
export function scanRefusal(s: Scan): ScanError | undefined {
  if (s.refusal) return s.refusal;
  // botocore meets sub-section errors in its iteration order: sections in order, own keys, then [DEFAULT]'s.
  const nestedError = (e: ScanEntry): ScanError | undefined => {
    if (e.more === undefined || e.value !== "") return undefined;
    const value = entryValue(e);
    if (!value.startsWith("\n")) return undefined;
    const nested = parseNested(value);
    if (nested instanceof Map) return undefined;
    return {
      line: lineOfNested(nested.badLine, entryParts(e), entryPartLines(e)) + 1,
      code: "nested_no_equals",
      message: `the sub-section line under "${e.key}" has no "=" (sub-section keys take "=" only)`,
      immediate: true,
    };
  };
  // Only multi-line values can hold sub-sections: most files have none, so skip the rest.
  if (!s.sections.some((sec) => sec.entries.some((e) => e.value === "" && e.more !== undefined)))
    return undefined;
  const defaults = new Map<string, ScanEntry>();
  const own = new Map<string, Map<string, ScanEntry>>();
  for (const sec of s.sections) {
    if (sec.isDefault) {
      for (const e of sec.entries) defaults.set(e.key, e);
      continue;
    }
    let m = own.get(sec.name);
    if (!m) {
      m = new Map();
      own.set(sec.name, m);
    }
    for (const e of sec.entries) m.set(e.key, e);
  }
  for (const m of own.values()) {
    for (const e of m.values()) {
      const err = nestedError(e);
      if (err) return err;
    }
    for (const [k, e] of defaults) {
      if (m.has(k)) continue;
      const err = nestedError(e);
      if (err) return err;
    }
  }
  return undefined;
}

/**
 * Parse like `raw_config_parse(path)`. Never throws: refusals are in `errors`/`refusal`.
 * Use `parseOrThrow` to turn a refusal into the PorticoError "config_parse".
 */
export function parseConfigText(text: string, opts: { allErrors?: boolean } = {}): ParsedConfig {
  // Reading stops at the first refusal, as botocore does; a linter asks for every problem.
  return parseScan(scan(text, { stopAtRefusal: opts.allErrors !== true }));
}

/** The read view of an existing scan (see parseConfigText). */
export function parseScan(s: Scan): ParsedConfig {
  const raw: RawConfig = new Map();
  const locations: RawLocations = { sections: new Map(), keys: new Map() };
  const errors = [...s.errors];
  const nestedErrors: ScanError[] = [];
  const readValue = (k: string, e: ScanEntry): RawValue => {
    if (e.more === undefined) return e.value;
    const value = entryValue(e);
    if (!value.startsWith("\n")) return value;
    const nested = parseNested(value);
    if (nested instanceof Map) return nested;
    // Map the failing line of the joined value back to a file line.
    const line = lineOfNested(nested.badLine, entryParts(e), entryPartLines(e)) + 1;
    if (!nestedErrors.some((x) => x.line === line)) {
      nestedErrors.push({
        line,
        code: "nested_no_equals",
        message: `the sub-section line under "${k}" has no "=" (sub-section keys take "=" only)`,
        immediate: true,
      });
    }
    return value;
  };
  const defaults = new Map<string, ScanEntry>();
  for (const sec of s.sections) if (sec.isDefault) for (const e of sec.entries) defaults.set(e.key, e);
  // Section by section as botocore iterates: own keys, then the [DEFAULT] keys not overridden
  // (configparser `options()`); a repeated header (a refusal unless [DEFAULT]) merges like configparser.
  let repeated = false;
  for (const sec of s.sections) {
    if (sec.isDefault) continue;
    if (raw.has(sec.name)) {
      repeated = true;
      continue;
    }
    const section: RawSection = new Map();
    const keyLines = new Map<string, number>();
    raw.set(sec.name, section);
    locations.keys.set(sec.name, keyLines);
    locations.sections.set(sec.name, sec.line + 1);
    for (const e of sec.entries) {
      section.set(e.key, readValue(e.key, e));
      keyLines.set(e.key, e.line + 1);
    }
    if (defaults.size !== 0)
      for (const [k, e] of defaults) {
        if (section.has(k)) continue;
        section.set(k, readValue(k, e));
        keyLines.set(k, e.line + 1);
      }
  }
  if (repeated) {
    // Only in files botocore refuses (duplicate sections): merge later headers' keys for lint's sake.
    const first = new Set<string>();
    for (const sec of s.sections) {
      if (sec.isDefault) continue;
      if (!first.has(sec.name)) {
        first.add(sec.name);
        continue;
      }
      const section = raw.get(sec.name)!;
      const keyLines = locations.keys.get(sec.name)!;
      for (const e of sec.entries) {
        section.set(e.key, readValue(e.key, e));
        keyLines.set(e.key, e.line + 1);
      }
    }
  }
  if (nestedErrors.length > 0) {
    errors.push(...nestedErrors);
    errors.sort((a, b) => a.line - b.line);
  }
  // Scan refusals come first (configparser raises while reading); sub-section errors only after.
  const refusal = s.refusal ?? nestedErrors[0];
  return { scan: s, raw, locations, errors, refusal };
}

function lineOfNested(badLine: number, parts: string[], partLines: number[]): number {
  // Count value lines (split as Python does) until the failing one; parts map 1:1 to file lines unless a
  // part itself contains one of splitlines' extra separators (\v, \f, ...), handled by counting them.
  let acc = 0;
  for (let j = 0; j < parts.length; j++) {
    const n = parts[j]!.split(PY_SPLITLINES).length;
    if (badLine < acc + n) return partLines[j] ?? partLines[0]!;
    acc += n;
  }
  return partLines[partLines.length - 1]!;
}

/** Python `shlex.split(s)` (POSIX mode, no comments). Throws on an unclosed quote or trailing escape. */
export function shlexSplit(s: string): string[] {
  const WS = " \t\r\n";
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  for (;;) {
    // read_token
    let token = "";
    let quoted = false;
    let state: string = " ";
    let escapedState = " ";
    let done = false;
    while (!done) {
      const c = i < n ? s[i++]! : "";
      if (state === " ") {
        if (c === "") {
          done = true;
          state = "eof";
        } else if (WS.includes(c)) {
          if (token || quoted) done = true;
        } else if (c === "\\") {
          escapedState = "a";
          state = c;
        } else if (c === "'" || c === '"') {
          state = c;
        } else {
          token = c;
          state = "a";
        }
      } else if (state === "'" || state === '"') {
        quoted = true;
        if (c === "") throw new Error("No closing quotation");
        if (c === state) state = "a";
        else if (c === "\\" && state === '"') {
          escapedState = state;
          state = c;
        } else token += c;
      } else if (state === "\\") {
        if (c === "") throw new Error("No escaped character");
        if ((escapedState === "'" || escapedState === '"') && c !== state && c !== escapedState)
          token += state;
        token += c;
        state = escapedState;
      } else if (state === "a") {
        if (c === "") {
          done = true;
          state = "eof";
        } else if (WS.includes(c)) {
          state = " ";
          if (token || quoted) done = true;
        } else if (c === "'" || c === '"') {
          state = c;
        } else if (c === "\\") {
          escapedState = "a";
          state = c;
        } else token += c;
      }
    }
    if (!quoted && token === "") {
      if (state === "eof") return out;
      continue;
    }
    out.push(token);
    if (state === "eof") {
      // The next read_token call would return None.
      return out;
    }
  }
}

export interface ProfileMap {
  /** Profile name → section name it was read from (the later one for default). */
  profiles: Map<string, string>;
  ssoSessions: Map<string, string>;
  services: Map<string, string>;
  /** Sections that are none of these (e.g. [preview], [Default], [ default ]). */
  other: string[];
}

/** shlex's whitespace in posix mode with whitespace_split (what `shlex.split` uses). */
const SHLEX_WS = /[ \t\r\n]+/;

function nameFromHeader(header: string): string | undefined {
  // Without quotes or backslashes shlex.split is a split on its whitespace (the usual header; a
  // config with 21,000 profiles has 21,000 of them): no tokenizer needed.
  if (header.indexOf("'") === -1 && header.indexOf('"') === -1 && header.indexOf("\\") === -1) {
    const words = header.split(SHLEX_WS);
    const a = words[0] === "" ? 1 : 0;
    const b = words[words.length - 1] === "" ? words.length - 1 : words.length;
    return b - a === 2 ? words[a + 1] : undefined;
  }
  let parts: string[];
  try {
    parts = shlexSplit(header);
  } catch {
    return undefined;
  }
  return parts.length === 2 ? parts[1] : undefined;
}

/** botocore `build_profile_map` over section names (in file order). */
export function buildProfileMap(sectionNames: Iterable<string>): ProfileMap {
  const map: ProfileMap = { profiles: new Map(), ssoSessions: new Map(), services: new Map(), other: [] };
  for (const key of sectionNames) {
    if (key.startsWith("profile")) {
      const n = nameFromHeader(key);
      if (n !== undefined) map.profiles.set(n, key);
    } else if (key.startsWith("sso-session")) {
      const n = nameFromHeader(key);
      if (n !== undefined) map.ssoSessions.set(n, key);
    } else if (key.startsWith("services")) {
      const n = nameFromHeader(key);
      if (n !== undefined) map.services.set(n, key);
    } else if (key === "default") {
      map.profiles.set("default", key);
    } else map.other.push(key);
  }
  return map;
}

/** The `config_parse` PorticoError for a refused file (exit 3), naming file:line and the problem. */
export function parseError(file: string, err: ScanError, displayFile = file): PorticoError {
  return configError(
    "config_parse",
    `${displayFile}:${err.line}: ${err.message} (botocore and the AWS CLI refuse this file)`,
    {
      hint: `fix that line (see every problem with: portico config lint ${displayFile})`,
      details: { file, line: err.line, problem: err.code },
    },
  );
}

/** Parse and throw the "config_parse" error on a file botocore refuses. */
export function parseOrThrow(text: string, file: string, displayFile = file): ParsedConfig {
  const parsed = parseConfigText(text);
  if (parsed.refusal) throw parseError(file, parsed.refusal, displayFile);
  return parsed;
}

/** JSON of a raw parse in botocore's key order (integer-like keys stay where they are). */
export function rawConfigToJson(raw: RawConfig, indent = 2): string {
  const pad = (d: number) => " ".repeat(indent * d);
  const nl = indent > 0 ? "\n" : "";
  const sep = indent > 0 ? ": " : ":";
  const obj = (entries: [string, string][], d: number): string =>
    entries.length === 0
      ? "{}"
      : `{${nl}${entries.map(([k, v]) => `${pad(d + 1)}${JSON.stringify(k)}${sep}${v}`).join(`,${nl}`)}${nl}${pad(d)}}`;
  return obj(
    [...raw].map(([name, sec]) => [
      name,
      obj(
        [...sec].map(([k, v]) => [
          k,
          typeof v === "string"
            ? JSON.stringify(v)
            : obj(
                [...v].map(([a, b]) => [a, JSON.stringify(b)]),
                2,
              ),
        ]),
        1,
      ),
    ]),
    0,
  );
}

/** Ordered pairs form (what the differential tests compare). */
export function rawConfigToPairs(raw: RawConfig): [string, [string, string | [string, string][]][]][] {
  return [...raw].map(([name, sec]) => [
    name,
    [...sec].map(([k, v]) => [k, typeof v === "string" ? v : [...v]]),
  ]);
}
