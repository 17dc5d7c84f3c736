/**
 * The SSO token cache and the client-registration cache, kept exactly as the AWS CLI keeps them
 * (docs/reference.md §2.1, §2.2): `~/.aws/sso/cache/<sha1>.json`, one line of Python-style JSON
 * (`", "` / `": "`, ensure_ascii), the CLI's key order, `Z` timestamps without millis, 0600, written
 * atomically. Reads also accept the SDK JS variant (pretty-printed, millis). A file that cannot be
 * parsed is "signed out": never a crash, never deleted.
 */
import * as path from "node:path";
import { readFileIfExists, writeFileAtomic } from "../platform/files";
import { type PyJson, pyDumps } from "../platform/pyjson";
import { sha1Hex } from "../platform/sha1";
import type { SsoSession } from "./session";
import { type CachedToken, optStr, parseCacheTime, parseToken, type TokenRead } from "./token-format";

export { type CachedToken, parseCacheTime, parseToken, type TokenRead } from "./token-format";

export { sha1Hex };

/** `YYYY-MM-DDTHH:MM:SSZ` (what the CLI writes; every reader accepts it). */
export function formatCacheTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

// ---------------------------------------------------------------------------------------------
// Token cache (§2.1)

export function tokenFileName(session: Pick<SsoSession, "cacheKey">): string {
  return `${sha1Hex(session.cacheKey)}.json`;
}

export function tokenFilePath(ssoCacheDir: string, session: Pick<SsoSession, "cacheKey">): string {
  return path.join(ssoCacheDir, tokenFileName(session));
}

/** The CLI's bytes: startUrl, region, accessToken, expiresAt, clientId, clientSecret, registrationExpiresAt, refreshToken. */
export function serializeToken(token: CachedToken): string {
  const obj: Record<string, PyJson | undefined> = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: formatCacheTime(token.expiresAt),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt
      ? formatCacheTime(token.registrationExpiresAt)
      : undefined,
    refreshToken: token.refreshToken,
  };
  return pyDumps(obj);
}

export async function readToken(
  ssoCacheDir: string,
  session: Pick<SsoSession, "cacheKey">,
): Promise<TokenRead> {
  let text: string | undefined;
  try {
    text = await readFileIfExists(tokenFilePath(ssoCacheDir, session));
  } catch (e) {
    return { status: "malformed", reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (text === undefined) return { status: "missing" };
  return parseToken(text);
}

/** Atomic 0600 write. Callers that read-modify-write hold `withFileLock(tokenFilePath(...))`. */
export async function writeToken(
  ssoCacheDir: string,
  session: Pick<SsoSession, "cacheKey">,
  token: CachedToken,
): Promise<void> {
  await writeFileAtomic(tokenFilePath(ssoCacheDir, session), serializeToken(token), {
    mode: 0o600,
    secret: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Client-registration cache (§2.2)

export interface RegistrationKeyArgs {
  startUrl: string;
  region: string;
  /** null when the session configures none (and always for legacy). */
  scopes: string[] | null;
  /** null for legacy. */
  sessionName: string | null;
}

/** sha1 of Python `json.dumps(args, sort_keys=True)` (botocore `_registration_cache_key`). */
export function registrationCacheKey(a: RegistrationKeyArgs): string {
  return sha1Hex(
    pyDumps(
      {
        tool: "botocore",
        startUrl: a.startUrl,
        region: a.region,
        scopes: a.scopes,
        session_name: a.sessionName,
      },
      { sortKeys: true },
    ),
  );
}

export function registrationKeyArgs(session: SsoSession): RegistrationKeyArgs {
  return {
    startUrl: session.startUrl,
    region: session.region,
    scopes: session.registrationScopes,
    sessionName: session.kind === "sso-session" ? session.sessionName! : null,
  };
}

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  scopes?: string[];
  grantTypes?: string[];
}

export function parseRegistration(text: string): ClientRegistration | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const clientId = optStr(o, "clientId");
  const clientSecret = optStr(o, "clientSecret");
  const expiresAt = parseCacheTime(o["expiresAt"]);
  if (!clientId || !clientSecret || !expiresAt) return undefined;
  const reg: ClientRegistration = { clientId, clientSecret, expiresAt };
  const strList = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined);
  const scopes = strList(o["scopes"]);
  if (scopes) reg.scopes = scopes;
  const grantTypes = strList(o["grantTypes"]);
  if (grantTypes) reg.grantTypes = grantTypes;
  return reg;
}

/** Key order as the CLI: clientId, clientSecret, expiresAt, scopes, grantTypes. */
export function serializeRegistration(reg: ClientRegistration): string {
  return pyDumps({
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    expiresAt: formatCacheTime(reg.expiresAt),
    scopes: reg.scopes,
    grantTypes: reg.grantTypes,
  });
}

export function registrationFilePath(ssoCacheDir: string, args: RegistrationKeyArgs): string {
  return path.join(ssoCacheDir, `${registrationCacheKey(args)}.json`);
}

export async function readRegistration(file: string): Promise<ClientRegistration | undefined> {
  try {
    const text = await readFileIfExists(file);
    return text === undefined ? undefined : parseRegistration(text);
  } catch {
    return undefined;
  }
}

export async function writeRegistration(file: string, reg: ClientRegistration): Promise<void> {
  await writeFileAtomic(file, serializeRegistration(reg), { mode: 0o600, secret: true });
}

export const PKCE_GRANT_TYPES = ["authorization_code", "refresh_token"];

/**
 * Reuse rule (§2.2): ≥ 15 min before expiry, and the grant types fit the flow — a device-flow
 * registration (no grantTypes) is not used for PKCE and vice versa.
 */
export function registrationUsable(reg: ClientRegistration, flow: "device" | "pkce", now: Date): boolean {
  if (reg.expiresAt.getTime() - now.getTime() < 15 * 60_000) return false;
  const isPkce = Array.isArray(reg.grantTypes) && reg.grantTypes.includes("authorization_code");
  return flow === "pkce" ? isPkce : !isPkce;
}
