/**
 * The key of an SSO profile's role credentials in the AWS CLI's cache (docs/reference.md §2.3;
 * botocore `SSOCredentialFetcher._create_cache_key`) — the one place it is derived, used by credential
 * resolution, the credential_process fast path and logout. Pure, no Node built-ins (the fast path
 * hashes it with @noble/hashes, the others with node:crypto).
 */
import { pyDumps } from "../platform/pyjson";

export type RoleCacheKeyArgs =
  | { accountId: string; roleName: string; sessionName: string }
  | { accountId: string; roleName: string; startUrl: string };

/**
 * The one rule for an SSO profile's key arguments (§2.3): a profile with `sso_session` is keyed by the
 * session's name, a legacy profile by its start URL. Used by resolution, the credential_process fast
 * path and logout.
 */
export function ssoRoleCacheKeyArgs(p: {
  accountId: string;
  roleName: string;
  /** The profile's sso_session, if it names one. */
  sessionName?: string | undefined;
  /** The start URL (legacy profiles). */
  startUrl: string;
}): RoleCacheKeyArgs {
  return p.sessionName !== undefined
    ? { accountId: p.accountId, roleName: p.roleName, sessionName: p.sessionName }
    : { accountId: p.accountId, roleName: p.roleName, startUrl: p.startUrl };
}

/**
 * What the CLI hashes for the key: `json.dumps(args, sort_keys=True, separators=(",", ":"))` with args
 * {accountId, roleName, sessionName} (sso-session) or {accountId, roleName, startUrl} (legacy).
 * The key is the sha1 hex of these UTF-8 bytes (the CLI's `:`/path-separator replacement never applies to hex).
 */
export function roleCacheKeyMaterial(args: RoleCacheKeyArgs): string {
  const plain: Record<string, string> =
    "sessionName" in args
      ? { accountId: args.accountId, roleName: args.roleName, sessionName: args.sessionName }
      : { accountId: args.accountId, roleName: args.roleName, startUrl: args.startUrl };
  return pyDumps(plain, { sortKeys: true, separators: [",", ":"] });
}
