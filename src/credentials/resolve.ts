/**
 * Credentials for a profile, resolved the way botocore / the AWS CLI v2 resolve them
 * (aws-reference.md §1.4): environment keys (unless a profile was named explicitly), then the
 * profile — assume-role (role_arn + source_profile), SSO (role credentials from the CLI's shared cache,
 * else GetRoleCredentials), credentials-file static keys, credential_process, config-file static keys.
 * Web identity is refused with a clear error.
 *
 * With valid cached credentials this touches only fs, crypto and the config parser; the token provider,
 * the AWS SDK, assume-role and credential_process code are imported only when needed. (The
 * credential_process command's hot path is leaner still: fast-path.ts.)
 */
import type { AwsConfig, SectionView } from "../config/load";
import { loadAwsConfig } from "../config/load";
import { awsPaths, resolveProfileName, resolveRegion } from "../config/paths";
import { configError, ExitCode, PorticoError } from "../errors";
import { withCacheLock } from "../platform/lock";
import { ssoProfile } from "../sso/session";
import {
  isFresh,
  readCachedRoleCredentials,
  roleCacheFile,
  roleCacheKey,
  writeCachedRoleCredentials,
} from "./cache";
import { inheritedChain } from "./chain";
import type { AwsCredentials, ResolvedCredentials } from "./types";

export interface CredentialDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** People's notices on stderr (e.g. "credentials not cached: … read-only"); src/platform/notices.ts. */
  warn?: (message: string) => void;
}

export interface ResolveOptions {
  /** --profile as given on the command line (explicit: environment keys are then skipped, as botocore). */
  profile?: string;
  /** --region as given on the command line. */
  region?: string;
  /** Refuse environment-variable credentials (e.g. `accounts`, which needs an SSO profile). */
  ignoreEnv?: boolean;
  /** Skip the cache and fetch fresh role credentials (still written back). */
  forceRefresh?: boolean;
}

const str = (section: SectionView | undefined, key: string): string | undefined => {
  const v = section?.values[key];
  return typeof v === "string" && v !== "" ? v : undefined;
};

/** botocore's EnvProvider: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, token from AWS_SESSION_TOKEN / AWS_SECURITY_TOKEN. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env["AWS_SESSION_TOKEN"] || env["AWS_SECURITY_TOKEN"] || undefined;
  const exp = env["AWS_CREDENTIAL_EXPIRATION"];
  const expiration = exp ? new Date(exp) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
}

/** What kind of credential source a profile is, in botocore's order (§1.4). */
export type ProfileKind = "assume-role" | "web-identity" | "sso" | "static" | "credential-process" | "none";

/**
 * botocore's profile providers in order: assume-role, web identity, SSO, credentials-file static keys,
 * credential_process, config-file static keys. `credentialsFile` tells which file the keys came from;
 * without it static keys are taken to be from the credentials file.
 */
export function profileKind(section: SectionView, credentialsFile?: string): ProfileKind {
  if (str(section, "role_arn")) return "assume-role";
  if (str(section, "web_identity_token_file")) return "web-identity";
  if (str(section, "sso_account_id") || str(section, "sso_role_name")) return "sso";
  const hasKeys = Boolean(str(section, "aws_access_key_id") && str(section, "aws_secret_access_key"));
  const keysFile = section.keyFiles?.["aws_access_key_id"];
  const keysFromConfig =
    credentialsFile !== undefined && keysFile !== undefined && keysFile !== credentialsFile;
  if (hasKeys && !keysFromConfig) return "static";
  if (str(section, "credential_process")) return "credential-process";
  if (hasKeys) return "static";
  return "none";
}

/** The loaded config and the profile a command works on (shared by the credential commands). */
export async function loadProfileContext(
  deps: CredentialDeps,
  flag?: string,
): Promise<{ config: AwsConfig; profileName: string; explicit: boolean; section: SectionView | undefined }> {
  const config = await loadAwsConfig(deps.env);
  const { name, source } = resolveProfileName(deps.env, flag);
  return { config, profileName: name, explicit: source !== "default", section: config.profiles.get(name) };
}

export function loginArgsFor(profileName: string): string {
  return `--profile ${profileName}`;
}

/** Resolve credentials for the selected profile (or the environment). */
export async function resolveCredentials(
  deps: CredentialDeps,
  options: ResolveOptions = {},
): Promise<ResolvedCredentials> {
  const flagGiven = options.profile !== undefined;
  // botocore: env keys win unless a profile was passed explicitly (AWS_PROFILE does not count).
  if (!flagGiven && !options.ignoreEnv) {
    const fromEnv = credentialsFromEnv(deps.env);
    if (fromEnv) {
      const region = resolveRegion(deps.env, undefined, options.region)?.region;
      return { credentials: fromEnv, source: { kind: "env" }, ...(region ? { region } : {}) };
    }
  }
  const { config, profileName, explicit, section } = await loadProfileContext(deps, options.profile);
  if (!section) {
    if (!explicit) {
      throw new PorticoError(
        "no_credentials",
        "Unable to locate credentials: no profile selected and no default profile",
        {
          exitCode: ExitCode.config,
          hint: "Pass --profile NAME (see `portico configure sso`), or set AWS_PROFILE.",
        },
      );
    }
    // The AWS CLI's wording (§9.5), as the sign-in commands use it.
    throw configError("profile_not_found", `The config profile (${profileName}) could not be found`, {
      hint: `Create it with: portico configure sso --profile ${profileName}`,
      details: { profile: profileName },
    });
  }
  const region = resolveRegion(deps.env, str(section, "region"), options.region)?.region;
  const resolved = await resolveProfile(
    deps,
    config,
    profileName,
    inheritedChain(deps.env),
    options.forceRefresh ?? false,
    region,
  );
  return { ...resolved, ...(region ? { region } : {}) };
}

function staticFrom(section: SectionView): AwsCredentials {
  const sessionToken = str(section, "aws_session_token") ?? str(section, "aws_security_token");
  return {
    accessKeyId: str(section, "aws_access_key_id")!,
    secretAccessKey: str(section, "aws_secret_access_key")!,
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/**
 * One profile's credentials (no environment keys). `visited` is the assume-role chain so far
 * (botocore refuses cycles); `region` is the region the commands use, for the STS call of an assume-role.
 */
export async function resolveProfile(
  deps: CredentialDeps,
  config: AwsConfig,
  profileName: string,
  visited: string[],
  forceRefresh: boolean,
  region?: string,
): Promise<Omit<ResolvedCredentials, "region">> {
  const section = config.profiles.get(profileName);
  if (!section) {
    const via = visited.length > 0 ? ` (source_profile of ${visited[visited.length - 1]})` : "";
    throw configError("profile_not_found", `The config profile (${profileName}) could not be found${via}`, {
      hint: `Create it with: portico configure sso --profile ${profileName}`,
      details: { profile: profileName },
    });
  }
  const kind = profileKind(section, config.paths.credentialsFile);
  switch (kind) {
    case "sso":
      return resolveSsoCredentials(deps, config, profileName, forceRefresh);
    case "static":
      return { credentials: staticFrom(section), source: { kind: "static" as const, profileName } };
    case "assume-role":
      return resolveAssumeRoleCredentials(deps, config, section, visited, forceRefresh, region);
    case "credential-process": {
      const { runCredentialProcess } = await import("./process");
      const credentials = await runCredentialProcess(
        deps.env,
        str(section, "credential_process")!,
        profileName,
        visited,
      );
      return { credentials, source: { kind: "process" as const, profileName } };
    }
    case "none":
      throw configError("no_credentials", `The profile "${profileName}" has no credentials configured`, {
        hint: `Make it an SSO profile with: portico configure sso --profile ${profileName}`,
        details: { profile: profileName },
      });
    default:
      throw configError(
        "credential_source_unsupported",
        `The profile "${profileName}" gets credentials through ${kind} (web_identity_token_file), which portico does not support yet`,
        {
          hint: `Use the AWS CLI for this profile (aws configure export-credentials --profile ${profileName}), or point portico at an SSO profile.`,
          details: { profile: profileName, kind },
        },
      );
  }
}

/**
 * role_arn + source_profile: source credentials (static keys of the source win, as in botocore; a source
 * with its own role_arn chains), then AssumeRole — through the CLI's cache, single-flight like SSO.
 */
async function resolveAssumeRoleCredentials(
  deps: CredentialDeps,
  config: AwsConfig,
  section: SectionView,
  visited: string[],
  forceRefresh: boolean,
  region?: string,
): Promise<Omit<ResolvedCredentials, "region">> {
  const profileName = section.name;
  const { assumeRoleConfig, assumeRoleKeyMaterial, assumeRole, serializeAssumeRoleEntry } = await import(
    "./assume-role"
  );
  const rc = assumeRoleConfig(section);
  const chain = [...visited, profileName];
  if (chain.includes(rc.sourceProfile) && rc.sourceProfile !== profileName)
    throw configError(
      "assume_role_cycle",
      `Infinite loop in profile configuration: ${[...chain, rc.sourceProfile].join(" -> ")}`,
      { hint: "Break the cycle of source_profile references." },
    );
  const { createHash } = await import("node:crypto");
  const key = createHash("sha1").update(assumeRoleKeyMaterial(rc), "utf8").digest("hex");
  const file = roleCacheFile(config.paths.cliCacheDir, key);
  const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(rc.roleArn)?.[1];
  const source = (cached: boolean) => ({
    kind: "assume-role" as const,
    profileName,
    roleArn: rc.roleArn,
    sourceProfile: rc.sourceProfile,
    cached,
    cacheKey: key,
  });
  const fromCache = async () => {
    if (forceRefresh) return undefined;
    const hit = await readCachedRoleCredentials(file);
    return hit && isFresh(hit, deps.now())
      ? { credentials: { ...(accountId ? { accountId } : {}), ...hit }, source: source(true) }
      : undefined;
  };
  const first = await fromCache();
  if (first) return first;
  return withCacheLock(file, async () => {
    const again = await fromCache();
    if (again) return again;
    const src = config.profiles.get(rc.sourceProfile);
    let sourceCreds: AwsCredentials;
    if (
      src &&
      profileKind(src) !== "sso" &&
      str(src, "aws_access_key_id") &&
      str(src, "aws_secret_access_key")
    )
      sourceCreds = staticFrom(src);
    else if (rc.sourceProfile === profileName)
      throw configError(
        "assume_role_invalid",
        `The profile "${profileName}" is its own source_profile but has no static keys`,
        {
          hint: `Point source_profile at another profile (e.g. an SSO profile).`,
        },
      );
    else
      sourceCreds = (await resolveProfile(deps, config, rc.sourceProfile, chain, false, region)).credentials;
    const stsRegion =
      region ?? str(section, "region") ?? (src ? str(src, "region") : undefined) ?? "us-east-1";
    const out = await assumeRole(deps.env, sourceCreds, rc, stsRegion, deps.now(), profileName);
    const { writeCacheEntryBestEffort } = await import("./cache");
    const entry = serializeAssumeRoleEntry(out.credentials, out.assumedRoleUser);
    await writeCacheEntryBestEffort(file, entry, deps.warn);
    return { credentials: out.credentials, source: source(false) };
  });
}

/**
 * SSO role credentials: the CLI's cache if > 15 min remain; else, single-flight across processes
 * under a lock keyed by the cache entry, re-read the cache, then token → GetRoleCredentials → cache.
 */
export async function resolveSsoCredentials(
  deps: CredentialDeps,
  config: AwsConfig,
  profileName: string,
  forceRefresh = false,
): Promise<ResolvedCredentials> {
  const sp = ssoProfile(config, profileName);
  const key = roleCacheKey(
    sp.session.kind === "sso-session" && sp.session.sessionName !== undefined
      ? { accountId: sp.accountId, roleName: sp.roleName, sessionName: sp.session.sessionName }
      : { accountId: sp.accountId, roleName: sp.roleName, startUrl: sp.session.startUrl },
  );
  const file = roleCacheFile(config.paths.cliCacheDir, key);
  const source = (cached: boolean) => ({
    kind: "sso" as const,
    profileName,
    accountId: sp.accountId,
    roleName: sp.roleName,
    cached,
    cacheKey: key,
  });
  if (!forceRefresh) {
    const hit = await readCachedRoleCredentials(file);
    if (hit && isFresh(hit, deps.now()))
      return { credentials: { accountId: sp.accountId, ...hit }, source: source(true) };
  }
  return withCacheLock(file, async () => {
    if (!forceRefresh) {
      const again = await readCachedRoleCredentials(file);
      if (again && isFresh(again, deps.now()))
        return { credentials: { accountId: sp.accountId, ...again }, source: source(true) };
    }
    const loginArgs = loginArgsFor(profileName);
    const { getSsoToken } = await import("../sso/token-provider");
    const token = await getSsoToken(
      { env: deps.env, now: deps.now, paths: config.paths, ...(deps.warn ? { warn: deps.warn } : {}) },
      sp.session,
      loginArgs,
    );
    const { getRoleCredentials } = await import("./portal");
    const creds = await getRoleCredentials(
      { region: sp.session.region, env: deps.env, loginArgs },
      token.accessToken,
      sp.accountId,
      sp.roleName,
    );
    await writeCachedRoleCredentials(file, creds, deps.warn);
    return { credentials: creds, source: source(false) };
  });
}

/** The paths for the current environment (re-exported for commands that only need them). */
export { awsPaths };
