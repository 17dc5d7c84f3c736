/**
 * `portico status`: what is live on this machine, from files only (no network): every SSO session
 * (start URL, region, signed in, access-token expiry, refresh possible and until when), every profile
 * with cached role credentials (the AWS CLI's shared cache) and their expiry, and the current shell's
 * selection (AWS_PROFILE / environment keys, and whether `portico use` set them). A warning for
 * anything in use that ends within 15 minutes. `collectStatus` reads; `statusWarnings` and
 * `renderStatus` are pure.
 */
import { readdir } from "node:fs/promises";
import { nonEmptyValue } from "../config/describe";
import type { AwsConfig } from "../config/load";
import { resolveProfileName } from "../config/paths";
import {
  isFresh,
  readCachedRoleCredentials,
  roleCacheFile,
  roleCacheKey,
  ssoRoleCacheKeyArgs,
} from "../credentials/cache";
import { credentialsFromEnv, providerOf } from "../credentials/resolve";
import { readToken } from "../sso/cache";
import { type SsoSession, ssoProfile, ssoSessionByName } from "../sso/session";
import { canRefresh } from "../sso/token-provider";

export const WARN_WITHIN_MS = 15 * 60_000;

export interface SessionStatus {
  /** sso-session name, or null for a legacy (start URL only) session. */
  name: string | null;
  startUrl: string;
  region: string;
  signedIn: boolean;
  /** Access-token expiry (ISO), if a token is cached. */
  expiresAt: string | null;
  refreshable: boolean;
  /** Until when refreshing can extend the session (the client registration's expiry), where known. */
  refreshableUntil: string | null;
  /** The session's own end (Identity Center's session duration) is not in any cache: null unless known. */
  sessionEnd: string | null;
  /** A cached token that cannot be read (kept on disk, treated as signed out). */
  unreadable: boolean;
}

export interface RoleCredentialStatus {
  profile: string;
  accountId: string;
  roleName: string;
  expiration: string | null;
  /** Usable as it is (more than the 15-minute reuse window left). */
  fresh: boolean;
}

export interface ShellStatus {
  profile: string | null;
  profileSource: "AWS_PROFILE" | "AWS_DEFAULT_PROFILE" | null;
  /** Environment keys (AWS_ACCESS_KEY_ID…) override the profile in every SDK. */
  envCredentials: null | {
    accessKeyId: string;
    expiration: string | null;
    /** "portico use --export" when PORTICO_MODE says so, with the profile it came from. */
    setBy: string;
  };
  region: string | null;
}

export interface Status {
  now: string;
  configFile: string;
  sessions: SessionStatus[];
  roleCredentials: RoleCredentialStatus[];
  shell: ShellStatus;
  warnings: string[];
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : null);

async function sessionStatus(config: AwsConfig, session: SsoSession, now: Date): Promise<SessionStatus> {
  const read = await readToken(config.paths.ssoCacheDir, session);
  const token = read.status === "ok" ? read.token : undefined;
  const refreshable = token ? canRefresh(session, token, now) : false;
  return {
    name: session.sessionName ?? null,
    startUrl: session.startUrl,
    region: session.region,
    signedIn: token !== undefined && (token.expiresAt.getTime() > now.getTime() || refreshable),
    expiresAt: iso(token?.expiresAt),
    refreshable,
    refreshableUntil: refreshable ? iso(token?.registrationExpiresAt) : null,
    sessionEnd: null,
    unreadable: read.status === "malformed",
  };
}

/** Everything `portico status` shows, read from files only. */
export async function collectStatus(
  deps: { env: NodeJS.ProcessEnv; now: () => Date },
  config: AwsConfig,
): Promise<Status> {
  const now = deps.now();
  const sessions: SessionStatus[] = [];
  const seenLegacy = new Set<string>();
  for (const name of config.ssoSessions.keys()) {
    try {
      sessions.push(await sessionStatus(config, ssoSessionByName(config, name), now));
    } catch {
      // An incomplete [sso-session]: `portico config lint` reports it.
    }
  }
  // Role credentials: hash only when the cache folder has entries, and read only the files that exist.
  let cached: Set<string>;
  try {
    cached = new Set((await readdir(config.paths.cliCacheDir)).filter((f) => f.endsWith(".json")));
  } catch {
    cached = new Set();
  }
  const roleCredentials: RoleCredentialStatus[] = [];
  for (const [name, section] of config.profiles) {
    if (providerOf(section, config.paths.credentialsFile) !== "sso") continue;
    const accountId = nonEmptyValue(section.values, "sso_account_id");
    const roleName = nonEmptyValue(section.values, "sso_role_name");
    const sessionName = nonEmptyValue(section.values, "sso_session");
    const startUrl = nonEmptyValue(section.values, "sso_start_url");
    if (sessionName === undefined && startUrl !== undefined && !seenLegacy.has(startUrl)) {
      seenLegacy.add(startUrl);
      try {
        sessions.push(await sessionStatus(config, ssoProfile(config, name).session, now));
      } catch {
        // incomplete legacy profile: `portico config lint` reports it
      }
    }
    // Only hash when the cache has entries; validate (ssoProfile) only the profiles that have one.
    if (cached.size === 0 || accountId === undefined || roleName === undefined) continue;
    const key = roleCacheKey(
      ssoRoleCacheKeyArgs({ accountId, roleName, sessionName, startUrl: startUrl ?? "" }),
    );
    if (!cached.has(`${key}.json`)) continue;
    try {
      ssoProfile(config, name);
    } catch {
      continue;
    }
    const creds = await readCachedRoleCredentials(roleCacheFile(config.paths.cliCacheDir, key));
    if (!creds) continue;
    roleCredentials.push({
      profile: name,
      accountId,
      roleName,
      expiration: iso(creds.expiration),
      fresh: isFresh(creds, now),
    });
  }
  const env = deps.env;
  const sel = resolveProfileName(env);
  const fromEnv = credentialsFromEnv(env);
  const shell: ShellStatus = {
    profile: sel.source === "default" ? null : sel.name,
    profileSource: sel.source === "AWS_PROFILE" || sel.source === "AWS_DEFAULT_PROFILE" ? sel.source : null,
    envCredentials: fromEnv
      ? {
          // As `aws configure list` shows it: the last four characters only.
          accessKeyId: `****************${fromEnv.accessKeyId.slice(-4)}`,
          expiration: iso(fromEnv.expiration),
          setBy:
            env["PORTICO_MODE"] === "export" && env["PORTICO_PROFILE"]
              ? `portico use --export ${env["PORTICO_PROFILE"]}`
              : "the environment (AWS_ACCESS_KEY_ID)",
        }
      : null,
    region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? null,
  };
  const status: Status = {
    now: iso(now)!,
    configFile: config.paths.configFile,
    sessions,
    roleCredentials,
    shell,
    warnings: [],
  };
  status.warnings = statusWarnings(status, config, now);
  return status;
}

/** Warnings for what is in use (the shell's profile and its session, environment keys) ending within 15 minutes. */
export function statusWarnings(status: Status, config: AwsConfig, now: Date): string[] {
  const out: string[] = [];
  const soon = (at: string | null) =>
    at !== null && Date.parse(at) - now.getTime() < WARN_WITHIN_MS
      ? Math.floor((Date.parse(at) - now.getTime()) / 60_000)
      : undefined;
  const left = (m: number) => (m <= 0 ? "has expired" : `expires in ${m} min`);
  const env = status.shell.envCredentials;
  if (env) {
    const m = soon(env.expiration);
    if (m !== undefined) {
      const fix = env.setBy.startsWith("portico use")
        ? `pc --export ${status.shell.profile ?? ""}`.trim()
        : "renew them";
      out.push(`the environment credentials ${left(m)} (${env.setBy}): ${fix}`);
    }
  }
  const p = status.shell.profile;
  if (p !== null && config.profiles.has(p)) {
    try {
      const sp = ssoProfile(config, p);
      const s = status.sessions.find((x) =>
        sp.session.kind === "sso-session"
          ? x.name === sp.session.sessionName
          : x.name === null && x.startUrl === sp.session.startUrl,
      );
      const m = s && !s.refreshable ? soon(s.expiresAt) : undefined;
      if (s && (m !== undefined || !s.signedIn))
        out.push(
          `the SSO session of ${p} ${!s.signedIn || (m ?? 0) <= 0 ? "has expired" : `ends in ${m} min`}: portico login --profile ${p}`,
        );
    } catch {
      // not an SSO profile
    }
  }
  return out;
}

function remaining(at: string | null, now: Date): string {
  if (at === null) return "-";
  const m = Math.floor((Date.parse(at) - now.getTime()) / 60_000);
  if (m <= 0) return "expired";
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m` : `${m}m`;
}

/** The text report (people's view; --json has the same data). */
export function renderStatus(s: Status, table: (rows: string[][]) => string): string {
  const now = new Date(s.now);
  const parts: string[] = [];
  parts.push("SSO sessions");
  if (s.sessions.length === 0) parts.push("  (none configured: portico configure sso-session)");
  else
    parts.push(
      table([
        ["  SESSION", "START URL", "REGION", "SIGNED IN", "TOKEN LEFT", "REFRESH"],
        ...s.sessions.map((x) => [
          `  ${x.name ?? "(legacy)"}`,
          x.startUrl,
          x.region,
          x.unreadable ? "no (unreadable token)" : x.signedIn ? "yes" : "no",
          remaining(x.expiresAt, now),
          x.refreshable ? `yes, until ${x.refreshableUntil ?? "?"}` : "no",
        ]),
      ]),
    );
  parts.push("", "Cached role credentials");
  if (s.roleCredentials.length === 0) parts.push("  (none)");
  else
    parts.push(
      table([
        ["  PROFILE", "ACCOUNT", "ROLE", "LEFT"],
        ...s.roleCredentials.map((r) => [
          `  ${r.profile}`,
          r.accountId,
          r.roleName,
          remaining(r.expiration, now),
        ]),
      ]),
    );
  parts.push("", "This shell");
  parts.push(
    `  profile: ${s.shell.profile ?? "(none; the default profile)"}${s.shell.profileSource ? ` (from ${s.shell.profileSource})` : ""}`,
  );
  if (s.shell.envCredentials)
    parts.push(
      `  environment credentials: ${s.shell.envCredentials.accessKeyId} from ${s.shell.envCredentials.setBy}, ${remaining(s.shell.envCredentials.expiration, now) === "-" ? "no expiry" : `${remaining(s.shell.envCredentials.expiration, now)} left`} (they override the profile)`,
    );
  if (s.shell.region) parts.push(`  region: ${s.shell.region}`);
  return `${parts.join("\n")}\n`;
}
