/**
 * The one mapping of portal failures (docs/reference.md §4 errors) to the error model, and the one
 * classification the retry policy and the pacer act on. Kept in this single file so the whole portal
 * can switch to a shared SDK-error classifier in one place.
 */
import { PorticoError } from "../errors";
import { type AwsErrorInfo, classifyAwsError, transportError } from "../platform/aws-errors";
import type { PortalTarget } from "./types";

export type PortalFailure =
  | "unauthorized"
  | "forbidden"
  | "throttled"
  | "server"
  | "timeout"
  | "network"
  | "other";

interface SdkErrorShape {
  $response?: { headers?: Record<string, string | undefined> };
}

const failureOf = (info: AwsErrorInfo): PortalFailure => {
  switch (info.kind) {
    case "auth":
      return "unauthorized";
    case "forbidden":
      return "forbidden";
    case "throttle":
      return "throttled";
    case "timeout":
      return "timeout";
    case "network":
    case "reset":
      return "network";
    case "service":
      return info.status !== undefined && info.status >= 500 ? "server" : "other";
    default:
      return "other";
  }
};

/** What kind of failure `e` is, for the retry policy and the pacer (src/platform/aws-errors.ts decides). */
export function classifyPortalFailure(e: unknown): PortalFailure {
  return failureOf(classifyAwsError(e));
}

/** A Retry-After the server sent (seconds or an HTTP date), in ms; undefined when absent or invalid. */
export function retryAfterMs(e: unknown, nowMs: number): number | undefined {
  const headers = (e as SdkErrorShape)?.$response?.headers ?? {};
  const raw = headers["retry-after"] ?? headers["Retry-After"];
  if (raw === undefined) return undefined;
  if (/^\d{1,6}$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), 3_600_000);
}

/** Map a portal failure to a PorticoError (exit 4 / 5 / 6 / 7) naming the next command. */
export function portalError(e: unknown, target: PortalTarget, what: string, timeoutMs: number): PorticoError {
  if (e instanceof PorticoError) return e;
  const info = classifyAwsError(e);
  const name = info.name ?? "Error";
  if (info.kind === "auth")
    return new PorticoError(
      "sign_in_required",
      `The SSO session is expired or invalid (${name}: ${info.message || "Session token not found or invalid"}) — or sso_region ${target.region} is not the region of your IAM Identity Center instance.`,
      { hint: `portico login ${target.loginArgs}`.trim(), cause: e },
    );
  if (info.kind === "forbidden")
    return new PorticoError(
      "access_denied",
      `${what}: access denied (${name}: ${info.message || "No access"})`,
      {
        hint: `List the accounts and roles you can use with: portico accounts ${target.loginArgs}`.trim(),
        cause: e,
      },
    );
  const transport = transportError(e, info, {
    what,
    service: `the SSO portal for ${target.region}`,
    endpointVars: "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SSO",
    timeoutMs,
  });
  if (transport) return transport;
  if (info.kind === "validation")
    return new PorticoError(
      "request_invalid",
      `${what}: the portal refused the request (${name}: ${info.message})`,
      {
        hint: `Check sso_account_id (12 digits) and sso_role_name in the profile: portico config show ${target.loginArgs}`.trim(),
        cause: e,
        details: { httpStatus: info.status ?? null, error: name },
      },
    );
  return new PorticoError(
    "service_error",
    `${what}: ${name}${info.status ? ` (HTTP ${info.status})` : ""}: ${info.message}`.trimEnd(),
    { hint: "Try again in a moment; run with --debug for details.", cause: e },
  );
}
