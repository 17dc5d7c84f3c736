/**
 * The discovery cache (docs/sync.md "Cache"): what a sync listed, kept so an interrupted sync resumes
 * where it stopped and a second sync within `--max-age` re-lists only accounts (cheap) and the roles of
 * new accounts. One 0600 JSON file per sso-session under ~/.aws/portico/sync/ (0700), written
 * atomically; an unreadable or foreign file reads as "no cache" (never an error, never deleted).
 * Also holds what the last sync wrote into the config (to name hand-edited lines) and what the picker
 * lists.
 */
import * as path from "node:path";
import type { AwsPaths } from "../config/paths";
import { readFileIfExists, writeFileAtomic } from "../platform/files";
import { sha1Hex } from "../platform/sha1";
import type { GeneratedProfile } from "./block";

export interface CachedAccount {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
  /** Absent until this account's roles were listed. */
  roles?: string[];
  /** ms since the epoch. */
  rolesListedAt?: number;
}

export interface DiscoveryCache {
  version: 1;
  ssoSession: string;
  startUrl: string;
  /** When the account list was last complete (ms), if ever. */
  accountsListedAt?: number;
  accounts: CachedAccount[];
  /** The profiles the last sync wrote into the config file, and which file. */
  written?: { file: string; profiles: GeneratedProfile[] };
}

export function syncCacheDir(paths: AwsPaths): string {
  return path.join(paths.awsDir, "portico", "sync");
}

export function syncCacheFile(paths: AwsPaths, sessionName: string, startUrl: string): string {
  const key = sha1Hex(`${sessionName}\n${startUrl}`).slice(0, 16);
  return path.join(syncCacheDir(paths), `${key}.json`);
}

const str = (v: unknown): v is string => typeof v === "string";
const strList = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Narrow a cache file's text (pure); undefined for anything that is not this session's cache. */
export function parseCache(text: string, sessionName: string, startUrl: string): DiscoveryCache | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  if (
    !o ||
    typeof o !== "object" ||
    o["version"] !== 1 ||
    o["ssoSession"] !== sessionName ||
    o["startUrl"] !== startUrl
  )
    return undefined;
  if (!Array.isArray(o["accounts"])) return undefined;
  const accounts: CachedAccount[] = [];
  for (const a of o["accounts"] as Record<string, unknown>[]) {
    if (!a || !str(a["accountId"]) || !/^\d{12}$/.test(a["accountId"])) return undefined;
    const c: CachedAccount = { accountId: a["accountId"] };
    if (str(a["accountName"])) c.accountName = a["accountName"];
    if (str(a["emailAddress"])) c.emailAddress = a["emailAddress"];
    if (strList(a["roles"]) && num(a["rolesListedAt"])) {
      c.roles = a["roles"];
      c.rolesListedAt = a["rolesListedAt"];
    }
    accounts.push(c);
  }
  const cache: DiscoveryCache = { version: 1, ssoSession: sessionName, startUrl, accounts };
  if (num(o["accountsListedAt"])) cache.accountsListedAt = o["accountsListedAt"];
  const w = o["written"] as Record<string, unknown> | undefined;
  if (w && str(w["file"]) && Array.isArray(w["profiles"])) {
    const profiles: GeneratedProfile[] = [];
    for (const p of w["profiles"] as Record<string, unknown>[]) {
      if (!p || !str(p["name"]) || !str(p["accountId"]) || !str(p["roleName"])) return cache;
      profiles.push({
        name: p["name"],
        accountId: p["accountId"],
        roleName: p["roleName"],
        ...(str(p["region"]) ? { region: p["region"] } : {}),
        ...(str(p["output"]) ? { output: p["output"] } : {}),
      });
    }
    cache.written = { file: w["file"], profiles };
  }
  return cache;
}

export async function readDiscoveryCache(
  paths: AwsPaths,
  sessionName: string,
  startUrl: string,
): Promise<DiscoveryCache | undefined> {
  let text: string | undefined;
  try {
    text = await readFileIfExists(syncCacheFile(paths, sessionName, startUrl));
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : parseCache(text, sessionName, startUrl);
}

export async function writeDiscoveryCache(paths: AwsPaths, cache: DiscoveryCache): Promise<void> {
  await writeFileAtomic(
    syncCacheFile(paths, cache.ssoSession, cache.startUrl),
    `${JSON.stringify(cache)}\n`,
    {
      mode: 0o600,
      dirMode: 0o700,
      secret: true,
    },
  );
}
