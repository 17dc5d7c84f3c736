/**
 * PKCE pieces for the authorization-code flow (RFC 7636; docs/reference.md §3.4), pure: randomness
 * comes in as bytes. Verifier = base64url of 32 random bytes (43 chars), challenge = S256.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export const base64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");

export function codeVerifier(random32: Uint8Array): string {
  if (random32.length !== 32) throw new RangeError("PKCE verifier needs 32 random bytes");
  return base64url(random32);
}

export function codeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Constant-time string comparison (hashes first, so lengths do not leak either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Python's urllib.parse.quote_plus (what the CLI's urlencode uses): safe = A-Z a-z 0-9 _ . - ~ */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** The port-less redirect URI registered with RegisterClient (RFC 8252 loopback). */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";
export const redirectUriFor = (port: number): string => `http://127.0.0.1:${port}/oauth/callback`;

/**
 * `<oidc endpoint>/authorize?…` with the CLI's parameter order; the scope parameter is `scopes`
 * (plural), space-joined.
 */
export function authorizeUrl(
  endpoint: string,
  p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: string[] },
): string {
  const q: [string, string][] = [
    ["response_type", "code"],
    ["client_id", p.clientId],
    ["redirect_uri", p.redirectUri],
    ["state", p.state],
    ["code_challenge_method", "S256"],
    ["scopes", p.scopes.join(" ")],
    ["code_challenge", p.challenge],
  ];
  return `${endpoint.replace(/\/+$/, "")}/authorize?${q.map(([k, v]) => `${k}=${quotePlus(v)}`).join("&")}`;
}
