/**
 * SSO OIDC (docs/reference.md §3): RegisterClient, StartDeviceAuthorization, CreateToken (device code,
 * authorization code + PKCE S256, refresh token with rotation) and the browser endpoint GET /authorize.
 * restJson1; errors carry `x-amzn-ErrorType` plus an OAuth body {error, error_description} and the
 * model's HTTP status (§3.2). Absent fields are omitted, never null.
 */
import {
  type ApiRequest,
  type ApiResponse,
  jsonResponse,
  parseJsonObject,
  type ServiceContext,
} from "./http";
import type { ClientRegistration } from "./store";
import { normalizeStartUrl, StoreError } from "./store";

const SERVICE = "sso-oidc";
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const KNOWN_GRANTS = new Set([DEVICE_GRANT, "authorization_code", "refresh_token"]);

/** §3.2: type, HTTP status and OAuth `error` for each exception the emulator sends. */
const ERRORS = {
  AuthorizationPendingException: [400, "authorization_pending"],
  SlowDownException: [400, "slow_down"],
  ExpiredTokenException: [400, "expired_token"],
  AccessDeniedException: [400, "access_denied"],
  InvalidGrantException: [400, "invalid_grant"],
  InvalidClientException: [401, "invalid_client"],
  InvalidRequestException: [400, "invalid_request"],
  UnauthorizedClientException: [400, "unauthorized_client"],
  UnsupportedGrantTypeException: [400, "unsupported_grant_type"],
  InvalidScopeException: [400, "invalid_scope"],
  InvalidClientMetadataException: [400, "invalid_client_metadata"],
  InvalidRedirectUriException: [400, "invalid_redirect_uri"],
  InternalServerException: [500, "server_error"],
  TooManyRequestsException: [429, "slow_down"],
} as const;
export type OidcErrorType = keyof typeof ERRORS;

export function oidcError(operation: string, type: OidcErrorType, description: string): ApiResponse {
  const [status, error] = ERRORS[type];
  return jsonResponse(
    SERVICE,
    operation,
    status,
    { error, error_description: description },
    { "x-amzn-ErrorType": `${type}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/` },
  );
}

/** Which OIDC operation a request is, or undefined when it is not an OIDC route. */
export function oidcOperation(req: ApiRequest): string | undefined {
  if (req.method === "POST" && req.path === "/client/register") return "RegisterClient";
  if (req.method === "POST" && req.path === "/device_authorization") return "StartDeviceAuthorization";
  if (req.method === "POST" && req.path === "/token")
    return req.query.has("aws_iam") ? "CreateTokenWithIAM" : "CreateToken";
  if (req.method === "GET" && req.path === "/authorize") return "Authorize";
  return undefined;
}

export function handleOidc(ctx: ServiceContext, req: ApiRequest, operation: string): ApiResponse {
  if (operation === "Authorize") return authorize(ctx, req);
  if (operation === "CreateTokenWithIAM")
    return oidcError(
      operation,
      "InvalidRequestException",
      "CreateTokenWithIAM is not supported by the portico emulator",
    );
  const body = parseJsonObject(req.body);
  if (!body) return oidcError(operation, "InvalidRequestException", "The request body must be a JSON object");
  switch (operation) {
    case "RegisterClient":
      return registerClient(ctx, req, body);
    case "StartDeviceAuthorization":
      return startDeviceAuthorization(ctx, req, body);
    default:
      return createToken(ctx, req, body);
  }
}

// ------------------------------------------------------------------------------------------ field checks

type Fields = Record<string, unknown>;

class BadField extends Error {}

function reqString(b: Fields, name: string, max = 2048): string {
  const v = b[name];
  if (typeof v !== "string" || v.length === 0)
    throw new BadField(`${name} is required and must be a non-empty string`);
  if (v.length > max) throw new BadField(`${name} is longer than ${max} characters`);
  return v;
}

function optString(b: Fields, name: string, max = 2048): string | undefined {
  if (b[name] === undefined || b[name] === null) return undefined;
  return reqString(b, name, max);
}

function optStringList(b: Fields, name: string): string[] {
  const v = b[name];
  if (v === undefined || v === null) return [];
  if (
    !Array.isArray(v) ||
    v.length > 100 ||
    !v.every((x) => typeof x === "string" && x.length > 0 && x.length <= 1024)
  )
    throw new BadField(`${name} must be a list of non-empty strings`);
  return v as string[];
}

/** RFC 8252 §7.3: a loopback redirect URI over plain http. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (
      u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) && u.hash === ""
    );
  } catch {
    return false;
  }
}

/** Registered `http://127.0.0.1/oauth/callback` (port-less) matches any port (RFC 8252 §7.3); else exact. */
export function redirectMatches(registered: string, requested: string): boolean {
  try {
    const r = new URL(registered);
    const q = new URL(requested);
    return (
      r.protocol === q.protocol &&
      r.hostname === q.hostname &&
      r.pathname === q.pathname &&
      r.search === q.search &&
      (r.port === "" || r.port === q.port)
    );
  } catch {
    return false;
  }
}

function client(ctx: ServiceContext, req: ApiRequest, b: Fields): ClientRegistration | undefined {
  const c = ctx.store.authenticateClient(reqString(b, "clientId"), reqString(b, "clientSecret", 8192));
  // Registrations are regional, as in AWS: a client from another region's endpoint is unknown here.
  return c && c.region === req.region ? c : undefined;
}

// ------------------------------------------------------------------------------------------ RegisterClient

function registerClient(ctx: ServiceContext, req: ApiRequest, b: Fields): ApiResponse {
  const op = "RegisterClient";
  try {
    const clientName = reqString(b, "clientName", 256);
    const clientType = reqString(b, "clientType", 64);
    if (clientType !== "public")
      return oidcError(
        op,
        "InvalidClientMetadataException",
        `clientType must be "public", got ${JSON.stringify(clientType).slice(0, 80)}`,
      );
    const scopes = optStringList(b, "scopes");
    const grantTypes = optStringList(b, "grantTypes");
    const redirectUris = optStringList(b, "redirectUris");
    const issuerUrl = optString(b, "issuerUrl");
    optString(b, "entitledApplicationArn");
    const unknown = grantTypes.find((g) => !KNOWN_GRANTS.has(g));
    if (unknown)
      return oidcError(
        op,
        "UnsupportedGrantTypeException",
        `Unsupported grant type: ${unknown.slice(0, 100)}`,
      );
    const badUri = redirectUris.find((u) => !isLoopbackRedirect(u));
    if (badUri)
      return oidcError(
        op,
        "InvalidRedirectUriException",
        "Redirect URIs must be http loopback URIs (RFC 8252)",
      );
    if (grantTypes.includes("authorization_code") && redirectUris.length === 0)
      return oidcError(
        op,
        "InvalidRedirectUriException",
        "The authorization_code grant needs at least one redirect URI",
      );
    const badScope = scopes.find((s) => !/^[\w:.*/-]+$/.test(s));
    if (badScope) return oidcError(op, "InvalidScopeException", "Invalid scope");
    const instance = ctx.store.org.instance;
    const foreignIssuer =
      issuerUrl !== undefined &&
      (normalizeStartUrl(issuerUrl) !== normalizeStartUrl(instance.startUrl) ||
        req.region !== instance.region);
    const reg = ctx.store.registerClient({
      clientName,
      clientType,
      scopes,
      redirectUris,
      grantTypes,
      region: req.region,
      ...(issuerUrl !== undefined ? { issuerUrl } : {}),
      ...(foreignIssuer ? { foreignIssuer } : {}),
    });
    const base = regionBase(ctx.baseUrl, req.region, instance.region);
    return jsonResponse(SERVICE, op, 200, {
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      clientIdIssuedAt: Math.floor(reg.issuedAt / 1000),
      clientSecretExpiresAt: Math.floor(reg.expiresAt / 1000),
      ...(grantTypes.includes("authorization_code")
        ? { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` }
        : {}),
    });
  } catch (e) {
    if (e instanceof BadField) return oidcError(op, "InvalidRequestException", e.message);
    throw e;
  }
}

// ------------------------------------------------------------------------------------------ StartDeviceAuthorization

function startDeviceAuthorization(ctx: ServiceContext, req: ApiRequest, b: Fields): ApiResponse {
  const op = "StartDeviceAuthorization";
  try {
    const startUrl = reqString(b, "startUrl");
    const c = client(ctx, req, b);
    if (!c) return oidcError(op, "InvalidClientException", "Invalid client provided");
    if (c.grantTypes.length > 0 && !c.grantTypes.includes(DEVICE_GRANT))
      return oidcError(
        op,
        "UnauthorizedClientException",
        "This client is not registered for the device code grant",
      );
    const d = ctx.store.startDevice(c, startUrl, req.region);
    if (ctx.autoApprove !== undefined) {
      const user = ctx.store.findUserByName(ctx.autoApprove);
      if (user) {
        try {
          ctx.store.approveDevice(d.userCode, user.userId);
        } catch (e) {
          // A foreign start URL / region stays unapprovable (invalid_grant), as the real page shows.
          if (!(e instanceof StoreError)) throw e;
        }
      }
    }
    return jsonResponse(SERVICE, op, 200, {
      deviceCode: d.deviceCode,
      userCode: d.userCode,
      // Under the region the client addressed, as AWS's device.sso.<region>.amazonaws.com is.
      verificationUri: `${regionBase(ctx.baseUrl, req.region, ctx.store.org.instance.region)}/device`,
      verificationUriComplete: `${regionBase(ctx.baseUrl, req.region, ctx.store.org.instance.region)}/device?user_code=${d.userCode}`,
      expiresIn: d.expiresIn,
      interval: 1,
    });
  } catch (e) {
    if (e instanceof BadField) return oidcError(op, "InvalidRequestException", e.message);
    throw e;
  }
}

// ------------------------------------------------------------------------------------------ CreateToken

function createToken(ctx: ServiceContext, req: ApiRequest, b: Fields): ApiResponse {
  const op = "CreateToken";
  const store = ctx.store;
  try {
    const grantType = reqString(b, "grantType", 256);
    const c = client(ctx, req, b);
    if (!c) return oidcError(op, "InvalidClientException", "Invalid client provided");
    if (!KNOWN_GRANTS.has(grantType))
      return oidcError(op, "UnsupportedGrantTypeException", "Unsupported grant type");
    if (c.grantTypes.length > 0 && !c.grantTypes.includes(grantType))
      return oidcError(
        op,
        "UnauthorizedClientException",
        `This client is not registered for the ${grantType} grant`,
      );
    const scope = optStringList(b, "scope");

    if (grantType === DEVICE_GRANT) {
      const deviceCode = reqString(b, "deviceCode", 8192);
      const d = store.deviceByCode(deviceCode);
      if (!d || d.clientId !== c.clientId)
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      if (d.expiresAt <= store.now())
        return oidcError(op, "ExpiredTokenException", "Device code has expired");
      if (d.error) return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      if (d.status === "pending")
        return oidcError(op, "AuthorizationPendingException", "Authorization is still pending");
      if (d.status === "denied") {
        store.consumeDevice(d);
        return oidcError(op, "AccessDeniedException", "The user denied the authorization");
      }
      store.consumeDevice(d); // single use
      return tokenResponse(store.startSession(c, d.userId!, c.scopes));
    }

    if (grantType === "authorization_code") {
      const code = reqString(b, "code", 4096);
      const redirectUri = reqString(b, "redirectUri");
      const verifier = reqString(b, "codeVerifier", 256);
      const rec = store.codeRecord(code);
      if (!rec || rec.clientId !== c.clientId)
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      if (rec.used) {
        // RFC 6749 §4.1.2: a replayed code revokes what it already issued.
        if (rec.sessionId) store.endSession(rec.sessionId);
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      }
      if (rec.expiresAt <= store.now())
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      if (rec.redirectUri !== redirectUri)
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !store.verifierMatches(rec, verifier))
        return oidcError(op, "InvalidGrantException", "Invalid grant provided");
      rec.used = true;
      const grant = store.startSession(c, rec.userId, rec.scopes);
      rec.sessionId = grant.sessionId;
      store.changed();
      return tokenResponse(grant);
    }

    // refresh_token
    const refreshToken = reqString(b, "refreshToken", 8192);
    if (scope.some((s) => !c.scopes.includes(s)))
      return oidcError(op, "InvalidScopeException", "Invalid scope");
    const grant = store.refresh(c, refreshToken);
    if (!grant) return oidcError(op, "InvalidGrantException", "Invalid grant provided");
    return tokenResponse(grant);
  } catch (e) {
    if (e instanceof BadField) return oidcError(op, "InvalidRequestException", e.message);
    throw e;
  }
}

function tokenResponse(g: { accessToken: string; expiresIn: number; refreshToken?: string }): ApiResponse {
  return jsonResponse(SERVICE, "CreateToken", 200, {
    accessToken: g.accessToken,
    tokenType: "Bearer",
    expiresIn: g.expiresIn,
    ...(g.refreshToken !== undefined ? { refreshToken: g.refreshToken } : {}),
  });
}

// ------------------------------------------------------------------------------------------ GET /authorize

function page(status: number, title: string, message: string): ApiResponse {
  const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(message)}</p></body></html>`,
    service: SERVICE,
    operation: "Authorize",
  };
}

function redirect(location: string): ApiResponse {
  return {
    status: 302,
    headers: { location, "cache-control": "no-store" },
    body: "",
    service: SERVICE,
    operation: "Authorize",
  };
}

function redirectError(uri: string, error: string, description: string, state: string | null): ApiResponse {
  const u = new URL(uri);
  u.searchParams.set("error", error);
  u.searchParams.set("error_description", description);
  if (state !== null) u.searchParams.set("state", state);
  return redirect(u.toString());
}

/**
 * RFC 6749 §4.1.1 + RFC 7636: errors about the client or redirect URI are shown, never redirected
 * (§4.1.2.1); everything else goes back to the (validated) redirect URI as error=…
 */
function authorize(ctx: ServiceContext, req: ApiRequest): ApiResponse {
  const q = req.query;
  const clientId = q.get("client_id");
  const redirectUri = q.get("redirect_uri");
  const state = q.get("state");
  const c = clientId ? ctx.store.state.clients[clientId] : undefined;
  if (!c || c.expiresAt <= ctx.store.now() || c.region !== req.region)
    return page(400, "Invalid request", "Unknown or expired client_id.");
  if (
    !redirectUri ||
    !isLoopbackRedirect(redirectUri) ||
    !c.redirectUris.some((r) => redirectMatches(r, redirectUri))
  )
    return page(400, "Invalid request", "The redirect_uri does not match the client's registration.");
  if (q.get("response_type") !== "code")
    return redirectError(redirectUri, "unsupported_response_type", "response_type must be code", state);
  if (!c.grantTypes.includes("authorization_code"))
    return redirectError(
      redirectUri,
      "unauthorized_client",
      "client is not registered for authorization_code",
      state,
    );
  const challenge = q.get("code_challenge");
  if (q.get("code_challenge_method") !== "S256" || !challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return redirectError(
      redirectUri,
      "invalid_request",
      "PKCE with code_challenge_method=S256 is required",
      state,
    );
  const scopes = (q.get("scopes") ?? q.get("scope") ?? "").split(/[\s+]+/).filter(Boolean);
  if (scopes.some((s) => !c.scopes.includes(s)))
    return redirectError(
      redirectUri,
      "invalid_scope",
      "scopes must be among the client's registered scopes",
      state,
    );
  if (state !== null && state.length > 1024)
    return redirectError(redirectUri, "invalid_request", "state is too long", null);
  if (c.foreignIssuer || req.region !== ctx.store.org.instance.region)
    return redirectError(redirectUri, "invalid_grant", "Invalid grant provided", state);
  const spec = {
    clientId: c.clientId,
    redirectUri,
    codeChallenge: challenge,
    scopes: scopes.length > 0 ? scopes : [...c.scopes],
    region: req.region,
    ...(state !== null ? { state } : {}),
  };
  const auto = ctx.autoApprove !== undefined ? ctx.store.findUserByName(ctx.autoApprove) : undefined;
  if (auto) {
    const code = ctx.store.issueCode(spec, auto.userId);
    const u = new URL(redirectUri);
    u.searchParams.set("code", code);
    if (state !== null) u.searchParams.set("state", state);
    return redirect(u.toString());
  }
  const pending = ctx.store.createAuthorizeRequest(spec);
  return redirect(`${ctx.baseUrl}/consent?request=${encodeURIComponent(pending.id)}`);
}

/** The emulator's URL as seen by a client of `region`: a `/region/<r>` prefix unless it is the instance's. */
function regionBase(baseUrl: string, region: string, instanceRegion: string): string {
  return `${baseUrl}${region === instanceRegion ? "" : `/region/${region}`}`;
}
