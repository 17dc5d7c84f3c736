/**
 * SSO OIDC calls (aws-reference.md §3) through @aws-sdk/client-sso-oidc, loaded lazily, and the one
 * place OIDC errors become PorticoErrors. RegisterClient, StartDeviceAuthorization and CreateToken are
 * unsigned. The endpoint honours AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL from the *given* env
 * (not only process.env), so in-process callers with their own env are redirected too.
 * Throttling (429) is retried by the SDK's standard strategy (exponential backoff, full jitter).
 */
import { ExitCode, PorticoError } from "../errors";
import { endpointOverride, sdkClientConfig } from "../platform/aws-sdk";

export interface OidcOptions {
  env: NodeJS.ProcessEnv;
  region: string;
  /** Per-request time-out in ms (connect + response); default 15 s. */
  requestTimeoutMs?: number;
  /** SDK attempts including the first (throttling / 5xx / network retries); default 4. */
  maxAttempts?: number;
  /** How long to keep backing off while the service throttles (429), ms; default 20 s. */
  throttlePatienceMs?: number;
}

export interface RegisterResult {
  clientId: string;
  clientSecret: string;
  clientSecretExpiresAt: number;
}
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval?: number;
}
export interface TokenResult {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface OidcApi {
  /** Base URL of the OIDC endpoint in use (the authorize URL is built from it, §3.4). */
  endpoint: string;
  registerClient(input: {
    clientName: string;
    clientType: "public";
    scopes?: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
  }): Promise<RegisterResult>;
  startDeviceAuthorization(input: {
    clientId: string;
    clientSecret: string;
    startUrl: string;
  }): Promise<DeviceAuthorization>;
  createToken(input: {
    clientId: string;
    clientSecret: string;
    grantType: string;
    deviceCode?: string;
    code?: string;
    redirectUri?: string;
    codeVerifier?: string;
    refreshToken?: string;
  }): Promise<TokenResult>;
}

/** Narrow an SDK response member. */
function need<T>(value: T | undefined | null, name: string, op: string): T {
  if (value === undefined || value === null || (typeof value === "string" && value.length === 0)) {
    throw new PorticoError("oidc_bad_response", `${op} returned no ${name}`, {
      exitCode: ExitCode.service,
      hint: "The SSO OIDC endpoint answered something unexpected; check AWS_ENDPOINT_URL and try again.",
    });
  }
  return value;
}

/**
 * Bounds for the numbers the service sends (docs/security.md "Numbers from the server"): a value that
 * is not a finite number in range is refused before it drives a timer, a poll loop or a cached date.
 */
export const SERVER_NUMBER_BOUNDS = {
  /** StartDeviceAuthorization expiresIn, seconds (the service sends 600). */
  deviceExpiresIn: [1, 86_400],
  /** StartDeviceAuthorization interval, seconds (RFC 8628 default 5). */
  interval: [1, 60],
  /** CreateToken expiresIn, seconds (an hour to a working day; sessions last at most 90 days). */
  tokenExpiresIn: [1, 90 * 86_400],
  /** RegisterClient clientSecretExpiresAt, epoch seconds (2001 … 2100). */
  clientSecretExpiresAt: [1_000_000_000, 4_102_444_800],
} as const satisfies Record<string, readonly [number, number]>;

function needNumber(value: unknown, name: string, op: string, [min, max]: readonly [number, number]): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return value;
  const shown = typeof value === "number" ? String(value) : typeof value;
  throw new PorticoError(
    "oidc_bad_response",
    `${op} returned an out-of-range ${name} (${shown}; expected ${min}…${max})`,
    {
      exitCode: ExitCode.service,
      hint: "The SSO OIDC endpoint answered something unexpected; check AWS_ENDPOINT_URL and try again.",
    },
  );
}

export async function createOidcApi(opts: OidcOptions): Promise<OidcApi> {
  const mod = await import("@aws-sdk/client-sso-oidc");
  const override = endpointOverride(opts.env, "SSO_OIDC");
  const client = new mod.SSOOIDCClient(
    sdkClientConfig({
      env: opts.env,
      service: "SSO_OIDC",
      region: opts.region,
      maxAttempts: opts.maxAttempts ?? 4,
      timeoutMs: opts.requestTimeoutMs ?? 15_000,
    }),
  );
  let endpoint: string;
  if (override) endpoint = override.replace(/\/+$/, "");
  else {
    const ep = client.config.endpointProvider({ Region: opts.region, UseFIPS: false, UseDualStack: false });
    endpoint = ep.url.toString().replace(/\/+$/, "");
  }
  const patience = opts.throttlePatienceMs ?? 20_000;
  const send = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    // The SDK retries throttling a few times within ~1 s; a service throttling at a low rate needs
    // more patience: keep backing off (exponential, full jitter) until `patience` is used up.
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const delay = Math.random() * Math.min(4000, 250 * 2 ** attempt);
        if (isThrottled(e) && Date.now() - started + delay < patience) {
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        throw oidcError(op, e, endpoint, opts.region);
      }
    }
  };
  return {
    endpoint,
    registerClient: (input) =>
      send("RegisterClient", async () => {
        const r = await client.send(new mod.RegisterClientCommand(input));
        return {
          clientId: need(r.clientId, "clientId", "RegisterClient"),
          clientSecret: need(r.clientSecret, "clientSecret", "RegisterClient"),
          clientSecretExpiresAt: needNumber(
            need(r.clientSecretExpiresAt, "clientSecretExpiresAt", "RegisterClient"),
            "clientSecretExpiresAt",
            "RegisterClient",
            SERVER_NUMBER_BOUNDS.clientSecretExpiresAt,
          ),
        };
      }),
    startDeviceAuthorization: (input) =>
      send("StartDeviceAuthorization", async () => {
        const r = await client.send(new mod.StartDeviceAuthorizationCommand(input));
        const op = "StartDeviceAuthorization";
        return {
          deviceCode: need(r.deviceCode, "deviceCode", op),
          userCode: need(r.userCode, "userCode", op),
          verificationUri: need(r.verificationUri, "verificationUri", op),
          verificationUriComplete: need(r.verificationUriComplete, "verificationUriComplete", op),
          expiresIn: needNumber(
            need(r.expiresIn, "expiresIn", op),
            "expiresIn",
            op,
            SERVER_NUMBER_BOUNDS.deviceExpiresIn,
          ),
          ...(r.interval === undefined || r.interval === null
            ? {}
            : { interval: needNumber(r.interval, "interval", op, SERVER_NUMBER_BOUNDS.interval) }),
        };
      }),
    createToken: (input) =>
      send("CreateToken", async () => {
        const r = await client.send(new mod.CreateTokenCommand(input));
        return {
          accessToken: need(r.accessToken, "accessToken", "CreateToken"),
          expiresIn: needNumber(
            need(r.expiresIn, "expiresIn", "CreateToken"),
            "expiresIn",
            "CreateToken",
            SERVER_NUMBER_BOUNDS.tokenExpiresIn,
          ),
          ...(typeof r.refreshToken === "string" && r.refreshToken ? { refreshToken: r.refreshToken } : {}),
        };
      }),
  };
}

/** HTTP 429 or a throttling error name (what the SDK classifies as throttling). */
export function isThrottled(e: unknown): boolean {
  const err = e as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    err?.$metadata?.httpStatusCode === 429 ||
    err?.$retryable?.throttling === true ||
    ["ThrottlingException", "TooManyRequestsException", "Throttling", "SlowDown"].includes(err?.name ?? "")
  );
}

/** The OAuth-style `error` of an SSO OIDC failure (§3.2), from the SDK exception name or body. */
export function oidcErrorKind(e: unknown): string | undefined {
  const err = e as { name?: string; error?: string };
  if (typeof err?.error === "string" && err.error) return err.error;
  const map: Record<string, string> = {
    AuthorizationPendingException: "authorization_pending",
    SlowDownException: "slow_down",
    ExpiredTokenException: "expired_token",
    AccessDeniedException: "access_denied",
    InvalidGrantException: "invalid_grant",
    InvalidClientException: "invalid_client",
    InvalidRequestException: "invalid_request",
    UnauthorizedClientException: "unauthorized_client",
    UnsupportedGrantTypeException: "unsupported_grant_type",
    InvalidScopeException: "invalid_scope",
    InvalidClientMetadataException: "invalid_client_metadata",
    InvalidRedirectUriException: "invalid_redirect_uri",
  };
  return err?.name ? map[err.name] : undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

function networkCode(e: unknown, depth = 0): string | undefined {
  const err = e as { code?: string; name?: string; cause?: unknown };
  if (!err || depth > 5) return undefined;
  if (err.name === "TimeoutError" || err.code === "ETIMEDOUT" || err.code === "ECONNABORTED")
    return "timeout";
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  if (Array.isArray((err as { errors?: unknown[] }).errors)) {
    for (const x of (err as { errors: unknown[] }).errors) {
      const c = networkCode(x, depth + 1);
      if (c) return c;
    }
  }
  return err.cause ? networkCode(err.cause, depth + 1) : undefined;
}

/**
 * Map an SDK failure to a PorticoError. Protocol errors that callers act on (pending, slow_down)
 * keep their kind in `details.oidcError` so polling loops can classify them.
 */
export function oidcError(op: string, e: unknown, endpoint: string, region: string): PorticoError {
  if (e instanceof PorticoError) return e;
  const net = networkCode(e);
  if (net === "timeout") {
    return new PorticoError("oidc_timeout", `Timed out calling ${op} at ${endpoint}`, {
      exitCode: ExitCode.timeout,
      cause: e,
      hint: "Check your network connection (and AWS_ENDPOINT_URL, if set), then try again.",
      details: { operation: op, endpoint },
    });
  }
  if (net) {
    return new PorticoError(
      "oidc_unreachable",
      `Could not reach the SSO OIDC endpoint ${endpoint} (${net})`,
      {
        exitCode: ExitCode.service,
        cause: e,
        hint: `Check your network connection, sso_region (${region}) and AWS_ENDPOINT_URL, if set.`,
        details: { operation: op, endpoint, network: net },
      },
    );
  }
  const kind = oidcErrorKind(e);
  const err = e as {
    name?: string;
    message?: string;
    error_description?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const desc = err.error_description || (err.message && err.message !== "UnknownError" ? err.message : "");
  const status = err.$metadata?.httpStatusCode;
  const name = err.name && err.name !== "Error" ? err.name : "error";
  const message = `An error occurred (${name}) when calling the ${op} operation${desc ? `: ${desc}` : ""}`;
  const details = { operation: op, oidcError: kind ?? null, httpStatus: status ?? null };
  if (kind === "access_denied") {
    return new PorticoError("access_denied", "The authorization request was denied.", {
      exitCode: ExitCode.accessDenied,
      cause: e,
      hint: "Approve the request in the browser, or ask your administrator for access; then run the login again.",
      details,
    });
  }
  if (kind === "expired_token") {
    return new PorticoError(
      "authorization_expired",
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.",
      { exitCode: ExitCode.timeout, cause: e, hint: "Run the login again and approve it in time.", details },
    );
  }
  const throttled = status === 429 || name === "ThrottlingException" || name === "TooManyRequestsException";
  return new PorticoError(kind ? `oidc_${kind}` : "oidc_error", message, {
    exitCode: ExitCode.service,
    cause: e,
    hint: throttled ? "The service is throttling requests; wait a moment and try again." : undefined,
    details,
  });
}
