/**
 * The one mapping of portal failures (docs/reference.md §4 errors) to the error model, and the one
 * classification the retry policy and the pacer act on. Kept in this single file so the whole portal
 * can switch to a shared SDK-error classifier in one place.
 */
import { ExitCode, PorticoError } from "../errors";
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
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** What kind of failure `e` is (typed fields first; the message only for Node's network errors). */
export function classifyPortalFailure(e: unknown): PortalFailure {
  const err = (e ?? {}) as SdkErrorShape;
  const status = err.$metadata?.httpStatusCode;
  const name = err.name ?? "";
  if (name === "UnauthorizedException" || status === 401) return "unauthorized";
  if (name === "ForbiddenException" || status === 403) return "forbidden";
  if (name === "TooManyRequestsException" || name === "ThrottlingException" || status === 429)
    return "throttled";
  if (status !== undefined && status >= 500) return "server";
  if (status !== undefined) return "other";
  const text = `${name} ${err.code ?? ""} ${err.message ?? ""}`;
  if (/TimeoutError|ETIMEDOUT|RequestTimeout/.test(text)) return "timeout";
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|EHOSTUNREACH|EPIPE|socket hang up/i.test(text))
    return "network";
  return "other";
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
  const err = (e ?? {}) as SdkErrorShape;
  const status = err.$metadata?.httpStatusCode;
  const name = err.name ?? "Error";
  const network = "Check your network, a proxy, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SSO if you set one.";
  switch (classifyPortalFailure(e)) {
    case "unauthorized":
      return new PorticoError(
        "sign_in_required",
        `The SSO session is expired or invalid (${name}: ${err.message ?? "Session token not found or invalid"}) — or sso_region ${target.region} is not the region of your IAM Identity Center instance.`,
        { exitCode: ExitCode.signInRequired, hint: `portico login ${target.loginArgs}`.trim(), cause: e },
      );
    case "forbidden":
      return new PorticoError(
        "access_denied",
        `${what}: access denied (${name}: ${err.message ?? "No access"})`,
        {
          exitCode: ExitCode.accessDenied,
          hint: `List the accounts and roles you can use with: portico accounts ${target.loginArgs}`.trim(),
          cause: e,
        },
      );
    case "timeout":
      return new PorticoError(
        "service_timeout",
        `${what}: the SSO portal for ${target.region} did not answer in time (${timeoutMs} ms per attempt)`,
        { exitCode: ExitCode.timeout, hint: network, cause: e },
      );
    case "network":
      return new PorticoError(
        "service_unreachable",
        `${what}: cannot reach the SSO portal for ${target.region} (${err.message ?? name})`,
        { exitCode: ExitCode.service, hint: network, cause: e },
      );
    case "throttled":
      return new PorticoError(
        "service_throttled",
        `${what}: the SSO portal kept throttling the requests (${name}${status ? `, HTTP ${status}` : ""})`,
        { exitCode: ExitCode.service, hint: "Wait a minute and run the same command again.", cause: e },
      );
    default:
      return new PorticoError(
        "service_error",
        `${what}: ${name}${status ? ` (HTTP ${status})` : ""}: ${err.message ?? ""}`.trimEnd(),
        {
          exitCode: ExitCode.service,
          hint: "Try again in a moment; run with --debug for details.",
          cause: e,
        },
      );
  }
}
