/**
 * Role credentials in the AWS CLI's own credential cache, `~/.aws/cli/cache/<key>.json`
 * (docs/reference.md §2.3; awscli/botocore/credentials.py `SSOCredentialFetcher`, utils.py `JSONFileCache`),
 * so portico and the AWS CLI share one set of role credentials. The pure part is in cache-format.ts.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { PorticoError } from "../errors";
import { writeFileAtomic } from "../platform/files";
import { readRegularFile } from "../platform/regular-file";
import { sha1Hex } from "../platform/sha1";
import {
  parseCacheEntry,
  type RoleCacheKeyArgs,
  roleCacheKeyMaterial,
  serializeCacheEntry,
} from "./cache-format";
import type { AwsCredentials } from "./types";

export * from "./cache-format";

/** The CLI's cache key: sha1 hex of the compact, sorted JSON of the key arguments. */
export function roleCacheKey(args: RoleCacheKeyArgs): string {
  return sha1Hex(roleCacheKeyMaterial(args));
}

export function roleCacheFile(cliCacheDir: string, key: string): string {
  return path.join(cliCacheDir, `${key}.json`);
}

/** Read a cache entry; a missing, unreadable or foreign file is `undefined`. */
export async function readCachedRoleCredentials(file: string): Promise<AwsCredentials | undefined> {
  let text: string;
  try {
    const bytes = await readRegularFile(file);
    if (bytes === undefined) return undefined;
    text = bytes.toString("utf8");
  } catch {
    return undefined;
  }
  return parseCacheEntry(text);
}

/**
 * Write a cache entry (atomic, 0600 also over a wider existing file, 0700 folder) — best effort:
 * credentials are vended even when ~/.aws is read-only, full or not ours. Such a failure is said once
 * through `warn` and reported as false; other errors propagate. docs/reliability.md "Read-only ~/.aws".
 */
export async function writeCacheEntryBestEffort(
  file: string,
  bytes: string,
  warn?: (message: string) => void,
): Promise<boolean> {
  try {
    await writeFileAtomic(file, bytes, { mode: 0o600, dirMode: 0o700, secret: true });
    return true;
  } catch (e) {
    if (!(e instanceof PorticoError) || !e.code.startsWith("fs_")) throw e;
    warn?.(`credentials not cached: ${e.message}`);
    return false;
  }
}

/** Write an entry (best effort, see writeCacheEntryBestEffort). */
export async function writeCachedRoleCredentials(
  file: string,
  creds: AwsCredentials,
  warn?: (message: string) => void,
): Promise<boolean> {
  return writeCacheEntryBestEffort(file, serializeCacheEntry(creds), warn);
}

/** Remove an entry (logout); missing is fine. */
export async function removeCachedRoleCredentials(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
