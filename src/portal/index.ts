/** The access-portal API, one home (docs/architecture.md): client, error mapping, pacing, types. */
export { displayAccount, sortAccounts } from "./accounts";
export {
  getRoleCredentials,
  listAccountsAndRoles,
  mapLimit,
  type OpenPortalOptions,
  openPortal,
  PORTAL_CLIENT,
  type Portal,
  portalLogout,
} from "./client";
export { classifyPortalFailure, type PortalFailure, portalError, retryAfterMs } from "./errors";
export { createPacedRunner, type PacedOptions, type PacedRunner, type PacerStats } from "./paced";
export type { Page, PortalAccount, PortalAccountWithRoles, PortalTarget, RoleCredentials } from "./types";
