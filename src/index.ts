/** The portico library: its public surface (re-exports only). */

export type { ParsedConfig, RawConfig } from "./config/botocore";
export {
  buildProfileMap,
  parseConfigText,
  rawConfigToJson,
  scanRefusal,
  shlexSplit,
} from "./config/botocore";
export type { ProfileKind, ProfileSummary } from "./config/describe";
export { profileKind, summarizeProfile } from "./config/describe";
export { ConfigDocument } from "./config/document";
export type { ConfigEditor, SectionRef } from "./config/edit";
export { createEditor, editConfigFile } from "./config/edit";
export type { LintFinding } from "./config/lint";
export { lintFiles } from "./config/lint";
export type { AwsConfig, ConfigWarning, SectionView } from "./config/load";
export { loadAwsConfig } from "./config/load";
export type { AwsPaths } from "./config/paths";
export { awsPaths, resolveProfileName, resolveRegion } from "./config/paths";
export { sdkJsWarnings } from "./config/sdkjs";
export type { RoleCacheKeyArgs } from "./credentials/cache";
export {
  isFresh,
  parseCacheEntry,
  readCachedRoleCredentials,
  roleCacheFile,
  roleCacheKey,
  serializeCacheEntry,
  writeCachedRoleCredentials,
} from "./credentials/cache";
export { writeCredentialsSection } from "./credentials/credentials-file";
export { childEnv, runWithCredentials } from "./credentials/exec";
export { credentialProcessFromCache, tryCredentialProcessFastPath } from "./credentials/fast-path";
export type { CredentialFormat } from "./credentials/format";
export {
  CREDENTIAL_FORMATS,
  credentialEnv,
  formatCredentialProcess,
  formatCredentials,
  pythonIsoformat,
} from "./credentials/format";
export type { CallerIdentity, ParsedSsoArn } from "./credentials/identity";
export { getCallerIdentity, parseAssumedRoleArn } from "./credentials/identity";
export type { CredentialDeps, ResolveOptions } from "./credentials/resolve";
export { credentialsFromEnv, resolveCredentials, resolveSsoCredentials } from "./credentials/resolve";
export type { AwsCredentials, CredentialSource, ResolvedCredentials } from "./credentials/types";
export { type ErrorCode, ExitCode, errorCodes, isPorticoError, PorticoError } from "./errors";
export { writeFileAtomic } from "./platform/files";
export { withFileLock } from "./platform/lock";
export type { Portal, PortalAccount, PortalAccountWithRoles, PortalTarget } from "./portal/index";
export { getRoleCredentials, listAccountsAndRoles, openPortal } from "./portal/index";
export type { LoginIo, LoginOptions, LoginResult } from "./sso/login";
export { login } from "./sso/login";
export { logoutAll, logoutSession } from "./sso/logout";
export type { SsoProfile, SsoSession } from "./sso/session";
export { ssoProfile, ssoSessionByName, ssoSessionForProfile } from "./sso/session";
export type { SsoDeps } from "./sso/token-provider";
export { getSsoToken, readCachedToken } from "./sso/token-provider";
export type { DiscoveredAccount, PlanInput, SyncPlan } from "./sync/plan";
export { planSync } from "./sync/plan";
export type { SyncOptions, SyncResult } from "./sync/sync";
export { runSync, writeSyncPlan } from "./sync/sync";
export { parseTemplate } from "./sync/template";
