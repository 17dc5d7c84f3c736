/**
 * Sign out (docs/reference.md §2.4): call the portal's Logout with each token (errors ignored, short
 * time-out), delete the token files and the role credentials the AWS CLI cached from them; keep
 * client registrations. `--all` works like `aws sso logout`: every cache file with an accessToken,
 * every CLI-cache file with "ProviderType": "sso".
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { AwsConfig } from "../config/load";
import type { AwsPaths } from "../config/paths";
import { withFileLock } from "../platform/lock";
import { sha1Hex } from "../platform/sha1";
import { parseToken, tokenFilePath } from "./cache";
import { type RoleCacheKeyArgs, roleCacheKeyMaterial, ssoRoleCacheKeyArgs } from "./role-cache-key";
import type { SsoSession } from "./session";

export interface LogoutDeps {
  env: NodeJS.ProcessEnv;
  paths: AwsPaths;
  /** Portal Logout call (default: @aws-sdk/client-sso, lazily loaded); errors are ignored. */
  portalLogout?: (region: string, accessToken: string) => Promise<void>;
}

export interface LogoutResult {
  tokensRemoved: string[];
  credentialsRemoved: string[];
  logoutCalls: number;
  /** Logout calls that failed (service unreachable, …): those sessions end on the server only when they expire. */
  logoutFailures: number;
}

async function sdkLogout(env: NodeJS.ProcessEnv, region: string, accessToken: string): Promise<void> {
  // The portal's Logout (src/portal): one attempt, the portal client's time-out.
  const { portalLogout } = await import("../portal/client");
  await portalLogout(env, region, accessToken);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * `sessionFile`: the file is the named session's own token file (sha1 of its key), so an unreadable
 * (torn) one is removed too — the user asked to sign out of exactly that session. With --all only
 * files that parse as tokens are touched, like `aws sso logout`.
 */
async function logoutTokenFile(
  deps: LogoutDeps,
  file: string,
  res: LogoutResult,
  sessionFile = false,
): Promise<void> {
  await withFileLock(file, async () => {
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch {
      return;
    }
    const r = parseToken(text);
    // Only files that are tokens (have an accessToken) are removed: registrations stay.
    const raw = (() => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    const isToken = raw !== undefined && typeof raw === "object" && typeof raw?.["accessToken"] === "string";
    const isRegistration =
      raw !== undefined && typeof raw === "object" && typeof raw?.["clientId"] === "string" && !isToken;
    if (!isToken && (!sessionFile || isRegistration)) return;
    const region = typeof raw?.["region"] === "string" ? raw["region"] : undefined;
    if (r.status === "ok" && region) {
      const call = deps.portalLogout ?? ((rg, t) => sdkLogout(deps.env, rg, t));
      res.logoutCalls++;
      await call(region, r.token.accessToken).catch(() => {
        res.logoutFailures++;
      });
    }
    await fs.rm(file, { force: true });
    res.tokensRemoved.push(file);
  });
}

/** sha1-named role-credential cache files that belong to the profiles of `session` (§2.3 keys). */
export async function roleCacheFilesFor(
  config: AwsConfig,
  session: SsoSession,
  cliCacheDir: string,
): Promise<string[]> {
  const key = (args: RoleCacheKeyArgs) => sha1Hex(roleCacheKeyMaterial(args));
  const { configValue } = await import("../config/describe");
  const out: string[] = [];
  for (const p of config.profiles.values()) {
    const acct = configValue(p.values, "sso_account_id");
    const role = configValue(p.values, "sso_role_name");
    if (!acct || !role) continue;
    const sessionName = configValue(p.values, "sso_session");
    const mine =
      session.kind === "sso-session"
        ? sessionName !== undefined && sessionName === session.sessionName
        : sessionName === undefined && configValue(p.values, "sso_start_url") === session.startUrl;
    if (mine)
      out.push(
        path.join(
          cliCacheDir,
          `${key(ssoRoleCacheKeyArgs({ accountId: acct, roleName: role, sessionName, startUrl: session.startUrl }))}.json`,
        ),
      );
  }
  return out;
}

async function removeSsoCredFile(file: string, res: LogoutResult): Promise<void> {
  const j = (await readJson(file)) as Record<string, unknown> | undefined;
  if (j && typeof j === "object" && j["ProviderType"] === "sso") {
    await fs.rm(file, { force: true });
    res.credentialsRemoved.push(file);
  }
}

/** Sign out of one session. */
export async function logoutSession(
  deps: LogoutDeps,
  config: AwsConfig,
  session: SsoSession,
): Promise<LogoutResult> {
  const res: LogoutResult = { tokensRemoved: [], credentialsRemoved: [], logoutCalls: 0, logoutFailures: 0 };
  await logoutTokenFile(deps, tokenFilePath(deps.paths.ssoCacheDir, session), res, true);
  for (const f of await roleCacheFilesFor(config, session, deps.paths.cliCacheDir))
    await removeSsoCredFile(f, res);
  return res;
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((n) => n.endsWith(".json")).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** Sign out of everything, like `aws sso logout`. */
export async function logoutAll(deps: LogoutDeps): Promise<LogoutResult> {
  const res: LogoutResult = { tokensRemoved: [], credentialsRemoved: [], logoutCalls: 0, logoutFailures: 0 };
  for (const f of await listJson(deps.paths.ssoCacheDir)) await logoutTokenFile(deps, f, res);
  for (const f of await listJson(deps.paths.cliCacheDir)) await removeSsoCredFile(f, res);
  return res;
}
