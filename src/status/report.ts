/**
 * `portico status`, the part both paths share (pure apart from the injected readers): the report's
 * shape, the status computed from a `StatusSummary` (what the config says: sessions, and for each
 * profile its role-credential cache key and SSO session) and the live files (tokens, the AWS CLI's
 * role-credential cache), the 15-minute warnings and the text rendering. The full path
 * (src/status/status.ts) builds the summary from the whole config and keeps it in the validated
 * status index; the launcher's lean path (src/status/fast-path.ts) reads that index. Both then run
 * `statusFrom` on the same readers, so their output is the same by construction (test/status).
 * Imports nothing heavy: it is part of the launcher bundle (src/cli/launcher.ts).
 */

import { resolveProfileName } from "../config/paths";
import { credentialsFromEnv } from "../credentials/env";
import type { AwsCredentials } from "../credentials/types";
import type { SsoSession } from "../sso/session";
import { canRefresh, type TokenRead } from "../sso/token-format";

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

/** One profile the report can mention: its cached role credentials' key and its SSO session. */
export interface SummaryProfile {
  profile: string;
  /** Its place in the config's profile order (rows are shown in that order). */
  ordinal: number;
  /** The role-credential cache key (sha1 hex) its credentials are cached under, or null. */
  key: string | null;
  accountId: string;
  roleName: string;
  /** The SSO session `ssoProfile` resolves for it ([sso-session name or null for legacy, start URL]), or null. */
  sso: [string | null, string] | null;
}

/** What the config says, as far as `status` needs it. */
export interface StatusSummary {
  /** Named sessions in config order, then legacy (start URL) sessions in the order profiles use them. */
  sessions: SsoSession[];
  /** Each session's token file name (sha1 hex of its cache key, docs/reference.md §2.1), in `sessions` order. */
  tokenFiles: string[];
  /** The profiles whose credentials are cached under `key` (several profiles may share one). */
  byKey(key: string): SummaryProfile[];
  byProfile(name: string): SummaryProfile | undefined;
}

/** The live files `status` reads (synchronously, files only). */
export interface StatusIo {
  /** The cached token in the SSO cache folder's `<file>.json`. */
  readToken(file: string): TokenRead;
  /** The file names in the AWS CLI's role-credential cache folder ([] when it does not exist). */
  cacheFiles(): string[];
  readRoleCredentials(key: string): AwsCredentials | undefined;
  isFresh(creds: AwsCredentials, now: Date): boolean;
}

function sessionStatus(session: SsoSession, read: TokenRead, now: Date): SessionStatus {
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

/** Said on stderr after the text report when no session is configured. */
export const NO_SESSIONS_NOTE = "No SSO sessions yet: portico configure sso";

const KEY_FILE = /^[0-9a-f]{40}\.json$/;

/** The status from the summary and the live files. */
export function statusFrom(
  summary: StatusSummary,
  io: StatusIo,
  env: NodeJS.ProcessEnv,
  now: Date,
  configFile: string,
): Status {
  const sessions = summary.sessions.map((s, i) =>
    sessionStatus(s, io.readToken(summary.tokenFiles[i] as string), now),
  );
  const found: { ordinal: number; row: RoleCredentialStatus }[] = [];
  for (const file of io.cacheFiles()) {
    if (!KEY_FILE.test(file)) continue;
    const key = file.slice(0, -5);
    const profiles = summary.byKey(key);
    if (profiles.length === 0) continue;
    const creds = io.readRoleCredentials(key);
    if (!creds) continue;
    for (const p of profiles)
      found.push({
        ordinal: p.ordinal,
        row: {
          profile: p.profile,
          accountId: p.accountId,
          roleName: p.roleName,
          expiration: iso(creds.expiration),
          fresh: io.isFresh(creds, now),
        },
      });
  }
  found.sort((a, b) => a.ordinal - b.ordinal);
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
    configFile,
    sessions,
    roleCredentials: found.map((f) => f.row),
    shell,
    warnings: [],
  };
  const shellSso = shell.profile === null ? null : (summary.byProfile(shell.profile)?.sso ?? null);
  status.warnings = statusWarnings(status, shellSso, now);
  return status;
}

/**
 * Warnings for what is in use (the shell's profile and its session, environment keys) ending within
 * 15 minutes. `shellSso` is the SSO session of the shell's profile (null: not an SSO profile).
 */
export function statusWarnings(
  status: Status,
  shellSso: [string | null, string] | null,
  now: Date,
): string[] {
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
  if (p !== null && shellSso !== null) {
    const [sessionName, startUrl] = shellSso;
    const s = status.sessions.find((x) =>
      sessionName !== null ? x.name === sessionName : x.name === null && x.startUrl === startUrl,
    );
    const m = s && !s.refreshable ? soon(s.expiresAt) : undefined;
    if (s && (m !== undefined || !s.signedIn))
      out.push(
        `the SSO session of ${p} ${!s.signedIn || (m ?? 0) <= 0 ? "has expired" : `ends in ${m} min`}: portico login --profile ${p}`,
      );
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
