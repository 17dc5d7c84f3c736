/**
 * The content facts of `portico doctor` (types.ts ContentFacts): everything concluded from the config
 * and credentials files' text alone, each file parsed once (botocore's read view with every refusal,
 * handed to the linter and to the profile view). Pure: texts in, facts out. cache.ts keeps the result
 * keyed by the files' identity, so an unchanged setup is not parsed again (docs/doctor.md "Cache").
 */
import { type ParsedConfig, parseConfigText, parseError } from "../config/botocore";
import { type LintInput, lintFiles } from "../config/lint";
import { type AwsConfig, buildAwsConfig } from "../config/load";
import type { AwsPaths, ProfileSelection } from "../config/paths";
import type { PorticoError } from "../errors";
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
  error?: PorticoError;
}

type SessionDigest = ContentFacts["sessions"][number];

/** The sessions profiles sign in with: every [sso-session], and each legacy start URL. */
export function sessionsOf(config: AwsConfig): Omit<SessionFact, "token" | "tokenFile" | "key">[] {
  const byKey = new Map<string, { session: SsoSession; where: string; profiles: string[] }>();
  for (const [name, section] of config.ssoSessions) {
    try {
      byKey.set(name, {
        session: ssoSessionByName(config, name),
        where: `${section.file}:${section.line}`,
        profiles: [],
      });
    } catch {
      // incomplete sessions are reported by the lint findings
    }
  }
  for (const [name, p] of config.profiles) {
    const v = p.values;
    const sess = v["sso_session"];
    if (typeof sess === "string") {
      byKey.get(sess)?.profiles.push(name);
      continue;
    }
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
      };
      byKey.set(`legacy:${url}`, e);
    }
    e.profiles.push(name);
  }
  return [...byKey.values()].map((s) => ({ ...s, profileCount: s.profiles.length }));
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
  const content: ContentFacts = {
    readable: false,
    files: lintChecks(lint, cfg.text !== undefined || cred.text !== undefined),
    selected: {},
    profiles: [],
    credentialProcess: [],
    scopes: [],
    sessions: [],
  };
  let error = cfg.error ?? cred.error;
  if (!error && cfgParsed?.refusal)
    error = parseError(paths.configFile, cfgParsed.refusal, paths.configFileDisplay);
  if (!error && credParsed?.refusal)
    error = parseError(paths.credentialsFile, credParsed.refusal, paths.credentialsFileDisplay);
  if (error) {
    content.unreadable = unreadableCheck({ message: error.message, hint: error.hint });
    return { content };
  }
  const empty = (): ParsedConfig => parseConfigText("");
  const config = buildAwsConfig(
    paths,
    { text: cfg.text ?? "", parsed: cfgParsed ?? empty() },
    { text: cred.text ?? "", parsed: credParsed ?? empty() },
  );
  content.readable = true;
  content.selected[selectionKey(selection)] = selectedCheck(config, selection);
  content.profiles = contentProfileChecks(config);
  content.credentialProcess = credentialProcessDigest(config);
  content.scopes = scopeChecks(config);
  content.sessions = sessionsOf(config).map((s): SessionDigest => ({ key: s.session.cacheKey, ...s }));
  return { content, config };
}

/** The same facts with only the first profile name per session (what the report shows; the cache keeps this). */
export function compactContent(c: ContentFacts): ContentFacts {
  return { ...c, sessions: c.sessions.map((s) => ({ ...s, profiles: s.profiles.slice(0, 1) })) };
}
