/**
 * The picker's list: every SSO profile of the config (account × role), with account names from the
 * discovery caches of their sessions (no network). Reads only files. `stamps`, when given, receives
 * the stamp of each discovery cache taken before it is read (for the picker's index,
 * src/sync/pick-index.ts).
 */
import type { AwsConfig } from "../config/load";
import { readDiscoveryCache, syncCacheFile } from "./cache";
import type { PickEntry } from "./pick";
import { type FileStamp, fileStamp } from "./pick-index";

const value = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export async function pickEntries(
  config: AwsConfig,
  ssoSession?: string,
  stamps?: Map<string, FileStamp | undefined>,
): Promise<PickEntry[]> {
  const entries: PickEntry[] = [];
  const sessions = new Set<string>();
  for (const [name, view] of config.profiles) {
    const accountId = value(view.values["sso_account_id"]);
    const roleName = value(view.values["sso_role_name"]);
    if (!accountId || !roleName) continue;
    const session = value(view.values["sso_session"]);
    if (ssoSession !== undefined && session !== ssoSession) continue;
    if (session) sessions.add(session);
    entries.push({ profile: name, accountId, roleName, ...(session ? { ssoSession: session } : {}) });
  }
  const names = new Map<string, string>();
  for (const s of sessions) {
    const url = value(config.ssoSessions.get(s)?.values["sso_start_url"]);
    if (!url) continue;
    if (stamps) {
      const file = syncCacheFile(config.paths, s, url);
      stamps.set(file, fileStamp(file));
    }
    const cache = await readDiscoveryCache(config.paths, s, url);
    for (const a of cache?.accounts ?? [])
      if (a.accountName) names.set(`${s}\n${a.accountId}`, a.accountName);
  }
  for (const e of entries) {
    const n = names.get(`${e.ssoSession ?? ""}\n${e.accountId}`);
    if (n) e.accountName = n;
  }
  return entries;
}

/**
 * Build the picker's index now (after `portico setup` wrote the profiles), so the first `pc` draws
 * from it. Best effort: false when a file changed meanwhile or the index cannot be written.
 */
export async function buildPickIndex(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { awsPaths } = await import("../config/paths");
  const { loadAwsConfig } = await import("../config/load");
  const { writePickIndex } = await import("./pick-index");
  const paths = awsPaths(env);
  const stamps = new Map([paths.configFile, paths.credentialsFile].map((f) => [f, fileStamp(f)]));
  const config = await loadAwsConfig(env);
  return writePickIndex(paths, stamps, await pickEntries(config, undefined, stamps));
}
