/**
 * The lean `portico console … --print`, for the executable's entry before the full CLI loads
 * (src/cli/launcher.ts): an SSO profile with fresh role credentials in the AWS CLI's cache (located
 * through the credential_process fast path's validated index, src/credentials/fast-path.ts) → one
 * getSigninToken request (src/console/http-get.ts: node:net / node:tls, not node:http) → the login URL from src/console/url.ts, the same pure
 * functions as the full command (src/console/console.ts). No commander, no fetch (undici), no AWS SDK.
 * Anything else — other flags, a profile that is not plain SSO, environment keys that would win, a
 * cache miss, a destination or region the full command refuses, any failed request — returns false
 * and the full command runs (and reports the problem).
 */
import { awsPaths, resolveProfileName, resolveRegion } from "../config/paths";
import { isFresh, parseCacheEntry } from "../credentials/cache-format";
import { credentialsFromEnv } from "../credentials/env";
import { locateFastPathProfile, readText } from "../credentials/fast-path";
import { getOnce } from "./http-get";
import {
  checkPartition,
  defaultDuration,
  destinationUrl,
  loginUrl,
  parseDuration,
  parseSigninToken,
  signinEndpoints,
  signinTokenUrl,
} from "./url";

export interface FastConsoleArgs {
  profile?: string;
  destination?: string;
  region?: string;
  duration?: string;
  logoutFirst: boolean;
}

/** `console --print` with only --profile, --destination, --region, --duration, --no-logout-first; else undefined. */
export function fastConsoleArgs(argv: string[]): FastConsoleArgs | undefined {
  if (argv[0] !== "console") return undefined;
  const out: FastConsoleArgs = { logoutFirst: true };
  let print = false;
  const valued = {
    "--profile": "profile",
    "--destination": "destination",
    "--region": "region",
    "--duration": "duration",
  } as const;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--print") print = true;
    else if (a === "--no-logout-first") out.logoutFirst = false;
    else {
      const eq = a.indexOf("=");
      const flag = (eq > 0 ? a.slice(0, eq) : a) as keyof typeof valued;
      const field = valued[flag];
      if (field === undefined || out[field] !== undefined) return undefined;
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "" || (eq < 0 && value.startsWith("-"))) return undefined;
      out[field] = value;
    }
  }
  return print ? out : undefined;
}

/** The URL to print, or undefined to let the full command run. Never rejects. */
export async function consoleUrlFromCache(
  argv: string[],
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<string | undefined> {
  try {
    const args = fastConsoleArgs(argv);
    if (!args) return undefined;
    // Environment keys win over AWS_PROFILE (not over --profile), as in the full command's resolver.
    if (args.profile === undefined && credentialsFromEnv(env)) return undefined;
    const profile = resolveProfileName(env, args.profile).name;
    const paths = awsPaths(env);
    const located = locateFastPathProfile(paths, profile);
    if (!located) return undefined;
    const region = resolveRegion(env, located.region, args.region)?.region ?? "us-east-1";
    checkPartition(region);
    const destination = destinationUrl(args.destination, region);
    const durationArg = args.duration !== undefined ? parseDuration(args.duration) : undefined;
    const text = readText(`${paths.cliCacheDir}/${located.roleFile}.json`);
    const creds = text === undefined ? undefined : parseCacheEntry(text);
    if (!creds || !isFresh(creds, now) || creds.sessionToken === undefined) return undefined;
    // The Issuer is the profile's start URL (its sso-session's), kept in the validated index entry.
    const issuer = located.startUrl;
    const endpoints = signinEndpoints(env);
    const durationS = durationArg ?? defaultDuration(creds.expiration, now);
    const res = await getOnce(
      signinTokenUrl(
        endpoints,
        {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        },
        durationS,
      ),
      15_000,
    );
    const token = res && res.status === 200 ? parseSigninToken(res.body) : undefined;
    if (token === undefined) return undefined;
    return loginUrl(endpoints, token, destination, { logoutFirst: args.logoutFirst, issuer });
  } catch {
    return undefined;
  }
}
