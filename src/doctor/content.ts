/**
 * The content facts of `portico doctor` (types.ts ContentFacts): everything concluded from the config
 * and credentials files' text alone, each file parsed once (botocore's read view with every refusal,
 * handed to the linter and to the profile view). Pure: texts in, facts out. cache.ts keeps the result
 * keyed by the files' identity, so an unchanged setup is not parsed again (docs/doctor.md "Cache").
 */
import { type ParsedConfig, parseConfigText, parseError } from "../config/botocore";
import { type LintFinding, type LintInput, lintFiles } from "../config/lint";
import { type AwsConfig, buildAwsConfig, type SectionView } from "../config/load";
import type { AwsPaths, ProfileSelection } from "../config/paths";
import type { PorticoError } from "../errors";
import { tokenFileName } from "../sso/cache";
import { type SsoSession, ssoSessionByName } from "../sso/session";
import {
  contentProfileChecks,
  credentialProcessDigest,
  lintChecks,
  scopeChecks,
  selectedCheck,
  selectionKey,
  unreadableCheck,
} from "./checks";
import type { ContentFacts, SessionFact } from "./types";

/** One file as read: its text (undefined: missing), or the read error (unreadable, not UTF-8). */
export interface FileRead {
  input: LintInput;
  text?: string;
  /** The bytes `text` was decoded from (chunks.ts compares them with the last run's). */
  bytes?: Buffer;
  error?: PorticoError;
}

type SessionDigest = ContentFacts["sessions"][number];

/** Profiles per sso-session name, in file order (sessionsOf; chunks.ts keeps only the count and the first). */
export type SessionMembers = Map<string, { count: number; profiles: string[] }>;

/** Every profile that names an sso_session, by that name (whether or not the session exists). */
export function sessionMembers(
  profiles: Iterable<SectionView>,
  into: SessionMembers = new Map(),
): SessionMembers {
  for (const p of profiles) {
    const sess = p.values["sso_session"];
    if (typeof sess !== "string") continue;
    const m = into.get(sess);
    if (m) {
      m.count++;
      m.profiles.push(p.name);
    } else into.set(sess, { count: 1, profiles: [p.name] });
  }
  return into;
}

/**
 * The profiles the content checks look at one by one (legacy SSO, credential_process, [default]):
 * a superset of what contentProfileChecks, credentialProcessDigest and sessionsOf's legacy start URLs
 * read. Every other profile counts by its name and its sso_session only (sessionMembers).
 */
export const isCandidate = (p: SectionView): boolean =>
  p.name === "default" ||
  p.values["credential_process"] !== undefined ||
  typeof p.values["sso_session"] !== "string";

/**
 * The sessions profiles sign in with: every [sso-session] (with its `members`), and each legacy
 * start URL (from `candidates`, which hold every profile without sso_session).
 */
export function sessionsOf(
  config: AwsConfig,
  candidates: Iterable<SectionView>,
  members: SessionMembers,
): Omit<SessionFact, "token" | "tokenFile" | "key">[] {
  const byKey = new Map<
    string,
    { session: SsoSession; where: string; profiles: string[]; profileCount: number }
  >();
  for (const [name, section] of config.ssoSessions) {
    try {
      const m = members.get(name);
      byKey.set(name, {
        session: ssoSessionByName(config, name),
        where: `${section.file}:${section.line}`,
        profiles: m ? m.profiles : [],
        profileCount: m ? m.count : 0,
      });
    } catch {
      // incomplete sessions are reported by the lint findings
    }
  }
  for (const p of candidates) {
    const v = p.values;
    if (typeof v["sso_session"] === "string") continue;
    const url = v["sso_start_url"];
    const region = v["sso_region"];
    if (typeof url !== "string" || typeof region !== "string") continue;
    let e = byKey.get(`legacy:${url}`);
    if (!e) {
      e = {
        session: {
          kind: "legacy",
          startUrl: url,
          region,
          scopes: [],
          registrationScopes: null,
          cacheKey: url,
        },
        where: `${p.file}:${p.keyLines["sso_start_url"] ?? p.line}`,
        profiles: [],
        profileCount: 0,
      };
      byKey.set(`legacy:${url}`, e);
    }
    e.profiles.push(p.name);
    e.profileCount++;
  }
  return [...byKey.values()];
}

/** What the checks conclude from read files (both ways of reading them: contentFacts, chunks.ts). */
export interface ReadFiles {
  config: AwsConfig;
  lint: LintFinding[];
  anyFile: boolean;
  candidates: Iterable<SectionView>;
  members: SessionMembers;
  /** The names to look for case duplicates in (contentProfileChecks); default every profile's. */
  caseNames?: Iterable<string>;
  /** Token file names already known, by session key (the facts a run kept: chunks.ts). */
  tokenNames?: Map<string, string>;
}

/** The content facts of files that parse (`readable`), for `selection`. */
export function concludeContent(r: ReadFiles, selection: ProfileSelection): ContentFacts {
  const candidates = [...r.candidates];
  return {
    readable: true,
    files: lintChecks(r.lint, r.anyFile),
    selected: { [selectionKey(selection)]: selectedCheck(r.config, selection) },
    profiles: contentProfileChecks(r.config, candidates, r.caseNames),
    credentialProcess: credentialProcessDigest(r.config, candidates),
    scopes: scopeChecks(r.config),
    sessions: sessionsOf(r.config, candidates, r.members).map(
      (s): SessionDigest => ({
        key: s.session.cacheKey,
        ...s,
        tokenName: r.tokenNames?.get(s.session.cacheKey) ?? tokenFileName(s.session),
      }),
    ),
  };
}

/**
 * The content facts for `selection`, with the parsed config when the files parse. `config.text`
 * and `credentials.text` are parsed once each, with every refusal (the linter reports them all).
 */
export function contentFacts(
  paths: AwsPaths,
  cfg: FileRead,
  cred: FileRead,
  selection: ProfileSelection,
): { content: ContentFacts; config?: AwsConfig } {
  const parse = (r: FileRead): ParsedConfig | undefined =>
    r.text === undefined ? undefined : parseConfigText(r.text, { allErrors: true });
  const cfgParsed = parse(cfg);
  const credParsed = parse(cred);
  const lint = lintFiles([
    { ...cfg.input, ...(cfgParsed ? { parsed: cfgParsed } : {}) },
    { ...cred.input, ...(credParsed ? { parsed: credParsed } : {}) },
  ]);
  const anyFile = cfg.text !== undefined || cred.text !== undefined;
  let error = cfg.error ?? cred.error;
  if (!error && cfgParsed?.refusal)
    error = parseError(paths.configFile, cfgParsed.refusal, paths.configFileDisplay);
  if (!error && credParsed?.refusal)
    error = parseError(paths.credentialsFile, credParsed.refusal, paths.credentialsFileDisplay);
  if (error) {
    const content: ContentFacts = {
      readable: false,
      files: lintChecks(lint, anyFile),
      selected: {},
      profiles: [],
      credentialProcess: [],
      scopes: [],
      sessions: [],
      unreadable: unreadableCheck({ message: error.message, hint: error.hint }),
    };
    return { content };
  }
  const empty = (): ParsedConfig => parseConfigText("");
  const config = buildAwsConfig(
    paths,
    { text: cfg.text ?? "", parsed: cfgParsed ?? empty() },
    { text: cred.text ?? "", parsed: credParsed ?? empty() },
  );
  // Every profile is a candidate here (the checks pick their own); the members from all of them.
  const content = concludeContent(
    {
      config,
      lint,
      anyFile,
      candidates: config.profiles.values(),
      members: sessionMembers(config.profiles.values()),
    },
    selection,
  );
  return { content, config };
}

/** The same facts with only the first profile name per session (what the report shows; the cache keeps this). */
export function compactContent(c: ContentFacts): ContentFacts {
  return { ...c, sessions: c.sessions.map((s) => ({ ...s, profiles: s.profiles.slice(0, 1) })) };
}
