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
import {
  buildProfileMap,
  type ParsedConfig,
  type ProfileMap,
  parseConfigText,
  type RawSection,
} from "./botocore";

/** One section as written in the config file: its header line (1-based) and its lines up to the next header. */
export interface LocatedSection {
  line: number;
  text: string;
}

/** The most profiles a source_profile chain may hold and still be located (longer chains: full parse). */
const MAX_CHAIN = 8;

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
  const texts = cfg.scan.texts;
  const out: LocatedSection[] = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    if (!wanted.includes(s.name)) continue;
    const end = i + 1 < sections.length ? sections[i + 1]!.line : texts.length;
    out.push({ line: s.line + 1, text: texts.slice(s.line, end).join("\n") });
  }
  return sameAsFull(cfg, pm, out, profileName) ? out : null;
}

/** The located sections parsed on their own, and the map from their joined text's lines to the file's. */
export function parseCut(
  sections: readonly LocatedSection[],
): { parsed: ParsedConfig; shift(line: number): number } | undefined {
  let text = "";
  const starts: { at: number; line: number }[] = [];
  let at = 1;
  for (const s of sections) {
    starts.push({ at, line: s.line });
    text += `${s.text}\n`;
    at += s.text.split("\n").length;
  }
  const parsed = parseConfigText(text);
  if (parsed.refusal || parsed.scan.sections.length !== sections.length) return undefined;
  const shift = (line: number): number => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1]!.at <= line) k++;
    return line - starts[k]!.at + starts[k]!.line;
  };
  return { parsed, shift };
}

const rawJson = (raw: RawSection): string =>
  JSON.stringify([...raw].map(([k, v]) => [k, typeof v === "string" ? v : [...v]]));

/**
 * The cut reads exactly as the full parse: the same profile map for the names it holds, and for every
 * section the same values, header line and key lines.
 */
function sameAsFull(cfg: ParsedConfig, pm: ProfileMap, cut: LocatedSection[], profileName: string): boolean {
  const c = parseCut(cut);
  if (!c) return false;
  const cpm = buildProfileMap(c.parsed.raw.keys());
  if (!cpm.profiles.has(profileName) || cpm.services.size !== 0) return false;
  for (const [n, sec] of cpm.profiles) if (pm.profiles.get(n) !== sec) return false;
  for (const [n, sec] of cpm.ssoSessions) if (pm.ssoSessions.get(n) !== sec) return false;
  for (const [sec, raw] of c.parsed.raw) {
    const full = cfg.raw.get(sec);
    if (!full || rawJson(full) !== rawJson(raw)) return false;
    if (c.shift(c.parsed.locations.sections.get(sec)!) !== cfg.locations.sections.get(sec)) return false;
    const fullKeys = cfg.locations.keys.get(sec)!;
    for (const [k, line] of c.parsed.locations.keys.get(sec)!)
      if (c.shift(line) !== fullKeys.get(k)) return false;
  }
  return true;
}
