/**
 * Start URLs as recent AWS CLIs handle them (docs/reference.md §3.5, CLI ≥ 2.35.13): an AWS-owned
 * host is used as it is; any other ("vanity", an organisation's own domain) is resolved by one HEAD
 * request (GET when HEAD is refused) following at most one redirect, which must land on an AWS-owned
 * host. The resolved URL is what goes to the service (`startUrl` for device authorization, `issuerUrl`
 * for PKCE); the configured URL stays what the token cache is keyed by and stores. The host of an AWS
 * start URL may name the region (`<id>.portal.<region>.app.aws`, …).
 */
import { ExitCode, PorticoError } from "../errors";
import { endpointOverrides } from "../platform/browser";

const AWS_SUFFIXES = [
  "awsapps.com",
  "awsapps.cn",
  "app.aws",
  "portal.amazonaws.com",
  "portal.amazonaws.com.cn",
  "app.amazonwebservices.com.cn",
  "portal.amazonaws.eu",
  "api.amazonwebservices.eu",
];
const AWS_HOSTS = [
  "identitycenter.amazonaws.com",
  "identitycenter.amazonaws.com.cn",
  "identitycenter.amazonaws.eu",
  "identitycenter.us-gov.amazonaws.com",
];

/** An AWS-owned start-URL host (pure). */
export function isAwsStartHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return AWS_HOSTS.includes(h) || AWS_SUFFIXES.some((s) => h.endsWith(`.${s}`));
}

/** The region an AWS start-URL host names (`<id>.portal.<region>.app.aws` and the like), if any (pure). */
export function regionFromStartHost(host: string): string | undefined {
  const m = /(?:^|\.)portal\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(host.toLowerCase());
  return m?.[1];
}

export interface ResolvedStartUrl {
  /** What the service is sent. */
  url: string;
  /** True when a vanity URL was resolved. */
  vanity: boolean;
  /** From the (resolved) host, when it names one. */
  region?: string;
}

export type HeadFetch = (
  url: string,
  method: "HEAD" | "GET",
) => Promise<{ status: number; location?: string }>;

const defaultHead: HeadFetch = async (url, method) => {
  const r = await fetch(url, { method, redirect: "manual", signal: AbortSignal.timeout(10_000) });
  await r.body?.cancel();
  const location = r.headers.get("location");
  return { status: r.status, ...(location ? { location } : {}) };
};

const unresolved = (url: string, why: string): PorticoError =>
  new PorticoError("start_url_unresolved", `Cannot resolve the start URL ${url}: ${why}`, {
    exitCode: ExitCode.config,
    hint: "use the AWS access portal URL itself (https://<id>.awsapps.com/start or https://<id>.portal.<region>.app.aws), as shown in IAM Identity Center's settings",
  });

/** Plain http only for a vanity URL under the configured endpoint (the emulator in tests). */
function httpAllowed(u: URL, env: NodeJS.ProcessEnv): boolean {
  return endpointOverrides(env).some((o) => {
    try {
      return new URL(o).origin === u.origin;
    } catch {
      return false;
    }
  });
}

/**
 * The scheme rule (`The sso_start_url must use the https scheme.`): https, or plain http for a vanity
 * URL under the configured endpoint (the emulator's `/vanity` route in tests). Throws (exit 3).
 */
export function checkStartUrlScheme(
  startUrl: string,
  env: NodeJS.ProcessEnv,
  hint = "fix sso_start_url (portico configure sso-session)",
): void {
  let u: URL | undefined;
  try {
    u = new URL(startUrl);
  } catch {
    u = undefined;
  }
  if (u?.protocol === "https:") return;
  if (u?.protocol === "http:" && !isAwsStartHost(u.hostname) && httpAllowed(u, env)) return;
  throw new PorticoError("start_url_not_https", "The sso_start_url must use the https scheme.", {
    exitCode: ExitCode.config,
    hint,
  });
}

/** Resolve a configured start URL for the service (one HEAD for a vanity host). */
export async function resolveStartUrl(
  startUrl: string,
  env: NodeJS.ProcessEnv,
  head: HeadFetch = defaultHead,
): Promise<ResolvedStartUrl> {
  let u: URL;
  try {
    u = new URL(startUrl);
  } catch {
    throw unresolved(startUrl, "it is not a URL");
  }
  checkStartUrlScheme(startUrl, env);
  if (isAwsStartHost(u.hostname)) {
    const region = regionFromStartHost(u.hostname);
    return { url: startUrl, vanity: false, ...(region ? { region } : {}) };
  }
  let r: { status: number; location?: string };
  try {
    r = await head(startUrl, "HEAD");
    if (r.status === 405 || r.status === 501) r = await head(startUrl, "GET");
  } catch (e) {
    throw new PorticoError(
      "start_url_unresolved",
      `Cannot reach ${u.origin} to resolve the start URL (${(e as Error).message})`,
      {
        exitCode: ExitCode.service,
        hint: "check your network; or use the AWS access portal URL itself (https://<id>.awsapps.com/start)",
        cause: e,
      },
    );
  }
  if (r.status < 300 || r.status >= 400 || !r.location)
    throw unresolved(startUrl, `${u.host} is not an AWS host and did not redirect to one (HTTP ${r.status})`);
  let target: URL;
  try {
    target = new URL(r.location, u);
  } catch {
    throw unresolved(startUrl, "the redirect's Location is not a URL");
  }
  if (target.protocol !== "https:" || !isAwsStartHost(target.hostname))
    throw unresolved(startUrl, `it redirects to ${target.origin}, which is not an AWS access portal host`);
  const region = regionFromStartHost(target.hostname);
  const url = /^https:\/\//i.test(r.location) ? r.location : target.href;
  return { url, vanity: true, ...(region ? { region } : {}) };
}
