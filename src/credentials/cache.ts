/**
 * Role credentials in the AWS CLI's own credential cache, `~/.aws/cli/cache/<key>.json`
 * (aws-reference.md §2.3; awscli/botocore/credentials.py `SSOCredentialFetcher`, utils.py `JSONFileCache`),
 * so portico and the AWS CLI share one set of role credentials. The pure part is in cache-format.ts.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../platform/files";
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
  return createHash("sha1").update(roleCacheKeyMaterial(args), "utf8").digest("hex");
}

export function roleCacheFile(cliCacheDir: string, key: string): string {
  return path.join(cliCacheDir, `${key}.json`);
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

/** Write an entry atomically, 0600 (also over a wider existing file) in a 0700 folder. */
export async function writeCachedRoleCredentials(file: string, creds: AwsCredentials): Promise<void> {
  await writeFileAtomic(file, serializeCacheEntry(creds), { mode: 0o600, dirMode: 0o700, secret: true });
}

/** Remove an entry (logout); missing is fine. */
export async function removeCachedRoleCredentials(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
