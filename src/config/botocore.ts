/**
 * The read view with botocore's exact semantics (docs/reference.md §1.2): what
 * `botocore.configloader.raw_config_parse` returns for a file, and how `build_profile_map` turns its
 * section names into profiles, sso-sessions and services. Pure: text in, values out.
 *
 * Ordered maps are used throughout because botocore's dicts keep insertion order (and plain JS objects
 * would move integer-like keys to the front).
 */
import { configError, type PorticoError } from "../errors";
import { LineScan, PY_WS, type Scan, type ScanError, scanLines, scanView } from "./scan";

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
  /** The scan's object form (built on first read of its fields). */
  scan: Scan;
  /** The compact scan (offsets into the text). */
  lines: LineScan;
  /** Built section by section as sections are read (a Map: every Map operation works). */
  raw: RawConfig;
  /** Built on first read. */
  locations: RawLocations;
  /** Every refusal botocore would raise (scan errors + sub-section errors), in line order. */
  errors: ScanError[];
  /** The one botocore raises first, if any. */
  refusal: ScanError | undefined;
  /** One section as botocore reads it (`raw.get(name)` without the map of every section), built once. */
  section(name: string): RawSection | undefined;
  /** One section's key → 1-based line (`locations.keys.get(name)`), built once. */
  keyLines(name: string): Map<string, number> | undefined;
  /** 1-based header line of a section (the first header for that name). */
  headerLine(name: string): number | undefined;
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
 * A Map whose values are made on first read of each key (keys, `has` and `size` need none); iterating
 * values or entries makes them all. Until made, a key holds a number (the hint `make` gets: e.g. the
 * index of its section). Lets a caller that reads two sections of a 21,000-profile file pay for two.
 */
export class LazyMap<V extends object> extends Map<string, V> {
  private readonly make: (key: string, hint: number) => V;
  private pending = 0;
  constructor(make: (key: string, hint: number) => V, keys?: Iterable<string>) {
    super();
    this.make = make;
    if (keys) for (const k of keys) this.later(k, 0);
  }
  /** Add `key` (or change its hint), to be made on first read; a key keeps its first position. */
  later(key: string, hint: number): void {
    const v = super.get(key);
    if (typeof v !== "number") this.pending++;
    super.set(key, hint as unknown as V);
  }
  override get(key: string): V | undefined {
    const v = super.get(key) as V | number | undefined;
    if (typeof v !== "number") return v;
    const made = this.make(key, v);
    super.set(key, made);
    this.pending--;
    return made;
  }
  override set(key: string, value: V): this {
    if (this.pending !== 0 && typeof super.get(key) === "number") this.pending--;
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (this.pending !== 0 && typeof super.get(key) === "number") this.pending--;
    return super.delete(key);
  }
  private fill(): void {
    if (this.pending === 0) return;
    for (const k of super.keys()) this.get(k);
  }
  override values(): ReturnType<Map<string, V>["values"]> {
    this.fill();
    return super.values();
  }
  override entries(): ReturnType<Map<string, V>["entries"]> {
    this.fill();
    return super.entries();
  }
  override [Symbol.iterator](): ReturnType<Map<string, V>["entries"]> {
    this.fill();
    return super[Symbol.iterator]();
  }
  override forEach(cb: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.fill();
    super.forEach(cb, thisArg);
  }
}

/** One section as botocore reads it: values, and the 1-based line of each key. */
interface BuiltSection {
  values: RawSection;
  lines: Map<string, number>;
}

/** The value configparser gives botocore for entry e, sub-sections parsed (botocore `_parse_nested`). */
function readValue(ls: LineScan, e: number): RawValue {
  if (!ls.hasMore(e)) return ls.firstValue(e);
  const value = ls.value(e);
  if (!value.startsWith("\n")) return value;
  const nested = parseNested(value);
  return nested instanceof Map ? nested : value;
}

/** [DEFAULT]'s keys (the last entry of each key, in first-seen order). */
function defaultEntries(ls: LineScan): Map<string, number> {
  const defaults = new Map<string, number>();
  for (let s = 0; s < ls.sectionCount; s++) {
    if (!ls.isDefault(s)) continue;
    const [a, b] = ls.entriesOf(s);
    for (let e = a; e < b; e++) defaults.set(ls.key(e), e);
  }
  return defaults;
}

/** Section `name` as `raw_config_parse` reads it: own keys, then [DEFAULT]'s not overridden, then (refused files) later headers'. */
function buildSection(
  ls: LineScan,
  name: string,
  first: number,
  defaults: () => Map<string, number>,
): BuiltSection {
  const values: RawSection = new Map();
  const lines = new Map<string, number>();
  const [a, b] = ls.entriesOf(first);
  for (let e = a; e < b; e++) {
    const k = ls.key(e);
    values.set(k, readValue(ls, e));
    lines.set(k, ls.entryLine[e]! + 1);
  }
  const d = defaults();
  if (d.size !== 0)
    for (const [k, e] of d) {
      if (values.has(k)) continue;
      values.set(k, readValue(ls, e));
      lines.set(k, ls.entryLine[e]! + 1);
    }
  const group = ls.repeats?.get(name);
  if (group)
    for (const s of group) {
      if (s === first) continue;
      const [x, y] = ls.entriesOf(s);
      for (let e = x; e < y; e++) {
        const k = ls.key(e);
        values.set(k, readValue(ls, e));
        lines.set(k, ls.entryLine[e]! + 1);
      }
    }
  return { values, lines };
}

/**
 * The sub-section errors botocore raises (a line without "=" under `key =`), in the order botocore meets
 * them — sections in order, own keys, then the [DEFAULT] keys each inherits; the later headers of a
 * repeated section last — one per line. Only multi-line values starting on the next line can hold
 * sub-sections: most files have none, and then nothing else is looked at.
 */
function nestedErrors(ls: LineScan): ScanError[] {
  if (ls.more.size === 0) return [];
  const candidates = new Set<number>();
  for (const e of ls.more.keys()) if (ls.emptyFirstValue(e)) candidates.add(e);
  if (candidates.size === 0) return [];
  const out: ScanError[] = [];
  const check = (e: number, k: string) => {
    if (!candidates.has(e)) return;
    const value = ls.value(e);
    if (!value.startsWith("\n")) return;
    const nested = parseNested(value);
    if (nested instanceof Map) return;
    const { parts, lines } = ls.parts(e);
    const line = lineOfNested(nested.badLine, parts, lines) + 1;
    if (out.some((x) => x.line === line)) return;
    out.push({
      line,
      code: "nested_no_equals",
      message: `the sub-section line under "${k}" has no "=" (sub-section keys take "=" only)`,
      immediate: true,
    });
  };
  const defaults = defaultEntries(ls);
  const inherited: [string, number][] = [];
  for (const [k, e] of defaults) if (candidates.has(e)) inherited.push([k, e]);
  let repeated = false;
  for (let s = 0; s < ls.sectionCount; s++) {
    if (ls.isDefault(s)) continue;
    if (ls.isDuplicate(s)) {
      repeated = true;
      continue;
    }
    const [a, b] = ls.entriesOf(s);
    for (let e = a; e < b; e++) if (candidates.has(e)) check(e, ls.key(e));
    if (inherited.length === 0) continue;
    const own = new Set<string>();
    for (let e = a; e < b; e++) own.add(ls.key(e));
    for (const [k, e] of inherited) if (!own.has(k)) check(e, k);
  }
  if (repeated)
    for (let s = 0; s < ls.sectionCount; s++) {
      if (!ls.isDuplicate(s)) continue;
      const [a, b] = ls.entriesOf(s);
      for (let e = a; e < b; e++) if (candidates.has(e)) check(e, ls.key(e));
    }
  return out;
}

/**
 * The refusal botocore would raise for a scanned text, without building the read view: the scan's own
 * refusal, else the first sub-section line without "=" in any value a non-[DEFAULT] section reads.
 * Equal to `parseConfigText(text).refusal` (checked by the differential tests).
 */
export function scanRefusal(s: Scan | LineScan): ScanError | undefined {
  const ls = s instanceof LineScan ? s : s.lines;
  return ls.refusal ?? nestedErrors(ls)[0];
}

/**
 * Parse like `raw_config_parse(path)`. Never throws: refusals are in `errors`/`refusal`.
 * Use `parseOrThrow` to turn a refusal into the PorticoError "config_parse".
 */
export function parseConfigText(text: string, opts: { allErrors?: boolean } = {}): ParsedConfig {
  // Reading stops at the first refusal, as botocore does; a linter asks for every problem.
  return parseLines(scanLines(text, { stopAtRefusal: opts.allErrors !== true }));
}

/** The read view of an existing scan (see parseConfigText). */
export function parseScan(s: Scan): ParsedConfig {
  return parseLines(s.lines, s);
}

/** The read view of a compact scan: values are read section by section as callers ask for them. */
export function parseLines(ls: LineScan, view?: Scan): ParsedConfig {
  const nested = nestedErrors(ls);
  let errors = ls.errors;
  if (nested.length > 0) {
    errors = [...ls.errors, ...nested];
    errors.sort((a, b) => a.line - b.line);
  }
  // The section names botocore reads, in order (first headers, [DEFAULT] left out).
  const names = function* (): Generator<string> {
    for (let s = 0; s < ls.sectionCount; s++)
      if (!ls.isDefault(s) && !ls.isDuplicate(s)) yield ls.sectionName(s);
  };
  let defaults: Map<string, number> | undefined;
  const getDefaults = () => {
    defaults ??= defaultEntries(ls);
    return defaults;
  };
  // Values and key lines of a section are built together, once (shared by section(), keyLines(),
  // raw and locations.keys).
  const built = new Map<string, BuiltSection>();
  const section = (name: string): BuiltSection | undefined => {
    let b = built.get(name);
    if (b === undefined) {
      const first = ls.firstSection(name);
      if (first === -1 || ls.isDefault(first)) return undefined;
      b = buildSection(ls, name, first, getDefaults);
      built.set(name, b);
    }
    return b;
  };
  let scanObject = view;
  let raw: RawConfig | undefined;
  let locations: RawLocations | undefined;
  return {
    lines: ls,
    errors,
    // Scan refusals come first (configparser raises while reading); sub-section errors only after.
    refusal: ls.refusal ?? nested[0],
    section: (name) => section(name)?.values,
    keyLines: (name) => section(name)?.lines,
    headerLine(name) {
      const first = ls.firstSection(name);
      return first === -1 || ls.isDefault(first) ? undefined : ls.sectionLine[first]! + 1;
    },
    get scan(): Scan {
      scanObject ??= scanView(ls);
      return scanObject;
    },
    get raw(): RawConfig {
      raw ??= new LazyMap((name) => section(name)!.values, names());
      return raw;
    },
    get locations(): RawLocations {
      if (locations === undefined) {
        const sections = new Map<string, number>();
        for (let s = 0; s < ls.sectionCount; s++)
          if (!ls.isDefault(s) && !ls.isDuplicate(s)) sections.set(ls.sectionName(s), ls.sectionLine[s]! + 1);
        locations = { sections, keys: new LazyMap((name) => section(name)!.lines, names()) };
      }
      return locations;
    },
  };
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

/** Quotes or a backslash: shlex's tokenizer decides. */
const SHLEX_QUOTING = /['"\\]/;
/** Exactly two words split by shlex's whitespace (space, tab, CR, LF), around which it may stand. */
const TWO_WORDS = /^[ \t\r\n]*([^ \t\r\n]+)[ \t\r\n]+([^ \t\r\n]+)[ \t\r\n]*$/;

function nameFromHeader(header: string): string | undefined {
  // Without quotes or backslashes shlex.split is a split on its whitespace (the usual header; a
  // config with 21,000 profiles has 21,000 of them): no tokenizer, and the name is a slice.
  // (Two words or not, natively: a loop over the characters, four times per section and run, was a
  // doctor edit's largest cost in the config layer.)
  if (!SHLEX_QUOTING.test(header)) return TWO_WORDS.exec(header)?.[2];
  let parts: string[];
  try {
    parts = shlexSplit(header);
  } catch {
    return undefined;
  }
  return parts.length === 2 ? parts[1] : undefined;
}

/** Which map of `build_profile_map` a section goes to, and its name there; undefined for the others. */
export function profileMapEntry(
  header: string,
): { kind: "profiles" | "ssoSessions" | "services"; name: string } | undefined {
  if (header.startsWith("profile")) {
    const n = nameFromHeader(header);
    return n === undefined ? undefined : { kind: "profiles", name: n };
  }
  if (header.startsWith("sso-session")) {
    const n = nameFromHeader(header);
    return n === undefined ? undefined : { kind: "ssoSessions", name: n };
  }
  if (header.startsWith("services")) {
    const n = nameFromHeader(header);
    return n === undefined ? undefined : { kind: "services", name: n };
  }
  return header === "default" ? { kind: "profiles", name: "default" } : undefined;
}

/** botocore `build_profile_map` over section names (in file order). */
export function buildProfileMap(sectionNames: Iterable<string>): ProfileMap {
  const map: ProfileMap = { profiles: new Map(), ssoSessions: new Map(), services: new Map(), other: [] };
  for (const key of sectionNames) {
    const e = profileMapEntry(key);
    if (e) map[e.kind].set(e.name, key);
    else if (!key.startsWith("profile") && !key.startsWith("sso-session") && !key.startsWith("services"))
      map.other.push(key);
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
