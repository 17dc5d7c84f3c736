/**
 * Located sections: the few config-file sections one profile needs — its own, the sso-session it
 * names, and the profiles of its source_profile chain — cut out of a full parse, kept in the
 * validated fast-path index (src/credentials/fast-path.ts), and parsed later on their own into the
 * same `AwsConfig` view `loadAwsConfig` builds (src/config/load.ts), restricted to those sections.
 * That lets the credential commands resolve a profile in a 21,000-profile config without parsing
 * the other 20,999 (docs/benchmarks.md "Hot paths at 21,000 profiles").
 *
 * A profile is located only when the cut is provably the same: no [DEFAULT] section (its keys would
 * reach every section), no credentials-file section for any profile of the closure, every reference
 * resolvable, and the view built from the cut equal, value for value and line for line, to the full
 * view (checked when the cut is made). Anything else → null, and the callers parse everything.
 */
import { buildProfileMap, type ParsedConfig, parseConfigText } from "./botocore";
import { type AwsConfig, buildAwsConfig, type SectionView } from "./load";
import type { AwsPaths } from "./paths";

/** One section as written in the config file: its header line (1-based) and its lines up to the next header. */
export interface LocatedSection {
  line: number;
  text: string;
}

/** The most profiles a source_profile chain may hold and still be located (longer chains: full parse). */
const MAX_CHAIN = 8;

const EMPTY: { text: string; parsed: ParsedConfig } = { text: "", parsed: parseConfigText("") };

/**
 * The sections `profileName` needs, cut from a full parse of the config file (`cfg`, not refused)
 * and checked against it; null when the profile cannot be located safely (see the module comment).
 * `cred` is the parsed credentials file (undefined when it is missing or empty).
 */
export function locateSections(
  cfg: ParsedConfig,
  cred: ParsedConfig | undefined,
  profileName: string,
): LocatedSection[] | null {
  if (cfg.refusal || cred?.refusal) return null;
  const sections = cfg.scan.sections;
  if (sections.some((s) => s.isDefault || s.duplicate)) return null;
  const pm = buildProfileMap(cfg.raw.keys());
  const wanted: string[] = [];
  const visit = (name: string): boolean => {
    if (cred?.raw.has(name)) return false;
    const sec = pm.profiles.get(name);
    if (sec === undefined) return false;
    if (wanted.includes(sec)) return true;
    if (wanted.length >= MAX_CHAIN) return false;
    wanted.push(sec);
    const raw = cfg.raw.get(sec)!;
    const session = raw.get("sso_session");
    if (typeof session === "string" && session.trim() !== "") {
      const ss = pm.ssoSessions.get(session);
      if (ss === undefined) return false;
      if (!wanted.includes(ss)) wanted.push(ss);
    }
    const source = raw.get("source_profile");
    if (typeof source === "string" && source.trim() !== "") return visit(source);
    return true;
  };
  if (!visit(profileName)) return null;
  // For `[default]` and `[profile default]` alike: every section that maps to a wanted name comes along,
  // so the cut's profile map is the full one's restricted to those names.
  const headerLines = sections.map((s) => s.line);
  const texts = cfg.scan.texts;
  const out: LocatedSection[] = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    if (!wanted.includes(s.name)) continue;
    const end = i + 1 < headerLines.length ? headerLines[i + 1]! : texts.length;
    out.push({ line: s.line + 1, text: texts.slice(s.line, end).join("\n") });
  }
  return sameAsFull(cfg, out, profileName) ? out : null;
}

/** The cut's view equals the full view for every section it holds (values, header and key lines). */
function sameAsFull(cfg: ParsedConfig, cut: LocatedSection[], profileName: string): boolean {
  const paths = { configFile: "", credentialsFile: "" } as AwsPaths;
  const full = buildAwsConfig(paths, { text: "", parsed: cfg }, EMPTY);
  const part = locatedConfig(paths, cut);
  if (!part?.profiles.has(profileName)) return false;
  const same = (a: SectionView | undefined, b: SectionView): boolean =>
    a !== undefined &&
    a.line === b.line &&
    a.section === b.section &&
    JSON.stringify(a.values) === JSON.stringify(b.values) &&
    JSON.stringify(a.keyLines) === JSON.stringify(b.keyLines);
  for (const [n, v] of part.profiles) if (!same(full.profiles.get(n), v)) return false;
  for (const [n, v] of part.ssoSessions) if (!same(full.ssoSessions.get(n), v)) return false;
  return part.services.size === 0;
}

/**
 * The `AwsConfig` view of located sections (the credentials file contributes nothing: locating
 * requires it to hold none of these profiles). Lines are the config file's own. undefined when the
 * sections do not parse (a corrupted index entry: the caller parses everything).
 */
export function locatedConfig(paths: AwsPaths, sections: readonly LocatedSection[]): AwsConfig | undefined {
  let text = "";
  /** For each section: its first line in the joined text (1-based) and its line in the file. */
  const starts: { at: number; line: number }[] = [];
  let at = 1;
  for (const s of sections) {
    starts.push({ at, line: s.line });
    text += `${s.text}\n`;
    at += s.text.split("\n").length;
  }
  const parsed = parseConfigText(text);
  if (parsed.refusal || parsed.scan.sections.length !== sections.length) return undefined;
  const config = buildAwsConfig(paths, { text, parsed }, EMPTY);
  const shift = (line: number): number => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1]!.at <= line) k++;
    return line - starts[k]!.at + starts[k]!.line;
  };
  for (const map of [config.profiles, config.ssoSessions, config.services])
    for (const v of map.values()) {
      v.line = shift(v.line);
      for (const k of Object.keys(v.keyLines)) v.keyLines[k] = shift(v.keyLines[k]!);
    }
  return config;
}
