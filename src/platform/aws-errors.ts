/**
 * The one classifier of AWS SDK (and Node network) failures. Every SDK caller — SSO OIDC, the portal,
 * STS — asks `classifyAwsError` what went wrong and maps the kind to its own PorticoError code; nobody
 * matches regexes over messages. Classification reads typed fields only:
 * - Node socket errors: `code` (ECONNREFUSED, ECONNRESET, ETIMEDOUT, …), also inside `cause` and
 *   AggregateError `errors`;
 * - the SDK's time-outs: `name === "TimeoutError"` (@smithy/node-http-handler sets it for the
 *   connection and request time-outs — and also renames ECONNRESET/EPIPE errors to TimeoutError, which
 *   is why `code` is read first: a reset is a network failure, not a time-out);
 * - service exceptions: `$metadata.httpStatusCode`, `name`, `$fault`, `$retryable.throttling`.
 * Pure; imports only the error model.
 */

import { PorticoError } from "../errors";

export type AwsErrorKind =
  /** The endpoint could not be reached: refused, DNS, no route. */
  | "network"
  /** The connection was reset or broken mid-request (ECONNRESET, EPIPE, "socket hang up"). */
  | "reset"
  /** No connection or no answer within the time-out. */
  | "timeout"
  /** HTTP 429 or a throttling error name. */
  | "throttle"
  /** HTTP 401: the token or credentials are not (or no longer) valid. */
  | "auth"
  /** HTTP 403: authenticated, but not allowed. */
  | "forbidden"
  /** Another client-side (4xx) refusal: the request itself is wrong. */
  | "validation"
  /** Anything else: 5xx, an unknown error, an unexpected answer. */
  | "service";

export interface AwsErrorInfo {
  kind: AwsErrorKind;
  /** The exception name (`ForbiddenException`, `TimeoutError`, …) when there is a meaningful one. */
  name?: string;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The Node error code (`ECONNREFUSED`, …) for network/reset/timeout kinds. */
  networkCode?: string;
  /** The service's or Node's message (never contains secrets the caller did not send). */
  message: string;
}

/** Node error codes that mean "could not reach the endpoint" (the SDK's NODEJS_NETWORK_ERROR_CODES + refused). */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
]);
/** Node error codes for a connection broken mid-request. */
const RESET = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);
/** Node error codes for a time-out. */
const TIMED_OUT = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** The SDK's throttling error names (@smithy/core retry: THROTTLING_ERROR_CODES). */
const THROTTLING_NAMES = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

/** Service time-out names the SDK treats as transient (TRANSIENT_ERROR_CODES), besides TimeoutError. */
const TIMEOUT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

interface Shape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

const asShape = (e: unknown): Shape | undefined =>
  typeof e === "object" && e !== null ? (e as Shape) : undefined;

/** The first Node socket error code in `e`, its cause chain or its AggregateError members. */
function nodeCode(e: unknown, depth = 0): string | undefined {
  const s = asShape(e);
  if (!s || depth > 6) return undefined;
  if (typeof s.code === "string" && (UNREACHABLE.has(s.code) || RESET.has(s.code) || TIMED_OUT.has(s.code)))
    return s.code;
  if (Array.isArray(s.errors))
    for (const x of s.errors) {
      const c = nodeCode(x, depth + 1);
      if (c) return c;
    }
  return s.cause !== undefined ? nodeCode(s.cause, depth + 1) : undefined;
}

/** What kind of failure `e` is (see AwsErrorKind). Never throws. */
export function classifyAwsError(e: unknown): AwsErrorInfo {
  const s = asShape(e);
  const rawName = typeof s?.name === "string" ? s.name : undefined;
  const name = rawName && rawName !== "Error" ? rawName : undefined;
  const message = typeof s?.message === "string" ? s.message : String(e);
  const statusRaw = s?.$metadata?.httpStatusCode;
  const status = typeof statusRaw === "number" ? statusRaw : undefined;
  const base = { ...(name ? { name } : {}), ...(status !== undefined ? { status } : {}), message };
  if (status === undefined) {
    const code = nodeCode(e);
    if (code !== undefined) {
      const kind: AwsErrorKind = RESET.has(code) ? "reset" : TIMED_OUT.has(code) ? "timeout" : "network";
      return { ...base, kind, networkCode: code };
    }
    if (name !== undefined && TIMEOUT_NAMES.has(name)) return { ...base, kind: "timeout" };
  }
  if (isThrottle(e)) return { ...base, kind: "throttle" };
  if (status === 401) return { ...base, kind: "auth" };
  if (status === 403) return { ...base, kind: "forbidden" };
  if (name !== undefined && TIMEOUT_NAMES.has(name)) return { ...base, kind: "timeout" };
  if (status !== undefined && status >= 400 && status < 500) return { ...base, kind: "validation" };
  if (status === undefined && s?.$fault === "client") return { ...base, kind: "validation" };
  return { ...base, kind: "service" };
}

/** HTTP 429, a throttling error name, or the SDK's throttling trait (what the SDK itself calls throttling). */
export function isThrottle(e: unknown): boolean {
  const s = asShape(e);
  if (!s) return false;
  return (
    s.$metadata?.httpStatusCode === 429 ||
    s.$retryable?.throttling === true ||
    (typeof s.name === "string" && THROTTLING_NAMES.has(s.name))
  );
}

export interface TransportContext {
  /** What was being done, e.g. "Getting credentials for role R in account A" or "STS AssumeRole". */
  what: string;
  /** The service, for messages: "the SSO portal for eu-west-1", "STS". */
  service: string;
  /** The endpoint-override variables that apply, for hints: "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS". */
  endpointVars: string;
  /** The per-attempt time-out in ms, to report the real one. */
  timeoutMs?: number;
}

/**
 * The PorticoError for a failure of the transport itself — the same code and exit code for every
 * service: network or reset → `service_unreachable` (exit 6), time-out → `service_timeout` (exit 7),
 * throttling after all retries → `service_throttled` (exit 6). Undefined for answers the caller maps.
 */
export function transportError(
  e: unknown,
  info: AwsErrorInfo,
  c: TransportContext,
): PorticoError | undefined {
  const check = `Check your network, a proxy, or ${c.endpointVars} if you set one.`;
  if (info.kind === "timeout")
    return new PorticoError(
      "service_timeout",
      `${c.what}: ${c.service} did not answer in time${c.timeoutMs !== undefined ? ` (${c.timeoutMs} ms per attempt)` : ""}`,
      { hint: check, cause: e, details: { kind: info.kind } },
    );
  if (info.kind === "network" || info.kind === "reset")
    return new PorticoError(
      "service_unreachable",
      `${c.what}: cannot reach ${c.service} (${info.kind === "reset" ? "connection reset" : (info.networkCode ?? info.message)})`,
      { hint: check, cause: e, details: { kind: info.kind, network: info.networkCode } },
    );
  if (info.kind === "throttle")
    return new PorticoError(
      "service_throttled",
      `${c.what}: ${c.service} is throttling requests (${info.name ?? "HTTP 429"})`,
      {
        hint: "Wait a moment and try again.",
        cause: e,
        details: { kind: info.kind },
      },
    );
  return undefined;
}
