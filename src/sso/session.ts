/**
 * Which SSO session a profile uses, with botocore's validation and messages
 * (docs/reference.md §1.5; botocore `credentials.py` SSOProvider._load_sso_config and
 * `awscli/customizations/sso/utils.py` for `aws sso login`). Pure: takes the loaded config view.
 */
import { configValue } from "../config/describe";
import type { AwsConfig, SectionView } from "../config/load";
import { type ProfileSelection, profileNotFound, ssoSessionNotFound } from "../config/paths";
import { isAccountId } from "../config/values";
import { configError } from "../errors";

export interface SsoSession {
  kind: "sso-session" | "legacy";
  /** sso-session name (kind "sso-session"). */
  sessionName?: string;
  startUrl: string;
  region: string;
  /** Parsed `sso_registration_scopes` (split on ",", trimmed, empties dropped); [] for legacy. */
  scopes: string[];
  /**
   * The scopes as the AWS CLI passes them to its registration cache key: null when the key is
   * absent (and always for legacy), else the parsed list (possibly empty). §2.2
   */
  registrationScopes: string[] | null;
  /** sso-session name, or the start URL exactly as written (legacy) — sha1 of it names the token file. */
  cacheKey: string;
}

export interface SsoProfile {
  profileName: string;
  session: SsoSession;
  accountId: string;
  roleName: string;
  region?: string;
}

/** The CLI's parse_sso_registration_scopes: split on ",", strip, drop empties. */
export function parseScopes(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function str(section: SectionView | undefined, key: string): string | undefined {
  return configValue(section?.values, key);
}

/** A profile argument: a bare name (as given with --profile) or a selection saying where it came from. */
export type ProfileArg = string | ProfileSelection;

const selectionOf = (p: ProfileArg): ProfileSelection =>
  typeof p === "string" ? { name: p, source: "flag" } : p;

/** An `[sso-session NAME]` section resolved into a session (as `aws sso login --sso-session NAME`). */
/** The names of the two keys every SSO sign-in needs that are absent, in botocore's order. */
function missingStartUrlRegion(startUrl: string | undefined, region: string | undefined): string[] {
  return [startUrl === undefined ? "sso_start_url" : "", region === undefined ? "sso_region" : ""].filter(
    Boolean,
  );
}

export function ssoSessionByName(
  config: AwsConfig,
  name: string,
  from: { flag: true } | { profile: string } = { flag: true },
): SsoSession {
  const section = config.ssoSessions.get(name);
  if (!section) throw ssoSessionNotFound(name, from, [...config.ssoSessions.keys()]);
  const startUrl = str(section, "sso_start_url");
  const region = str(section, "sso_region");
  const missing = missingStartUrlRegion(startUrl, region);
  if (missing.length > 0) {
    throw configError(
      "sso_config_missing",
      `The sso-session "${name}" is missing required configuration: ${missing.join(", ")}`,
      {
        hint: `Complete it with: portico configure sso-session ${name}`,
        details: { ssoSession: name, missing, file: section.file, line: section.line },
      },
    );
  }
  const rawScopes = str(section, "sso_registration_scopes");
  const registrationScopes = rawScopes === undefined ? null : parseScopes(rawScopes);
  return {
    kind: "sso-session",
    sessionName: name,
    startUrl: startUrl!,
    region: region!,
    scopes: registrationScopes ?? [],
    registrationScopes,
    cacheKey: name,
  };
}

function legacySession(startUrl: string, region: string): SsoSession {
  return { kind: "legacy", startUrl, region, scopes: [], registrationScopes: null, cacheKey: startUrl };
}

/**
 * The session a profile signs in with, without requiring an account and role (what `aws sso login
 * --profile P` needs). Messages as the CLI's `_get_sso_config`.
 */
export function ssoSessionForProfile(config: AwsConfig, profileArg: ProfileArg): SsoSession {
  const selection = selectionOf(profileArg);
  const profileName = selection.name;
  const profile = config.profiles.get(profileName);
  if (!profile) throw profileNotFound(selection, [...config.profiles.keys()]);
  const sessionName = str(profile, "sso_session");
  if (sessionName !== undefined) {
    const session = ssoSessionByName(config, sessionName, { profile: profileName });
    checkConsistent(profile, config.ssoSessions.get(sessionName)!);
    return session;
  }
  const startUrl = str(profile, "sso_start_url");
  const region = str(profile, "sso_region");
  const missing = missingStartUrlRegion(startUrl, region);
  if (missing.length > 0) {
    throw configError(
      "sso_config_missing",
      `Missing the following required SSO configuration values: ${missing.join(", ")}. To make sure this profile is properly configured to use SSO, please run: portico configure sso --profile ${profileName}`,
      {
        hint: `portico configure sso --profile ${profileName}`,
        details: { profile: profileName, missing },
      },
    );
  }
  return legacySession(startUrl!, region!);
}

/** botocore: any key present in both the profile and the sso-session must have the same value. */
function checkConsistent(profile: SectionView, session: SectionView): void {
  for (const [key, val] of Object.entries(session.values)) {
    const mine = profile.values[key];
    if (mine !== undefined && typeof mine === "string" && typeof val === "string" && mine !== val) {
      throw configError(
        "sso_config_inconsistent",
        `The value for ${key} is inconsistent between profile (${mine}) and sso-session (${val}).`,
        {
          hint: `Remove ${key} from [profile ${profile.name}] (${profile.file}:${profile.keyLines[key] ?? profile.line}) or make it match the sso-session.`,
          details: { profile: profile.name, key },
        },
      );
    }
  }
}

/**
 * A profile that gets role credentials through SSO (botocore SSOProvider): it is SSO when it has
 * `sso_role_name` or `sso_account_id`; then all of sso_role_name, sso_account_id, sso_start_url,
 * sso_region (+ sso_session when referenced) must resolve.
 */
export function ssoProfile(config: AwsConfig, profileArg: ProfileArg): SsoProfile {
  const selection = selectionOf(profileArg);
  const profileName = selection.name;
  const profile = config.profiles.get(profileName);
  if (!profile) throw profileNotFound(selection, [...config.profiles.keys()]);
  const hint = `portico configure sso --profile ${profileName}`;
  if (str(profile, "sso_role_name") === undefined && str(profile, "sso_account_id") === undefined) {
    throw configError("not_sso_profile", `The profile "${profileName}" is not configured to use SSO`, {
      hint: `Add sso_account_id and sso_role_name with: ${hint}`,
      details: { profile: profileName },
    });
  }
  const sessionName = str(profile, "sso_session");
  const resolved: Record<string, string> = {};
  for (const [k, v] of Object.entries(profile.values)) if (typeof v === "string") resolved[k] = v;
  if (sessionName !== undefined) {
    const section = config.ssoSessions.get(sessionName);
    if (!section)
      throw ssoSessionNotFound(sessionName, { profile: profileName }, [...config.ssoSessions.keys()]);
    checkConsistent(profile, section);
    for (const [k, v] of Object.entries(section.values)) if (typeof v === "string") resolved[k] = v;
  }
  const required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"];
  if (sessionName !== undefined) required.push("sso_session");
  const missing = required.filter((k) => resolved[k] === undefined);
  if (missing.length > 0) {
    throw configError(
      "sso_config_missing",
      `The profile "${profileName}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
      {
        hint:
          sessionName !== undefined && missing.some((k) => k.startsWith("sso_s") || k === "sso_region")
            ? `portico configure sso-session ${sessionName}`
            : hint,
        details: { profile: profileName, missing },
      },
    );
  }
  const accountId = resolved["sso_account_id"]!;
  if (!isAccountId(accountId)) throw accountIdInvalid(config, profile, profileName, accountId);
  const session =
    sessionName !== undefined
      ? ssoSessionByName(config, sessionName, { profile: profileName })
      : legacySession(resolved["sso_start_url"]!, resolved["sso_region"]!);
  const region = str(profile, "region");
  return {
    profileName,
    session,
    accountId,
    roleName: resolved["sso_role_name"]!,
    ...(region !== undefined ? { region } : {}),
  };
}

/**
 * sso_account_id that is not 12 digits: the portal would answer InvalidRequestException (which reads
 * like a passing failure); portico names the value, where it is, and the fix before any call.
 */
function accountIdInvalid(config: AwsConfig, profile: SectionView, name: string, value: string) {
  const file = profile.keyFiles?.["sso_account_id"] ?? profile.file;
  const display =
    file === config.paths.credentialsFile
      ? config.paths.credentialsFileDisplay
      : config.paths.configFileDisplay;
  const line = profile.keyLines?.["sso_account_id"] ?? profile.line;
  return configError(
    "sso_account_id_invalid",
    `The profile "${name}" has sso_account_id = ${value} (${display}:${line}): an AWS account id is 12 digits, leading zeros included`,
    {
      hint: `portico config set sso_account_id 123456789012 --profile ${name} with your account's id (they are listed by: portico accounts --profile ${name})`,
      details: { profile: name, value, file: display, line },
    },
  );
}

/** The flags that select this session on the command line, for hints: `--profile X` or `--sso-session S`. */
export function loginArgs(session: SsoSession, profileName?: string): string {
  if (profileName !== undefined) return `--profile ${shellWord(profileName)}`;
  if (session.kind === "sso-session") return `--sso-session ${shellWord(session.sessionName!)}`;
  return "";
}

/** Quote a word for a POSIX shell only when needed. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
