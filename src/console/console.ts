/**
 * `portico console`: the profile's role credentials (src/credentials/resolve.ts) → one federation
 * getSigninToken request → the login URL (src/console/url.ts), by default behind the logout step so
 * a console session already open in that browser is replaced; `--multi-session` gives the access
 * portal's shortcut link instead (no request). Opening the URL is src/console/open.ts.
 */
import { nonEmptyValue } from "../config/describe";
import { loadAwsConfig } from "../config/load";
import { resolveCredentials } from "../credentials/resolve";
import { ExitCode, PorticoError } from "../errors";
import { ssoProfile } from "../sso/session";
import {
  checkPartition,
  defaultDuration,
  destinationUrl,
  loginUrl,
  parseSigninToken,
  portalShortcutUrl,
  signinEndpoints,
  signinTokenUrl,
} from "./url";

export interface ConsoleOptions {
  profile?: string;
  destination?: string;
  region?: string;
  durationS?: number;
  multiSession: boolean;
  logoutFirst: boolean;
}

export interface ConsoleDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  fetch?: typeof fetch;
}

export interface ConsoleUrl {
  url: string;
  profile: string;
  accountId?: string;
  durationS?: number;
  kind: "federation" | "portal-shortcut";
  /** The profile's `portico_browser_profile` (the browser profile `console` opens it in), if set. */
  browserProfile?: string;
}

export async function consoleUrl(deps: ConsoleDeps, o: ConsoleOptions): Promise<ConsoleUrl> {
  const config = await loadAwsConfig(deps.env);
  const { resolveProfileName, resolveRegion } = await import("../config/paths");
  const profile = resolveProfileName(deps.env, o.profile).name;
  const section = config.profiles.get(profile);
  const profileRegion = section?.values["region"];
  const browserProfile = nonEmptyValue(section?.values, "portico_browser_profile");
  const extra = browserProfile !== undefined ? { browserProfile } : {};
  const region =
    resolveRegion(deps.env, typeof profileRegion === "string" ? profileRegion : undefined, o.region)
      ?.region ?? "us-east-1";
  checkPartition(region);
  const destination = destinationUrl(o.destination, region);

  if (o.multiSession) {
    const sp = ssoProfile(config, profile);
    return {
      url: portalShortcutUrl(sp.session.startUrl, sp.accountId, sp.roleName, destination),
      profile,
      accountId: sp.accountId,
      kind: "portal-shortcut",
      ...extra,
    };
  }

  const resolved = await resolveCredentials(
    { env: deps.env, now: deps.now },
    { ...(o.profile !== undefined ? { profile: o.profile } : {}) },
  );
  const c = resolved.credentials;
  if (c.sessionToken === undefined) {
    throw new PorticoError(
      "console_needs_session_credentials",
      `The credentials of ${profile} are long-term IAM user keys; the console federation endpoint only accepts temporary (role) credentials`,
      {
        exitCode: ExitCode.config,
        hint: `Use an SSO profile, or a profile with role_arn and source_profile = ${profile} (portico console --profile THAT); or sign in to the console with the IAM user's password`,
        details: { profile },
      },
    );
  }
  const endpoints = signinEndpoints(deps.env);
  const durationS = o.durationS ?? defaultDuration(c.expiration, deps.now());
  const doFetch = deps.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(
      signinTokenUrl(
        endpoints,
        { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
        durationS,
      ),
      { signal: AbortSignal.timeout(15_000), redirect: "error" },
    );
  } catch (e) {
    throw new PorticoError(
      "console_federation_failed",
      `The AWS sign-in federation endpoint could not be reached (${(e as Error).message})`,
      {
        exitCode: ExitCode.service,
        hint: "Check the network (signin.aws.amazon.com) and try again",
        cause: e,
      },
    );
  }
  // Never echo the request or the body: the request carries the credentials.
  const body = await res.text().catch(() => "");
  const token = parseSigninToken(body);
  if (!res.ok || token === undefined) {
    const chained = resolved.source.kind === "assume-role" && durationS > 3600;
    throw new PorticoError(
      "console_federation_failed",
      `The federation endpoint refused the sign-in token request (HTTP ${res.status})`,
      {
        exitCode: res.status === 403 || res.status === 401 ? ExitCode.accessDenied : ExitCode.service,
        hint: chained
          ? "Role-chained credentials allow at most 1 h: add --duration 1h"
          : `Check the credentials with: portico whoami --profile ${profile}`,
        details: { status: res.status },
      },
    );
  }
  let issuer: string | undefined;
  try {
    issuer = resolved.source.kind === "sso" ? ssoProfile(config, profile).session.startUrl : undefined;
  } catch {
    issuer = undefined;
  }
  return {
    url: loginUrl(endpoints, token, destination, {
      logoutFirst: o.logoutFirst,
      ...(issuer ? { issuer } : {}),
    }),
    profile,
    ...(c.accountId ? { accountId: c.accountId } : {}),
    durationS,
    kind: "federation",
    ...extra,
  };
}
