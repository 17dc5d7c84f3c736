/** The portico library: its public surface (re-exports only). */
export { ExitCode, isPorticoError, PorticoError } from "./errors";
export { writeFileAtomic } from "./platform/files";
export { withFileLock } from "./platform/lock";
export type { LoginIo, LoginOptions, LoginResult } from "./sso/login";
export { login } from "./sso/login";
export { logoutAll, logoutSession } from "./sso/logout";
export type { SsoProfile, SsoSession } from "./sso/session";
export { ssoProfile, ssoSessionByName, ssoSessionForProfile } from "./sso/session";
export type { SsoDeps } from "./sso/token-provider";
export { getSsoToken, readCachedToken } from "./sso/token-provider";
