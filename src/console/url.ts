/**
 * The AWS Management Console sign-in URL (docs/reference.md §6), pure: the destination (a service
 * shortcut or an https console URL), the session duration, the federation and logout endpoints of the
 * partition, the login URL, the logout-then-redirect wrapper, and the access portal's multi-session
 * shortcut link. Only the commercial partition is supported; GovCloud and China are refused by name.
 */
import { ExitCode, PorticoError, usageError } from "../errors";

export const MIN_DURATION_S = 15 * 60;
export const MAX_DURATION_S = 12 * 60 * 60;

/** Services whose console is global (no region in the host). */
const GLOBAL_SERVICES = new Set(["iam", "organizations", "billing", "cloudfront", "route53", "support"]);
/** Shortcuts whose console path differs from their name. */
const SERVICE_PATHS: Record<string, string> = {
  lambda: "lambda/home",
  cloudwatch: "cloudwatch/home",
  logs: "cloudwatch/home#logsV2:",
  cfn: "cloudformation/home",
  cloudformation: "cloudformation/home",
  ddb: "dynamodbv2/home",
  dynamodb: "dynamodbv2/home",
  sm: "secretsmanager/home",
  ssm: "systems-manager/home",
  vpc: "vpcconsole/home",
  billing: "billing/home",
  console: "console/home",
};

export interface Endpoints {
  /** `https://signin.aws.amazon.com/federation` (or the override's `/federation`). */
  federation: string;
  /** `https://us-east-1.signin.aws.amazon.com/oauth` — the logout step only works on that host. */
  logout: string;
  /** True when PORTICO_SIGNIN_URL points elsewhere (the emulator): destinations are then not checked against AWS hosts. */
  overridden: boolean;
}

/** The sign-in endpoints; PORTICO_SIGNIN_URL (no SDK setting redirects federation) replaces the host. */
export function signinEndpoints(env: NodeJS.ProcessEnv): Endpoints {
  const base = (env["PORTICO_SIGNIN_URL"] ?? "").replace(/\/+$/, "");
  if (base !== "") return { federation: `${base}/federation`, logout: `${base}/oauth`, overridden: true };
  return {
    federation: "https://signin.aws.amazon.com/federation",
    logout: "https://us-east-1.signin.aws.amazon.com/oauth",
    overridden: false,
  };
}

/** GovCloud and China have other sign-in hosts and rules: refused clearly rather than half-supported. */
export function checkPartition(region: string): void {
  if (/^us-gov-/.test(region) || /^cn-/.test(region)) {
    const which = region.startsWith("cn-") ? "AWS China" : "AWS GovCloud (US)";
    throw new PorticoError(
      "console_partition_unsupported",
      `portico console supports the commercial AWS partition only; ${region} is in ${which}`,
      {
        exitCode: ExitCode.config,
        hint: `Sign in to the ${which} console through your organisation's portal; portico credentials --profile P still works there.`,
        details: { region },
      },
    );
  }
}

const isConsoleHost = (host: string): boolean => {
  const h = host.toLowerCase();
  return h === "console.aws.amazon.com" || h.endsWith(".console.aws.amazon.com");
};

/** The console URL for `--destination` (a shortcut like `s3`, or an https console URL) in `region`. */
export function destinationUrl(destination: string | undefined, region: string): string {
  const d = (destination ?? "console").trim();
  if (/^[a-z][a-z0-9-]*$/.test(d)) {
    const path = SERVICE_PATHS[d] ?? `${d}/home`;
    if (d === "s3") return `https://s3.console.aws.amazon.com/s3/home?region=${region}`;
    if (GLOBAL_SERVICES.has(d)) return `https://console.aws.amazon.com/${path}`;
    const [p, hash] = path.split("#");
    return `https://${region}.console.aws.amazon.com/${p}?region=${region}${hash !== undefined ? `#${hash}` : ""}`;
  }
  let u: URL;
  try {
    u = new URL(d);
  } catch {
    throw badDestination(d, "it is neither a service name (e.g. s3, ec2) nor a URL");
  }
  if (u.protocol !== "https:") throw badDestination(d, "it is not https");
  if (u.username || u.password) throw badDestination(d, "it carries credentials");
  if (!isConsoleHost(u.hostname)) throw badDestination(d, `${u.hostname} is not an AWS console host`);
  return u.toString();
}

function badDestination(d: string, why: string): PorticoError {
  return new PorticoError(
    "console_destination_refused",
    `Refusing the console destination ${JSON.stringify(d.slice(0, 200))}: ${why}`,
    {
      exitCode: ExitCode.usage,
      hint: "Use a service name (s3, ec2, cloudwatch, lambda, iam, …) or an https://…console.aws.amazon.com/… URL",
    },
  );
}

/** `--duration`: `90m`, `1h30m`, `2h`, `900s` or plain seconds; 15 minutes to 12 hours. */
export function parseDuration(s: string): number {
  const t = s.trim();
  let seconds: number | undefined;
  if (/^\d+$/.test(t)) seconds = Number(t);
  else {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(t);
    if (m && t !== "") seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  }
  if (seconds === undefined)
    throw usageError(`--duration must look like 90m, 1h30m, 12h or 3600 (seconds), got "${s}"`);
  if (seconds < MIN_DURATION_S || seconds > MAX_DURATION_S)
    throw new PorticoError("duration_out_of_range", `--duration must be between 15m and 12h, got ${s}`, {
      exitCode: ExitCode.usage,
      hint: "e.g. --duration 1h (the console session's length; AWS allows 15 minutes to 12 hours)",
    });
  return seconds;
}

/** The default console session: the role credentials' remaining time, within 15 min–12 h. */
export function defaultDuration(expiration: Date | undefined, now: Date): number {
  if (!expiration) return 3600;
  const left = Math.floor((expiration.getTime() - now.getTime()) / 1000);
  return Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, left));
}

/** The getSigninToken request URL (its Session parameter carries the credentials: never print it). */
export function signinTokenUrl(
  endpoints: Endpoints,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  durationS: number,
): string {
  const session = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  return `${endpoints.federation}?Action=getSigninToken&SessionDuration=${durationS}&Session=${encodeURIComponent(session)}`;
}

/** The one-time login URL, optionally wrapped in the logout-then-redirect step. */
export function loginUrl(
  endpoints: Endpoints,
  signinToken: string,
  destination: string,
  options: { issuer?: string; logoutFirst: boolean },
): string {
  const login = `${endpoints.federation}?Action=login${options.issuer ? `&Issuer=${encodeURIComponent(options.issuer)}` : ""}&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(signinToken)}`;
  return options.logoutFirst
    ? `${endpoints.logout}?Action=logout&redirect_uri=${encodeURIComponent(login)}`
    : login;
}

/** AWS console multi-session through the access portal's shortcut link (no federation request). */
export function portalShortcutUrl(
  startUrl: string,
  accountId: string,
  roleName: string,
  destination: string,
): string {
  const base = startUrl.replace(/\/+$/, "");
  return `${base}/#/console?account_id=${encodeURIComponent(accountId)}&role_name=${encodeURIComponent(roleName)}&destination=${encodeURIComponent(destination)}`;
}

/** The SigninToken of a getSigninToken answer's body, or undefined (the body is never echoed: it is a credential). */
export function parseSigninToken(body: string): string | undefined {
  try {
    const token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    return undefined;
  }
}
