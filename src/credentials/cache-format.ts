/**
 * The AWS CLI's role-credential cache entries (docs/reference.md §2.3), pure: key material, bytes,
 * parsing, freshness. No imports of Node built-ins, so the credential_process fast path can use it
 * without paying for ESM facades of node:crypto / node:fs (src/credentials/fast-path.ts).
 */
import { pyDumps } from "../platform/pyjson";
import type { AwsCredentials } from "./types";

/** Cached credentials are reused while more than this much lifetime remains (botocore's expiry window). */
export const REUSE_WINDOW_MS = 15 * 60 * 1000;

// The SSO role-credential cache key lives with SSO (src/sso/role-cache-key.ts), so logout can use it
// without importing the credentials layer; re-exported here for the credential code.
export { type RoleCacheKeyArgs, roleCacheKeyMaterial, ssoRoleCacheKeyArgs } from "../sso/role-cache-key";

/** `YYYY-MM-DDTHH:MM:SSZ`, as botocore writes GetRoleCredentials' epoch-ms expiration. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** The exact bytes the CLI writes for an SSO entry (Python `json.dumps`, default separators, one line). */
export function serializeCacheEntry(creds: AwsCredentials): string {
  const c: Record<string, string> = {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken !== undefined) c["SessionToken"] = creds.sessionToken;
  if (creds.expiration) c["Expiration"] = isoSeconds(creds.expiration);
  if (creds.accountId !== undefined) c["AccountId"] = creds.accountId;
  return pyDumps({ ProviderType: "sso", Credentials: c });
}

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/**
 * Narrow a cache file's text to credentials. Anything else — torn JSON, an assume-role entry, a foreign
 * shape, an unparsable expiration — is `undefined` (a cache miss), never an exception.
 */
export function parseCacheEntry(text: string): AwsCredentials | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  const rec = doc as Record<string, unknown>;
  if (rec["ProviderType"] !== undefined && rec["ProviderType"] !== "sso") return undefined;
  const c = rec["Credentials"];
  if (typeof c !== "object" || c === null) return undefined;
  const cr = c as Record<string, unknown>;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration, AccountId } = cr;
  if (
    !isString(AccessKeyId) ||
    !isString(SecretAccessKey) ||
    !isString(SessionToken) ||
    !isString(Expiration)
  )
    return undefined;
  const expiration = parseExpiration(Expiration);
  if (!expiration) return undefined;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration,
    ...(isString(AccountId) ? { accountId: AccountId } : {}),
  };
}

/** ISO-8601 with `Z` or an offset (also the `…UTC` suffix the CLI uses for assume-role entries). */
export function parseExpiration(s: string): Date | undefined {
  const norm = s.endsWith("UTC") ? `${s.slice(0, -3)}Z` : s;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(norm)) return undefined;
  const d = new Date(norm);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** True while the credentials have more than the reuse window left (static keys never expire). */
export function isFresh(creds: AwsCredentials, now: Date, windowMs = REUSE_WINDOW_MS): boolean {
  if (!creds.expiration) return true;
  return creds.expiration.getTime() - now.getTime() > windowMs;
}
