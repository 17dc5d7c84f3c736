/**
 * Where the shared config/credentials files live and which profile/region is selected, resolved the
 * way AWS CLI v2 does it (aws-reference.md §1.1):
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
import * as os from "node:os";
import * as path from "node:path";
import { ExitCode, PorticoError } from "../errors";

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

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);

/** The home folder as Python's `os.path.expanduser("~")` finds it. */
export function homeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") {
    const profile = nonEmpty(env["USERPROFILE"]);
    if (profile) return profile;
    const drive = env["HOMEDRIVE"] ?? "";
    const hp = nonEmpty(env["HOMEPATH"]);
    if (hp) return drive + hp;
    return os.homedir();
  }
  // posixpath.expanduser: $HOME if present in the environment, else the passwd entry. An empty HOME or
  // no passwd entry (a container's random uid) is `home_missing` rather than paths relative to the
  // current folder (docs/reliability.md "Read-only or full ~/.aws").
  const home = env["HOME"];
  if (home !== undefined && home !== "") return home;
  if (home === undefined) {
    try {
      const h = os.homedir();
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
      me = os.userInfo().username;
    } catch {
      me = undefined;
    }
    if (user !== me) return p; // Python looks the user up in passwd; we only know ourselves.
    userhome = os.homedir();
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
  const awsDir = path.join(home, ".aws");
  const configFileDisplay = nonEmpty(env["AWS_CONFIG_FILE"]) ?? "~/.aws/config";
  const credentialsFileDisplay = nonEmpty(env["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials";
  return {
    home,
    awsDir,
    configFile: expandPath(configFileDisplay, env),
    credentialsFile: expandPath(credentialsFileDisplay, env),
    configFileDisplay,
    credentialsFileDisplay,
    ssoCacheDir: path.join(awsDir, "sso", "cache"),
    cliCacheDir: path.join(awsDir, "cli", "cache"),
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
