/**
 * SSO OIDC calls (docs/reference.md §3) through @aws-sdk/client-sso-oidc, loaded lazily, and the one
 * place OIDC errors become PorticoErrors. RegisterClient, StartDeviceAuthorization and CreateToken are
 * unsigned. The endpoint honours AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL from the *given* env
 * (not only process.env), so in-process callers with their own env are redirected too.
 * Throttling (429) is retried by the SDK's standard strategy, then by src/platform/retry.ts (full jitter)
 * within a patience; errors are classified by src/platform/aws-errors.ts.
 */
import { type ErrorCode, PorticoError } from "../errors";
import { classifyAwsError } from "../platform/aws-errors";
import { endpointOverride, sdkClientConfig } from "../platform/aws-sdk";
import { withRetry } from "../platform/retry";

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
    { hint: "The SSO OIDC endpoint answered something unexpected; check AWS_ENDPOINT_URL and try again." },
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
    try {
      return await withRetry(fn, { retries: 1000, baseMs: 250, capMs: 4000, patienceMs: patience });
    } catch (e) {
      throw oidcError(op, e, endpoint, opts.region);
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

/**
 * The fixed code for an OAuth `error` the service (or the PKCE callback) sent. The server's word only
 * selects one of these; an unknown one is `oidc_error`, with the server's name in `details.oidcError`.
 */
const OIDC_CODES: Readonly<Record<string, ErrorCode>> = {
  authorization_pending: "oidc_authorization_pending",
  slow_down: "oidc_slow_down",
  invalid_grant: "oidc_invalid_grant",
  invalid_client: "oidc_invalid_client",
  invalid_request: "oidc_invalid_request",
  invalid_scope: "oidc_invalid_scope",
  unauthorized_client: "oidc_unauthorized_client",
  unsupported_grant_type: "oidc_unsupported_grant_type",
  invalid_client_metadata: "oidc_invalid_client_metadata",
  invalid_redirect_uri: "oidc_invalid_redirect_uri",
};

export function oidcErrorCode(kind: string | undefined): ErrorCode {
  return (
    (kind !== undefined && Object.hasOwn(OIDC_CODES, kind) ? OIDC_CODES[kind] : undefined) ?? "oidc_error"
  );
}

/** The service refused the grant or the client itself (not the network): a refresh cannot succeed; sign in again. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "oidc_invalid_grant",
  "oidc_invalid_client",
  "oidc_invalid_request",
  "oidc_invalid_scope",
  "oidc_unauthorized_client",
  "oidc_unsupported_grant_type",
]);
export const isOidcRefusal = (e: PorticoError): boolean => REFUSALS.has(e.code);

/**
 * Map an SDK failure to a PorticoError (the kind from src/platform/aws-errors.ts). Protocol errors that
 * callers act on (pending, slow_down) keep their kind in `details.oidcError` so polling loops can
 * classify them.
 */
export function oidcError(op: string, e: unknown, endpoint: string, region: string): PorticoError {
  if (e instanceof PorticoError) return e;
  const info = classifyAwsError(e);
  if (info.kind === "timeout") {
    return new PorticoError("service_timeout", `Timed out calling ${op} at ${endpoint}`, {
      cause: e,
      hint: "Check your network connection (and AWS_ENDPOINT_URL, if set), then try again.",
      details: { operation: op, endpoint },
    });
  }
  if (info.kind === "network" || info.kind === "reset") {
    const what = info.kind === "reset" ? "the connection was reset" : info.networkCode;
    return new PorticoError(
      "service_unreachable",
      `Could not reach the SSO OIDC endpoint ${endpoint} (${what})`,
      {
        cause: e,
        hint: `Check your network connection, sso_region (${region}) and AWS_ENDPOINT_URL, if set.`,
        details: { operation: op, endpoint, network: info.networkCode },
      },
    );
  }
  const kind = oidcErrorKind(e);
  const err = e as { message?: string; error_description?: string };
  const desc = err.error_description || (err.message && err.message !== "UnknownError" ? err.message : "");
  const status = info.status;
  const name = info.name ?? "error";
  const message = `An error occurred (${name}) when calling the ${op} operation${desc ? `: ${desc}` : ""}`;
  const details = { operation: op, oidcError: kind ?? null, httpStatus: status ?? null };
  if (kind === "access_denied") {
    return new PorticoError("access_denied", "The authorization request was denied.", {
      cause: e,
      hint: "Approve the request in the browser, or ask your administrator for access; then run the login again.",
      details,
    });
  }
  if (kind === "expired_token") {
    return new PorticoError(
      "authorization_expired",
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.",
      { cause: e, hint: "Run the login again and approve it in time.", details },
    );
  }
  if (kind === undefined && info.kind === "throttle")
    return new PorticoError("service_throttled", message, {
      cause: e,
      hint: "The service is throttling requests; wait a moment and try again.",
      details,
    });
  return new PorticoError(oidcErrorCode(kind), message, {
    cause: e,
    ...(kind === undefined ? { hint: "Try again; run with --debug for details." } : {}),
    details,
  });
}
