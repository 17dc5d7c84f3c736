/**
 * Where the AWS SDK for JavaScript v3 reads a file differently from botocore (docs/reference.md §1.3).
 * Pure: a port of the SDK's ini reader (`@smithy/core` config `parseIni` + `getConfigData`) is run
 * beside the botocore view, and every profile, sso-session, services section or key the two read
 * differently becomes a ConfigWarning naming the line and the construct that causes it.
 * Warnings never quote values (the credentials file holds secrets).
 */
import { buildProfileMap, type ParsedConfig, type RawValue } from "./botocore";
import {
  KIND_BLANK,
  KIND_COMMENT,
  KIND_ENTRY,
  KIND_HEADER,
  type LineScan,
  type ScanEntry,
  type ScanSection,
} from "./scan";

export interface ConfigWarning {
  file: string;
  /** 1-based line. */
  line: number;
  code: string;
  message: string;
}

interface JsSection {
  line: number;
  values: Map<string, string>;
  keyLines: Map<string, number>;
}

const SECTION_TYPES = ["profile", "sso-session", "services"];
const PREFIX_KEY_RE = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;
export const JS_SECTION_NAME_RE = /^[A-Za-z0-9_\-@+.%:/]+$/;

/** Port of the SDK's `parseIni` (lines split on \r?\n; `line` is the 0-based JS line index). */
function jsParseIni(text: string): { map: Map<string, JsSection>; error?: number } {
  const map = new Map<string, JsSection>();
  let current: string | undefined;
  let currentLine = 0;
  let sub: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const iniLine = lines[i]!;
    const trimmed = (
      iniLine.includes("#") || iniLine.includes(";") ? iniLine.split(/(^|\s)[;#]/)[0]! : iniLine
    ).trim();
    if (trimmed[0] === "[" && trimmed[trimmed.length - 1] === "]") {
      current = undefined;
      sub = undefined;
      const name = trimmed.substring(1, trimmed.length - 1);
      const m = PREFIX_KEY_RE.exec(name);
      if (m) {
        if (SECTION_TYPES.includes(m[1]!)) current = `${m[1]}.${m[3]}`;
      } else current = name;
      currentLine = i;
      if (name === "__proto__" || name === "profile __proto__") return { map: new Map(), error: i };
    } else if (current !== undefined && current !== "") {
      const eq = trimmed.indexOf("=");
      if (eq > 0) {
        const name = trimmed.substring(0, eq).trim();
        const value = trimmed.substring(eq + 1).trim();
        if (value === "") sub = name;
        else {
          if (sub && iniLine.trimStart() === iniLine) sub = undefined;
          let sec = map.get(current);
          if (!sec) {
            sec = { line: currentLine, values: new Map(), keyLines: new Map() };
            map.set(current, sec);
          }
          const key = sub ? `${sub}.${name}` : name;
          if (key !== "__proto__") {
            sec.values.set(key, value);
            sec.keyLines.set(key, i);
          }
        }
      }
    }
  }
  return { map };
}

/** Port of `getConfigData`: keep `default` and `<type>.<name>` sections; `profile.x` → `x`. */
function jsConfigData(map: Map<string, JsSection>): Map<string, JsSection> {
  const out = new Map<string, JsSection>();
  const def = map.get("default");
  if (def) out.set("default", def);
  for (const [key, value] of map) {
    const dot = key.indexOf(".");
    if (dot === -1) continue;
    const prefix = key.substring(0, dot);
    if (!SECTION_TYPES.includes(prefix)) continue;
    out.set(prefix === "profile" ? key.substring(dot + 1) : key, value);
  }
  return out;
}

/** The name the SDK gives a section header (after getConfigData for config files), or undefined if dropped. */
function jsKeyFor(section: string, kind: "config" | "credentials"): string | undefined {
  if (section === "__proto__" || section === "profile __proto__") return undefined;
  const m = PREFIX_KEY_RE.exec(section);
  let key: string | undefined;
  if (m) key = SECTION_TYPES.includes(m[1]!) ? `${m[1]}.${m[3]}` : undefined;
  else key = section === "" ? undefined : section;
  if (key === undefined || kind === "credentials") return key;
  if (key === "default") return key;
  const dot = key.indexOf(".");
  if (dot === -1) return undefined;
  const prefix = key.substring(0, dot);
  if (!SECTION_TYPES.includes(prefix)) return undefined;
  return prefix === "profile" ? key.substring(dot + 1) : key;
}

/**
 * The key line a flattened name (`key` or `key.subkey`, see `flatten`) comes from: the name itself,
 * else its shortest prefix before a "." that is a key (keys may contain dots themselves: `k.y` with
 * a nested `Region` flattens to `k.y.Region`), else the part before the first ".".
 */
function flatKeyBase(k: string, isKey: (key: string) => boolean): string {
  if (isKey(k)) return k;
  for (let i = k.indexOf("."); i >= 0; i = k.indexOf(".", i + 1))
    if (isKey(k.slice(0, i))) return k.slice(0, i);
  const dot = k.indexOf(".");
  return dot < 0 ? k : k.slice(0, dot);
}

/** Flatten botocore sub-sections the way JS names them (`s3.addressing_style`). */
function flatten(values: Map<string, RawValue>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of values) {
    if (typeof v === "string") out.set(k, v);
    else for (const [sk, sv] of v) out.set(`${k}.${sk}`, sv);
  }
  return out;
}

function lineStarts(text: string, re: RegExp): number[] {
  const starts = [0];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

const INLINE_COMMENT = /(^|\s)[;#]/;

/** Why JS reads this key line differently (the first construct that explains it). */
function entryCause(e: ScanEntry): { code: string; message: string } {
  if (e.delimiter === ":")
    return {
      code: "js_colon_delimiter",
      message: `"${e.rawKey}:" uses ":"; the AWS SDK for JavaScript reads only "="`,
    };
  if (e.rawKey !== e.key)
    return {
      code: "js_key_case",
      message: `key "${e.rawKey}" is not lower-case; botocore reads "${e.key}", the AWS SDK for JavaScript reads "${e.rawKey}"`,
    };
  if (e.more?.some((p) => p !== "") && e.value !== "")
    return {
      code: "js_continuation",
      message: `"${e.key}" continues on indented lines; the AWS SDK for JavaScript ignores them`,
    };
  if (INLINE_COMMENT.test(e.value))
    return {
      code: "js_inline_comment",
      message: `"${e.key}" has "#" or ";" after a space; botocore keeps it in the value, the AWS SDK for JavaScript cuts it off as a comment`,
    };
  if (e.value === "" && (e.more === undefined || e.more.every((p) => p === "")))
    return {
      code: "js_empty_value",
      message: `"${e.key}" is empty; botocore reads "", the AWS SDK for JavaScript leaves it unset`,
    };
  return {
    code: "js_value_differs",
    message: `"${e.key}" is read differently by the AWS SDK for JavaScript`,
  };
}

function headerCause(name: string): { code: string; message: string } {
  if (name === "DEFAULT")
    return {
      code: "js_default_section",
      message: "[DEFAULT] is inherited by every section in botocore; the AWS SDK for JavaScript ignores it",
    };
  const m = /^(\S+)[ \t]+(.*)$/.exec(name);
  if (
    m &&
    !SECTION_TYPES.includes(m[1]!) &&
    ["profile", "sso-session", "services"].some((t) => m[1]!.startsWith(t))
  )
    return {
      code: "js_section_prefix",
      message: `[${name}]: botocore accepts the "${m[1]}" prefix, the AWS SDK for JavaScript ignores the section`,
    };
  return {
    code: "js_section_name",
    message: `[${name}] is not read by the AWS SDK for JavaScript (names there take one space after the prefix, optional matching quotes, and only letters, digits and _-@+.%:/)`,
  };
}

/**
 * Warnings for a config file (`kind: "config"`) or a credentials file (`"credentials"`), given the
 * botocore parse of the same text. Refused files get no warnings (the refusal is the finding).
 */
// Characters both readers treat alike: printable ASCII, tab, and line feeds (a "\r" only before "\n").
const OTHER_CHARS = /[^\x20-\x7e\t\n\r]|\r(?!\n)/;
const TYPED_HEADER = /^(profile|sso-session|services) ([A-Za-z0-9_\-@+.%:/]+)$/;
// readsAlike's per-entry tests, matched from the key's start (sticky: no string per line).
const UPPER_KEY = /[^=:\n]*[A-Z]/y;
const CUT_MARK = /[#;]|[^\n]*?[ \t][#;]/y;

/**
 * readsAlike's rule for one section header: unindented, not [DEFAULT], nothing but spaces or tabs
 * after the "]" (botocore ignores the rest, the SDK does not), and a name both readers give alike
 * (config: `default` or `TYPE NAME`; credentials: a bare name). [default] beside [profile default]
 * is the one pair it cannot see alone.
 */
export function headerReadsAlike(ls: LineScan, s: number, kind: "config" | "credentials"): boolean {
  if (ls.isDefault(s) || ls.sectionIndent[s] !== 0) return false;
  const text = ls.text;
  for (let p = ls.sectionNameEnd[s]! + 1; p < ls.lineEnd(ls.sectionLine[s]!); p++) {
    const c = text.charCodeAt(p);
    if (c !== 0x20 && c !== 9) return false;
  }
  const name = ls.sectionName(s);
  if (kind === "credentials") return JS_SECTION_NAME_RE.test(name) && name !== "__proto__";
  if (name === "default") return true;
  const m = TYPED_HEADER.exec(name);
  if (!m) return false;
  const n = m[2]!;
  return !(n === "__proto__" || n.startsWith("sso-session.") || n.startsWith("services."));
}

/**
 * True when the SDK for JavaScript cannot read this (botocore-accepted) text differently from botocore,
 * by what the file is made of: plain ASCII; no [DEFAULT]; headers `[default]` or `[TYPE NAME]` with one
 * space and a name of letters, digits and _-@+.%:/ (bare names in a credentials file), nothing after
 * the "]"; only unindented `key = value` lines with a lower-case key, a non-empty value and no "#"/";"
 * at the start or after a space; no continuation lines. Every construct of the table in
 * docs/reference.md §1.3 breaks one of these, so the comparison itself runs only when one is broken
 * (a sufficient test: test/config/sdkjs.test.ts checks it never hides a warning).
 */
export function readsAlike(parsed: ParsedConfig, kind: "config" | "credentials"): boolean {
  const ls = parsed.lines;
  const text = ls.text;
  if (OTHER_CHARS.test(text)) return false;
  for (let i = 0; i < ls.lineCount; i++) {
    const k = ls.kinds[i];
    if (k !== KIND_BLANK && k !== KIND_COMMENT && k !== KIND_HEADER && k !== KIND_ENTRY) return false;
  }
  let hasDefault = false;
  let hasProfileDefault = false;
  for (let s = 0; s < ls.sectionCount; s++) {
    if (!headerReadsAlike(ls, s, kind)) return false;
    const name = ls.sectionName(s);
    if (name === "default") hasDefault = true;
    else if (name === "profile default") hasProfileDefault = true;
  }
  if (hasDefault && hasProfileDefault) return false;
  for (let e = 0; e < ls.entryCount; e++) {
    const line = ls.entryLine[e]!;
    const ks = ls.keyStart(e);
    const d = ls.delimiterAt(e);
    if (text.charCodeAt(d) === 0x3a || ks !== ls.lineStart[line] || ls.emptyFirstValue(e)) return false;
    if (text.charCodeAt(ks) === 0x5b /* [ */) return false;
    // Upper case in the key (before the delimiter): botocore lower-cases keys, the SDK does not.
    UPPER_KEY.lastIndex = ks;
    if (UPPER_KEY.test(text)) return false;
    if (d - ks >= 9 && ls.rawKey(e) === "__proto__") return false;
    // "#" or ";" at the start (the key starts the line) or after a space: the SDK cuts the line there
    // (ASCII only by now, and no lone "\r").
    CUT_MARK.lastIndex = ks;
    if (CUT_MARK.test(text)) return false;
  }
  return true;
}

export function sdkJsWarnings(
  text: string,
  parsed: ParsedConfig,
  file: string,
  kind: "config" | "credentials",
): ConfigWarning[] {
  if (parsed.refusal) return [];
  if (parsed.lines.text === text && readsAlike(parsed, kind)) return [];
  return compareWithSdkJs(text, parsed, file, kind);
}

/** The comparison itself (sdkJsWarnings without the readsAlike shortcut; exported for its test). */
export function compareWithSdkJs(
  text: string,
  parsed: ParsedConfig,
  file: string,
  kind: "config" | "credentials",
): ConfigWarning[] {
  if (parsed.refusal) return [];
  const warnings: ConfigWarning[] = [];
  // Without a lone "\r" both split the text into the same lines; otherwise map by character offset.
  const sameLines = !/\r(?!\n)/.test(text);
  let pyStarts: number[] | undefined;
  let jsStarts: number[] | undefined;
  const jsToPyLine = (jsLine: number): number => {
    if (sameLines) return jsLine + 1;
    pyStarts ??= lineStarts(text, /\r\n|\r|\n/g);
    jsStarts ??= lineStarts(text, /\r?\n/g);
    const off = jsStarts[jsLine] ?? 0;
    let lo = 0;
    let hi = pyStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pyStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const js = jsParseIni(text);

  // botocore's view, named the way JS names sections.
  const boto = new Map<string, { section: string }>();
  if (kind === "config") {
    const pm = buildProfileMap(parsed.raw.keys());
    for (const [n, s] of pm.profiles) boto.set(n, { section: s });
    for (const [n, s] of pm.ssoSessions) boto.set(`sso-session.${n}`, { section: s });
    for (const [n, s] of pm.services) boto.set(`services.${n}`, { section: s });
  } else for (const s of parsed.raw.keys()) boto.set(s, { section: s });

  if (js.error !== undefined && [...boto.values()].some((b) => parsed.raw.get(b.section)!.size > 0)) {
    warnings.push({
      file,
      line: jsToPyLine(js.error),
      code: "js_parse_error",
      message: "the AWS SDK for JavaScript refuses a section named __proto__ and then ignores the whole file",
    });
    return warnings;
  }
  if (js.error !== undefined) return warnings;
  const jsView = kind === "config" ? jsConfigData(js.map) : js.map;
  // Entries by section name and key, for line numbers and causes (looked up only where JS differs).
  const sectionsByName = new Map<string, ScanSection>();
  const defaults = new Map<string, ScanEntry>();
  for (const sec of parsed.scan.sections) {
    if (sec.isDefault) for (const e of sec.entries) defaults.set(e.key, e);
    else if (!sectionsByName.has(sec.name)) sectionsByName.set(sec.name, sec);
  }
  const ownEntries = (section: string): Map<string, ScanEntry> =>
    new Map((sectionsByName.get(section)?.entries ?? []).map((e) => [e.key, e]));

  const reportedDefaults = new Set<number>();
  for (const [name, { section }] of boto) {
    const header = parsed.locations.sections.get(section)!;
    const jsSec = jsView.get(name);
    const values = flatten(parsed.raw.get(section)!);
    if (!jsSec) {
      if (values.size === 0) continue; // an empty section reads the same: nothing
      if (jsKeyFor(section, kind) !== name) {
        warnings.push({ file, line: header, ...headerCause(section) });
        continue;
      }
    }
    const jsS = jsSec ?? {
      line: header - 1,
      values: new Map<string, string>(),
      keyLines: new Map<string, number>(),
    };
    if (jsSec && jsToPyLine(jsSec.line) !== header) {
      warnings.push({
        file,
        line: header,
        code: "js_other_section",
        message: `botocore reads ${kind === "config" ? `profile "${name}"` : `[${name}]`} from this section, the AWS SDK for JavaScript from the one at line ${jsToPyLine(jsSec.line)}`,
      });
      continue;
    }
    // Fast path: the same keys and values (the usual case) → nothing to report for this section.
    if (
      jsSec &&
      jsSec.values.size === values.size &&
      [...values].every(([k, v]) => jsSec.values.get(k) === v)
    )
      continue;
    const own = ownEntries(section);
    const reported = new Set<number>();
    for (const [k, v] of values) {
      if (jsS.values.get(k) === v) continue;
      const baseKey = flatKeyBase(k, (x) => own.has(x) || defaults.has(x));
      const e = own.get(baseKey);
      if (!e) {
        const d = defaults.get(baseKey);
        if (d && !reportedDefaults.has(d.line)) {
          reportedDefaults.add(d.line);
          warnings.push({
            file,
            line: d.line + 1,
            code: "js_default_section",
            message: `"${baseKey}" in [DEFAULT] is inherited by every section in botocore (here by [${section}]); the AWS SDK for JavaScript ignores [DEFAULT]`,
          });
        }
        continue;
      }
      if (reported.has(e.line)) continue;
      reported.add(e.line);
      warnings.push({ file, line: e.line + 1, ...entryCause(e) });
    }
    for (const [k, jsLine] of jsS.keyLines) {
      if (values.has(k)) continue;
      const line = jsToPyLine(jsLine);
      const e = [...own.values()].find((x) => x.line + 1 === line);
      if (e && reported.has(e.line)) continue;
      if (e) reported.add(e.line);
      warnings.push({
        file,
        line,
        ...(e
          ? entryCause(e)
          : {
              code: "js_extra_key",
              message: `the AWS SDK for JavaScript reads a key "${k}" here that botocore does not`,
            }),
      });
    }
  }
  for (const [name, jsSec] of jsView) {
    if (boto.has(name)) continue;
    // A section the SDK reads with no key (e.g. only `__proto__ = x`, which it skips) reads as none.
    if (jsSec.values.size === 0) continue;
    if (warnings.some((w) => w.line === jsToPyLine(jsSec.line))) continue; // already explained on that header
    warnings.push({
      file,
      line: jsToPyLine(jsSec.line),
      code: "js_only_section",
      message: `the AWS SDK for JavaScript reads this section as ${kind === "config" ? `"${name}"` : `[${name}]`}; botocore does not`,
    });
  }
  warnings.sort((a, b) => a.line - b.line);
  return warnings;
}
