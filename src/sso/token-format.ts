/**
 * The SSO token cache entry, pure (docs/reference.md §2.1): the timestamps the CLI, botocore and the
 * SDK write, the narrowed token, and whether it can be refreshed. No I/O and no imports, so the
 * launcher's lean `status` (src/status/fast-path.ts) uses the same rules as src/sso/cache.ts and the
 * token provider, which re-export them.
 */
import type { SsoSession } from "./session";

const TIME_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|UTC|[+-]\d{2}:?\d{2})$/;

/** Parse the timestamps the CLI, botocore and the SDK write (`Z`, millis, `+00:00`, `UTC`). */
export function parseCacheTime(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const m = TIME_RE.exec(value.trim());
  if (!m) return undefined;
  const frac = m[3] ? m[3].slice(0, 4) : "";
  let zone = m[4]!;
  if (zone === "UTC") zone = "Z";
  else if (zone !== "Z" && !zone.includes(":")) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${m[1]}T${m[2]}${frac}${zone}`);
  return Number.isNaN(t) ? undefined : new Date(t);
}

export interface CachedToken {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: Date;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: Date;
  refreshToken?: string;
}

export type TokenRead =
  | { status: "ok"; token: CachedToken }
  | { status: "missing" }
  | { status: "malformed"; reason: string };

export const optStr = (o: Record<string, unknown>, k: string): string | undefined =>
  typeof o[k] === "string" && (o[k] as string).length > 0 ? (o[k] as string) : undefined;

/** Narrow a token file's text. Anything unusable is "malformed" with a reason (never thrown). */
export function parseToken(text: string): TokenRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { status: "malformed", reason: "not valid JSON (truncated?)" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { status: "malformed", reason: "not a JSON object" };
  const o = raw as Record<string, unknown>;
  const accessToken = optStr(o, "accessToken");
  if (!accessToken) return { status: "malformed", reason: "no accessToken" };
  const expiresAt = parseCacheTime(o["expiresAt"]);
  if (!expiresAt) return { status: "malformed", reason: "no readable expiresAt" };
  const token: CachedToken = { accessToken, expiresAt };
  const startUrl = optStr(o, "startUrl");
  if (startUrl) token.startUrl = startUrl;
  const region = optStr(o, "region");
  if (region) token.region = region;
  const clientId = optStr(o, "clientId");
  if (clientId) token.clientId = clientId;
  const clientSecret = optStr(o, "clientSecret");
  if (clientSecret) token.clientSecret = clientSecret;
  const regExp = parseCacheTime(o["registrationExpiresAt"]);
  if (regExp) token.registrationExpiresAt = regExp;
  const refreshToken = optStr(o, "refreshToken");
  if (refreshToken) token.refreshToken = refreshToken;
  return { status: "ok", token };
}

export function canRefresh(session: SsoSession, token: CachedToken, now: Date): boolean {
  return (
    session.kind === "sso-session" &&
    token.refreshToken !== undefined &&
    token.clientId !== undefined &&
    token.clientSecret !== undefined &&
    token.registrationExpiresAt !== undefined &&
    token.registrationExpiresAt.getTime() > now.getTime()
  );
}
