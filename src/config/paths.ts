/**
 * Where the shared config/credentials files live and which profile/region is selected, resolved the
 * way AWS CLI v2 does it (docs/reference.md §1.1):
 * - files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/config and ~/.aws/credentials,
 *   expanded with Python's `os.path.expandvars` then `os.path.expanduser`;
 * - home: `expanduser("~")` — $HOME on POSIX (USERPROFILE, then HOMEDRIVE+HOMEPATH on Windows);
 * - profile: --profile > AWS_PROFILE > AWS_DEFAULT_PROFILE > "default";
 * - region: --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's `region`.
 * Like the AWS CLI, a profile or region variable set to the empty string counts as set (AWS_PROFILE=""
 * selects the profile "" — "The config profile () could not be found"). For AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE an empty value means the default path (a documented deviation: the CLI
 * would read no file at all, and a writer would have nowhere to write).
 */

import { join } from "node:path";
import { configError, ExitCode, PorticoError } from "../errors";
import { builtin } from "../platform/builtin";

export interface AwsPaths {
  home: string;
  /** <home>/.aws */
  awsDir: string;
  /** Resolved config file (AWS_CONFIG_FILE, ~ and $VAR expanded). */
  configFile: string;
  /** Resolved credentials file (AWS_SHARED_CREDENTIALS_FILE, ~ and $VAR expanded). */
  credentialsFile: string;
  /** The config file as configured, e.g. "~/.aws/config" (for messages, like `aws configure list`). */
  configFileDisplay: string;
  /** Same for the credentials file. */
  credentialsFileDisplay: string;
  /** <home>/.aws/sso/cache */
  ssoCacheDir: string;
  /** <home>/.aws/cli/cache */
  cliCacheDir: string;
}

// Loaded only when needed (HOME unset, `~user`): most runs never load node:os (the lean paths).
const os = () => builtin<typeof import("node:os")>("node:os");

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);

/** The home folder as Python's `os.path.expanduser("~")` finds it. */
export function homeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") {
    const profile = nonEmpty(env["USERPROFILE"]);
    if (profile) return profile;
    const drive = env["HOMEDRIVE"] ?? "";
    const hp = nonEmpty(env["HOMEPATH"]);
    if (hp) return drive + hp;
    return os().homedir();
  }
  // posixpath.expanduser: $HOME if present in the environment, else the passwd entry. An empty HOME or
  // no passwd entry (a container's random uid) is `home_missing` rather than paths relative to the
  // current folder (docs/reliability.md "Read-only or full ~/.aws").
  const home = env["HOME"];
  if (home !== undefined && home !== "") return home;
  if (home === undefined) {
    try {
      const h = os().homedir();
      if (h) return h;
    } catch {
      // no passwd entry for this uid
    }
  }
  const why =
    home === "" ? "HOME is empty" : "HOME is not set and this user has no home in the password database";
  throw new PorticoError("home_missing", `cannot find the home folder: ${why}`, {
    exitCode: ExitCode.environment,
    hint: "set HOME (e.g. HOME=/tmp/home), or point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at the files",
    details: { HOME: home ?? null },
  });
}

const VAR_RE = /\$(\w+|\{[^}]*\})/g;

/** Python `os.path.expandvars` (POSIX): `$NAME` and `${NAME}`; unknown variables are left as written. */
export function expandVars(p: string, env: NodeJS.ProcessEnv): string {
  if (!p.includes("$")) return p;
  return p.replace(VAR_RE, (match, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    // Python's \w with re.ASCII: [A-Za-z0-9_]; braces take anything but "}".
    if (!name.startsWith("{") && !/^[A-Za-z0-9_]+$/.test(key)) return match;
    const v = env[key];
    return v === undefined ? match : v;
  });
}

/** Python `os.path.expanduser` (POSIX): `~` and `~/x` use the home folder; `~user` only the current user. */
export function expandUser(
  p: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  if (!p.startsWith("~")) return p;
  const seps = platform === "win32" ? /[\\/]/ : /\//;
  let i = p.slice(1).search(seps);
  i = i === -1 ? p.length : i + 1;
  let userhome: string;
  if (i === 1) {
    userhome = homeDir(env, platform);
  } else {
    const user = p.slice(1, i);
    let me: string | undefined;
    try {
      me = os().userInfo().username;
    } catch {
      me = undefined;
    }
    if (user !== me) return p; // Python looks the user up in passwd; we only know ourselves.
    userhome = os().homedir();
  }
  if (platform !== "win32") userhome = userhome.replace(/\/+$/, "");
  return userhome + p.slice(i) || "/";
}

/** `os.path.expandvars` then `os.path.expanduser`, as botocore does for the config and credentials paths. */
export function expandPath(
  p: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  return expandUser(expandVars(p, env), env, platform);
}

export function awsPaths(env: NodeJS.ProcessEnv): AwsPaths {
  const home = homeDir(env);
  const awsDir = join(home, ".aws");
  const configFileDisplay = nonEmpty(env["AWS_CONFIG_FILE"]) ?? "~/.aws/config";
  const credentialsFileDisplay = nonEmpty(env["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials";
  return {
    home,
    awsDir,
    configFile: expandPath(configFileDisplay, env),
    credentialsFile: expandPath(credentialsFileDisplay, env),
    configFileDisplay,
    credentialsFileDisplay,
    ssoCacheDir: join(awsDir, "sso", "cache"),
    cliCacheDir: join(awsDir, "cli", "cache"),
  };
}

export type ProfileSource = "flag" | "AWS_PROFILE" | "AWS_DEFAULT_PROFILE" | "default";

/** AWS CLI v2 precedence: --profile > AWS_PROFILE > AWS_DEFAULT_PROFILE > "default". */
export function resolveProfileName(
  env: NodeJS.ProcessEnv,
  flag?: string,
): { name: string; source: ProfileSource } {
  if (flag !== undefined) return { name: flag, source: "flag" };
  const p = env["AWS_PROFILE"];
  if (p !== undefined) return { name: p, source: "AWS_PROFILE" };
  const d = env["AWS_DEFAULT_PROFILE"];
  if (d !== undefined) return { name: d, source: "AWS_DEFAULT_PROFILE" };
  return { name: "default", source: "default" };
}

export type RegionSource = "flag" | "AWS_REGION" | "AWS_DEFAULT_REGION" | "profile";

/** AWS CLI v2 precedence: --region > AWS_REGION > AWS_DEFAULT_REGION > profile `region`; undefined if none. */
export function resolveRegion(
  env: NodeJS.ProcessEnv,
  profileRegion?: string,
  flag?: string,
): { region: string; source: RegionSource } | undefined {
  if (flag !== undefined) return { region: flag, source: "flag" };
  const r = env["AWS_REGION"];
  if (r !== undefined) return { region: r, source: "AWS_REGION" };
  const d = env["AWS_DEFAULT_REGION"];
  if (d !== undefined) return { region: d, source: "AWS_DEFAULT_REGION" };
  if (profileRegion !== undefined) return { region: profileRegion, source: "profile" };
  return undefined;
}

/**
 * Where a profile name came from, for messages: a flag, one of the two variables, the implicit
 * "default", or another profile's `source_profile`.
 */
export type ProfileOrigin = ProfileSource | { sourceProfileOf: string };

/** A profile name with where it came from (what `resolveProfileName` returns). */
export interface ProfileSelection {
  name: string;
  source: ProfileOrigin;
}

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions, each substring
 * edited once): "sandbx" → "sandbox" is 1, "dve" → "dev" is 1.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The existing names close enough to `name` to be what was meant, nearest first (at most 3): a
 * case-only difference, or at most one edit per three characters (at least one), so "dev" does not
 * suggest "qa" but "sandbx" suggests "sandbox".
 */
export function nearestNames(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return scored.slice(0, 3).map(([, c]) => c);
}

const MAX_LISTED = 10;

/** "a, b, c" — at most ten names, then "and N more". */
function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(", ");
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(" or ");

function originPhrase(name: string, origin: ProfileOrigin): string {
  if (typeof origin === "object") return `source_profile of ${origin.sourceProfileOf}`;
  switch (origin) {
    case "flag":
      return "from --profile";
    case "AWS_PROFILE":
      return `from AWS_PROFILE=${name}`;
    case "AWS_DEFAULT_PROFILE":
      return `from AWS_DEFAULT_PROFILE=${name}`;
    default:
      return "the default profile";
  }
}

/** How to select `suggestion` instead, for the origin the wrong name came from. */
function selectInstead(suggestion: string, origin: ProfileOrigin): string {
  if (typeof origin === "object")
    return `source_profile = ${suggestion} in [profile ${origin.sourceProfileOf}]`;
  if (origin === "AWS_PROFILE" || origin === "AWS_DEFAULT_PROFILE") return `export ${origin}=${suggestion}`;
  return `--profile ${suggestion}`;
}

/**
 * No profile was selected (no --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE) and there is no
 * `[default]`: one message for every command, listing the profiles and how to pick one. It never
 * suggests creating a default profile (a default makes every tool use one account without asking).
 */
export function noProfileSelected(profiles: string[]): PorticoError {
  const hint =
    profiles.length === 0
      ? "no profiles are configured yet; create one with: portico configure sso --profile NAME"
      : `pick one with --profile NAME or export AWS_PROFILE=NAME; the profiles are: ${listNames(profiles)}`;
  return configError(
    "no_profile_selected",
    "No profile selected: no --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE, and no [default] profile",
    { hint, details: { profiles: profiles.slice(0, 100) } },
  );
}

/**
 * A profile name that names no profile (`The config profile (x) could not be found`, the AWS CLI's
 * words, docs/reference.md §9.5), saying where the name came from, suggesting the nearest existing
 * names, else listing them, and how to create it. The implicit "default" that does not exist is
 * `noProfileSelected` instead.
 */
export function profileNotFound(selection: ProfileSelection, profiles: string[]): PorticoError {
  const { name, source } = selection;
  if (source === "default") return noProfileSelected(profiles);
  const near = nearestNames(name, profiles);
  const create = `to create "${name}": portico configure sso --profile ${name}`;
  let hint: string;
  if (near.length > 0) hint = `did you mean ${quoted(near)}? (${selectInstead(near[0]!, source)}); ${create}`;
  else if (profiles.length > 0) hint = `the profiles are: ${listNames(profiles)}; ${create}`;
  else hint = `no profiles are configured yet; ${create}`;
  if (source === "AWS_PROFILE" || source === "AWS_DEFAULT_PROFILE") hint += ` (or unset ${source})`;
  return configError(
    "profile_not_found",
    `The config profile (${name}) could not be found (${originPhrase(name, source)})`,
    {
      hint,
      details: {
        profile: name,
        from: typeof source === "object" ? "source_profile" : source,
        ...(near.length > 0 ? { suggestions: near } : {}),
      },
    },
  );
}

/**
 * An sso-session name that names no `[sso-session …]` (`The specified sso-session does not exist`,
 * the AWS CLI's words), with where it came from (`--sso-session`, or a profile's `sso_session`) and
 * the nearest existing sessions, else the list, and how to create it.
 */
export function ssoSessionNotFound(
  name: string,
  from: { flag: true } | { profile: string },
  sessions: string[],
): PorticoError {
  const near = nearestNames(name, sessions);
  const where = "flag" in from ? "from --sso-session" : `sso_session of [profile ${from.profile}]`;
  const create = `to create "${name}": portico configure sso-session ${name}`;
  let hint: string;
  if (near.length > 0) hint = `did you mean ${quoted(near)}? ${create}`;
  else if (sessions.length > 0) hint = `the sso-sessions are: ${listNames(sessions)}; ${create}`;
  else hint = `no sso-sessions are configured yet; ${create}`;
  return configError(
    "sso_session_not_found",
    `The specified sso-session does not exist: "${name}" (${where})`,
    {
      hint,
      details: {
        ssoSession: name,
        ...("profile" in from ? { profile: from.profile } : {}),
        ...(near.length > 0 ? { suggestions: near } : {}),
      },
    },
  );
}
