/**
 * Credentials for a profile, resolved the way botocore / the AWS CLI v2 resolve them
 * (docs/reference.md §1.4): environment keys (unless a profile was named explicitly), then the
 * profile, classified by src/config/describe.ts `profileProvider` — assume-role (role_arn +
 * source_profile), web identity (role_arn + web_identity_token_file → AssumeRoleWithWebIdentity),
 * SSO (role credentials from the CLI's shared cache, else GetRoleCredentials), credentials-file static
 * keys, credential_process, config-file static keys. `login_session` profiles are refused by name.
 *
 * With valid cached credentials this touches only fs, crypto and the config parser; the token provider,
 * the AWS SDK, assume-role and credential_process code are imported only when needed. (The
 * credential_process command's hot path is leaner still: fast-path.ts.)
 */
import {
  configValue,
  keyFileTest,
  nonEmptyValue,
  type ProfileProvider,
  profileProvider,
} from "../config/describe";
import type { AwsConfig, SectionView } from "../config/load";
import { loadAwsConfig } from "../config/load";
import {
  awsPaths,
  type ProfileSource,
  profileNotFound,
  resolveProfileName,
  resolveRegion,
} from "../config/paths";
import { configError } from "../errors";
import { withCacheLock } from "../platform/lock";
import { sha1Hex } from "../platform/sha1";
import { ssoProfile } from "../sso/session";
import {
  isFresh,
  readCachedRoleCredentials,
  roleCacheFile,
  roleCacheKey,
  ssoRoleCacheKeyArgs,
  writeCachedRoleCredentials,
} from "./cache";
import { inheritedChain } from "./chain";
import { credentialsFromEnv } from "./env";
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
  /**
   * The config view to resolve in instead of loading both files: the profile's located sections
   * (src/config/located.ts), which hold every section the resolution reads.
   */
  config?: AwsConfig;
}

/** A non-empty value of the profile (the keys portico reads where botocore tests truthiness). */
const str = (section: SectionView | undefined, key: string): string | undefined =>
  nonEmptyValue(section?.values, key);

/** botocore's provider for a loaded profile (src/config/describe.ts, the one classifier). */
export function providerOf(section: SectionView, credentialsFile: string | undefined): ProfileProvider {
  return profileProvider(section.values, keyFileTest(section, credentialsFile));
}

/** The loaded config and the profile a command works on (shared by the credential commands). */
export async function loadProfileContext(
  deps: CredentialDeps,
  flag?: string,
  loaded?: AwsConfig,
): Promise<{
  config: AwsConfig;
  profileName: string;
  source: ProfileSource;
  explicit: boolean;
  section: SectionView | undefined;
}> {
  const config = loaded ?? (await loadAwsConfig(deps.env));
  const { name, source } = resolveProfileName(deps.env, flag);
  return {
    config,
    profileName: name,
    source,
    explicit: source !== "default",
    section: config.profiles.get(name),
  };
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
  const { config, profileName, source, section } = await loadProfileContext(
    deps,
    options.profile,
    options.config,
  );
  if (!section) throw profileNotFound({ name: profileName, source }, [...config.profiles.keys()]);
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
  const accessKeyId = str(section, "aws_access_key_id");
  const secretAccessKey = str(section, "aws_secret_access_key");
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    // botocore's PartialCredentialsError.
    const missing = accessKeyId === undefined ? "aws_access_key_id" : "aws_secret_access_key";
    throw configError(
      "no_credentials",
      `Partial credentials found in profile "${section.name}", missing: ${missing}`,
      {
        hint: `Set ${missing} for [${section.name}] in the credentials file, or make it an SSO profile: portico configure sso --profile ${section.name}`,
        details: { profile: section.name, missing },
      },
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
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
  /**
   * Resolving an assume-role's source_profile: botocore (`_resolve_credentials_from_profile`) runs the
   * profile providers without the assume-role one when the source has static keys.
   */
  options: { asSource?: boolean } = {},
): Promise<Omit<ResolvedCredentials, "region">> {
  const section = config.profiles.get(profileName);
  if (!section) {
    const source = visited.length > 0 ? { sourceProfileOf: visited[visited.length - 1]! } : ("flag" as const);
    throw profileNotFound({ name: profileName, source }, [...config.profiles.keys()]);
  }
  let provider = providerOf(section, config.paths.credentialsFile);
  if (provider === "assume-role" && options.asSource && hasStaticKeys(section)) {
    const { role_arn: _ignored, ...rest } = section.values;
    provider = profileProvider(rest, keyFileTest(section, config.paths.credentialsFile));
  }
  switch (provider) {
    case "sso":
      return resolveSsoCredentials(deps, config, profileName, forceRefresh);
    case "shared-credentials-file":
    case "config-file":
      return { credentials: staticFrom(section), source: { kind: "static" as const, profileName } };
    case "assume-role":
      return resolveAssumeRoleCredentials(deps, config, section, visited, forceRefresh, region);
    case "assume-role-with-web-identity":
      return resolveWebIdentityCredentials(deps, config, section, forceRefresh, region);
    case "custom-process": {
      const { runCredentialProcess } = await import("./process");
      const credentials = await runCredentialProcess(
        deps.env,
        configValue(section.values, "credential_process")!,
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
    case "login":
      throw configError(
        "credential_source_unsupported",
        `The profile "${profileName}" signs in with login_session (aws login), which portico does not support yet`,
        {
          hint: `Use the AWS CLI for this profile (aws configure export-credentials --profile ${profileName}), or point portico at an SSO profile.`,
          details: { profile: profileName, provider },
        },
      );
  }
}

/**
 * Role credentials through the AWS CLI's cache, single-flight across processes: the cache entry if
 * > 15 min remain, else lock → re-read → `fetch` → write the entry (assume-role and web identity share it).
 */
async function cachedAssumedRole(
  deps: CredentialDeps,
  config: AwsConfig,
  keyMaterial: string,
  forceRefresh: boolean,
  accountId: string | undefined,
  fetch: () => Promise<{ credentials: AwsCredentials; entry: string }>,
): Promise<{ credentials: AwsCredentials; cached: boolean; key: string }> {
  const key = sha1Hex(keyMaterial);
  const file = roleCacheFile(config.paths.cliCacheDir, key);
  const fromCache = async () => {
    if (forceRefresh) return undefined;
    const hit = await readCachedRoleCredentials(file);
    return hit && isFresh(hit, deps.now())
      ? { credentials: { ...(accountId ? { accountId } : {}), ...hit }, cached: true, key }
      : undefined;
  };
  const first = await fromCache();
  if (first) return first;
  return withCacheLock(file, async () => {
    const again = await fromCache();
    if (again) return again;
    const out = await fetch();
    const { writeCacheEntryBestEffort } = await import("./cache");
    await writeCacheEntryBestEffort(file, out.entry, deps.warn);
    return { credentials: out.credentials, cached: false, key };
  });
}

/** role_arn + web_identity_token_file: AssumeRoleWithWebIdentity with the token file's content, cached like the CLI. */
async function resolveWebIdentityCredentials(
  deps: CredentialDeps,
  config: AwsConfig,
  section: SectionView,
  forceRefresh: boolean,
  region?: string,
): Promise<Omit<ResolvedCredentials, "region">> {
  const profileName = section.name;
  const wi = await import("./web-identity");
  const { assumeRoleKeyMaterial, serializeAssumeRoleEntry } = await import("./assume-role");
  const c = wi.webIdentityConfig(section);
  const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(c.roleArn)?.[1];
  const r = await cachedAssumedRole(
    deps,
    config,
    assumeRoleKeyMaterial(wi.webIdentityKeyConfig(c)),
    forceRefresh,
    accountId,
    async () => {
      const token = await wi.readWebIdentityToken(c, profileName);
      const stsRegion = region ?? str(section, "region") ?? "us-east-1";
      const out = await wi.assumeRoleWithWebIdentity(deps.env, token, c, stsRegion, deps.now(), profileName);
      return {
        credentials: out.credentials,
        entry: serializeAssumeRoleEntry(out.credentials, out.assumedRoleUser),
      };
    },
  );
  return {
    credentials: r.credentials,
    source: { kind: "web-identity", profileName, roleArn: c.roleArn, cached: r.cached, cacheKey: r.key },
  };
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
  const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(rc.roleArn)?.[1];
  const r = await cachedAssumedRole(
    deps,
    config,
    assumeRoleKeyMaterial(rc),
    forceRefresh,
    accountId,
    async () => {
      const src = config.profiles.get(rc.sourceProfile);
      let sourceCreds: AwsCredentials;
      if (rc.sourceProfile === profileName) {
        // botocore: a profile may be its own source only through its static keys.
        if (!(src && hasStaticKeys(src)))
          throw configError(
            "assume_role_invalid",
            `The profile "${profileName}" is its own source_profile but has no static keys`,
            { hint: `Point source_profile at another profile (e.g. an SSO profile).` },
          );
        sourceCreds = staticFrom(src);
      } else
        sourceCreds = (
          await resolveProfile(deps, config, rc.sourceProfile, chain, false, region, { asSource: true })
        ).credentials;
      const stsRegion =
        region ?? str(section, "region") ?? (src ? str(src, "region") : undefined) ?? "us-east-1";
      const out = await assumeRole(deps.env, sourceCreds, rc, stsRegion, deps.now(), profileName);
      return {
        credentials: out.credentials,
        entry: serializeAssumeRoleEntry(out.credentials, out.assumedRoleUser),
      };
    },
  );
  return {
    credentials: r.credentials,
    source: {
      kind: "assume-role" as const,
      profileName,
      roleArn: rc.roleArn,
      sourceProfile: rc.sourceProfile,
      cached: r.cached,
      cacheKey: r.key,
    },
  };
}

/** botocore's `_has_static_credentials`: either static key present. */
function hasStaticKeys(section: SectionView): boolean {
  return (
    configValue(section.values, "aws_access_key_id") !== undefined ||
    configValue(section.values, "aws_secret_access_key") !== undefined
  );
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
    ssoRoleCacheKeyArgs({
      accountId: sp.accountId,
      roleName: sp.roleName,
      sessionName: sp.session.kind === "sso-session" ? sp.session.sessionName : undefined,
      startUrl: sp.session.startUrl,
    }),
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
    const { getRoleCredentials } = await import("../portal/client");
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
export { awsPaths, credentialsFromEnv };
