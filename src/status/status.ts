/**
 * `portico status`, the full path: what is live on this machine, from files only (no network) —
 * every SSO session, every profile with cached role credentials (SSO role credentials and the
 * assume-role / web-identity entries of the AWS CLI's cache) and their expiry, the current shell's
 * selection, and a warning for anything in use that ends within 15 minutes. `summarizeConfig`
 * reduces the loaded config to what the report needs (src/status/report.ts `StatusSummary`) and
 * `collectStatus` keeps it in the validated status index (src/status/summary.ts) for the launcher's
 * lean path, then computes the report with the same `statusFrom` the lean path runs.
 */
import { nonEmptyValue, parseRoleArn } from "../config/describe";
import type { AwsConfig } from "../config/load";
import type { AwsPaths } from "../config/paths";
import { roleCacheKeyMaterial, ssoRoleCacheKeyArgs } from "../credentials/cache-format";
import { FAST_PATH_INDEX_DIR, sha1Hex, writeIndexFile } from "../credentials/fast-path";
import { providerOf } from "../credentials/resolve";
import { builtin } from "../platform/builtin";
import { type FileId, sameId, settled, statId } from "../platform/file-identity";
import { type SsoSession, ssoProfile, ssoSessionByName } from "../sso/session";
import { type Status, type SummaryProfile, statusFrom } from "./report";
import { memorySummary, serializeSummary, statusIndexFile, syncStatusIo } from "./summary";

export * from "./report";

/** The sessions and profiles `status` can show, from the whole config. */
export async function summarizeConfig(
  config: AwsConfig,
): Promise<{ sessions: SsoSession[]; profiles: SummaryProfile[] }> {
  const sessions: SsoSession[] = [];
  for (const name of config.ssoSessions.keys()) {
    try {
      sessions.push(ssoSessionByName(config, name));
    } catch {
      // An incomplete [sso-session]: `portico config lint` reports it.
    }
  }
  const seenLegacy = new Set<string>();
  const profiles: SummaryProfile[] = [];
  let ordinal = 0;
  let assume: typeof import("../credentials/assume-role") | undefined;
  for (const [name, section] of config.profiles) {
    ordinal++;
    let sso: SummaryProfile["sso"] = null;
    try {
      const sp = ssoProfile(config, name);
      sso = [sp.session.kind === "sso-session" ? sp.session.sessionName! : null, sp.session.startUrl];
    } catch {
      sso = null;
    }
    const provider = providerOf(section, config.paths.credentialsFile);
    let key: string | null = null;
    let accountId = "";
    let roleName = "";
    if (provider === "sso") {
      const sessionName = nonEmptyValue(section.values, "sso_session");
      const startUrl = nonEmptyValue(section.values, "sso_start_url");
      if (sessionName === undefined && startUrl !== undefined && !seenLegacy.has(startUrl)) {
        seenLegacy.add(startUrl);
        try {
          sessions.push(ssoProfile(config, name).session);
        } catch {
          // incomplete legacy profile: `portico config lint` reports it
        }
      }
      accountId = nonEmptyValue(section.values, "sso_account_id") ?? "";
      roleName = nonEmptyValue(section.values, "sso_role_name") ?? "";
      if (sso !== null && accountId !== "" && roleName !== "")
        key = sha1Hex(
          roleCacheKeyMaterial(
            ssoRoleCacheKeyArgs({ accountId, roleName, sessionName, startUrl: startUrl ?? "" }),
          ),
        );
    } else if (provider === "assume-role" || provider === "assume-role-with-web-identity") {
      // The AWS CLI's assume-role cache key (docs/reference.md §2.3), the same for both providers.
      try {
        assume ??= await import("../credentials/assume-role");
        let material: string;
        let roleArn: string;
        if (provider === "assume-role") {
          const rc = assume.assumeRoleConfig(section);
          material = assume.assumeRoleKeyMaterial(rc);
          roleArn = rc.roleArn;
        } else {
          const wi = await import("../credentials/web-identity");
          const c = wi.webIdentityConfig(section);
          material = assume.assumeRoleKeyMaterial(wi.webIdentityKeyConfig(c));
          roleArn = c.roleArn;
        }
        const arn = parseRoleArn(roleArn);
        if (arn) {
          key = sha1Hex(material);
          accountId = arn.account;
          roleName = arn.role;
        }
      } catch {
        // an incomplete assume-role profile: `portico config lint` reports it
      }
    }
    if (key !== null || sso !== null)
      profiles.push({ profile: name, ordinal, key, accountId, roleName, sso });
  }
  return { sessions, profiles };
}

/** Both files' identities (undefined when either is not a readable regular file or missing config). */
export function configIdentity(paths: AwsPaths): { config: FileId; credentials: FileId | null } | undefined {
  const config = statId(paths.configFile);
  const credentials = statId(paths.credentialsFile);
  return config && credentials !== undefined ? { config, credentials } : undefined;
}

/** The first version's index file (status-<sha1 of both paths>.txt), replaced by the current one. */
function removeFirstIndex(paths: AwsPaths): void {
  const name = `status-${sha1Hex(JSON.stringify([paths.configFile, paths.credentialsFile]))}.txt`;
  try {
    builtin<typeof import("node:fs")>("node:fs").unlinkSync(
      `${paths.awsDir}/${FAST_PATH_INDEX_DIR.join("/")}/${name}`,
    );
  } catch {
    // not there
  }
}

/**
 * Everything `portico status` shows, read from files only. `identity` is both files' identity taken
 * before the config was loaded: when it is unchanged now and settled, the summary is kept in the
 * status index for the lean path.
 */
export async function collectStatus(
  deps: { env: NodeJS.ProcessEnv; now: () => Date; wallClock?: () => number },
  config: AwsConfig,
  identity?: { config: FileId; credentials: FileId | null },
): Promise<Status> {
  const { sessions, profiles } = await summarizeConfig(config);
  if (identity) {
    const after = configIdentity(config.paths);
    const wall = (deps.wallClock ?? Date.now)();
    if (
      after &&
      sameId(after.config, identity.config) &&
      sameId(after.credentials, identity.credentials) &&
      settled(identity.config, wall) &&
      settled(identity.credentials, wall)
    ) {
      writeIndexFile(
        statusIndexFile(config.paths),
        serializeSummary(config.paths, identity, sessions, profiles),
      );
      removeFirstIndex(config.paths);
    }
  }
  return statusFrom(
    memorySummary(sessions, profiles),
    syncStatusIo(config.paths),
    deps.env,
    deps.now(),
    config.paths.configFile,
  );
}
