/**
 * Role credentials in the AWS CLI's own credential cache, `~/.aws/cli/cache/<key>.json`
 * (aws-reference.md §2.3; awscli/botocore/credentials.py `SSOCredentialFetcher`, utils.py `JSONFileCache`),
 * so portico and the AWS CLI share one set of role credentials.
 *
 * Only fs + crypto here: this module is on the credential-process hot path.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../platform/files";
import { pyDumps } from "./pyjson";
import type { AwsCredentials } from "./types";

/** Cached credentials are reused while at least this much lifetime remains (botocore's expiry window). */
export const REUSE_WINDOW_MS = 15 * 60 * 1000;

export type RoleCacheKeyArgs =
  | { accountId: string; roleName: string; sessionName: string }
  | { accountId: string; roleName: string; startUrl: string };

/**
 * The CLI's cache key: sha1 hex of `json.dumps(args, sort_keys=True, separators=(",", ":"))`
 * with args {accountId, roleName, sessionName} (sso-session) or {accountId, roleName, startUrl} (legacy).
 * (The CLI replaces `:` and path separators in keys with `_`; a hex digest has none.)
 */
export function roleCacheKey(args: RoleCacheKeyArgs): string {
  const plain: Record<string, string> =
    "sessionName" in args
      ? { accountId: args.accountId, roleName: args.roleName, sessionName: args.sessionName }
      : { accountId: args.accountId, roleName: args.roleName, startUrl: args.startUrl };
  const json = pyDumps(plain, { sortKeys: true, separators: [",", ":"] });
  return createHash("sha1").update(json, "utf8").digest("hex");
}

export function roleCacheFile(cliCacheDir: string, key: string): string {
  return path.join(cliCacheDir, `${key}.json`);
}

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

/** Read a cache entry; a missing, unreadable or foreign file is `undefined`. */
export async function readCachedRoleCredentials(file: string): Promise<AwsCredentials | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  return parseCacheEntry(text);
}

/** Write an entry atomically, 0600 in a 0700 folder (an existing file keeps its mode). */
export async function writeCachedRoleCredentials(file: string, creds: AwsCredentials): Promise<void> {
  await writeFileAtomic(file, serializeCacheEntry(creds), { mode: 0o600, dirMode: 0o700 });
}

/** Remove an entry (logout); missing is fine. */
export async function removeCachedRoleCredentials(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
