/**
 * The types of the access-portal API (docs/reference.md §4), one set for every caller: the wizard's
 * pickers, `portico accounts`, `portico sync`, credential resolution and logout.
 */

/** Where portal calls go, and what a sign-in hint names. */
export interface PortalTarget {
  /** sso_region of the session. */
  region: string;
  env: NodeJS.ProcessEnv;
  /** The `portico login …` arguments to name in a sign-in hint, e.g. `--profile dev`. */
  loginArgs: string;
  /** Tests only: a shorter per-attempt time-out than PORTAL_CLIENT.timeoutMs. */
  requestTimeoutMs?: number;
  /** Tests only: fewer attempts than PORTAL_CLIENT.attempts (the first included). */
  maxAttempts?: number;
}

/** One account as ListAccounts returns it (name and email may be missing). */
export interface PortalAccount {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
}

export interface PortalAccountWithRoles extends PortalAccount {
  /** Role (permission set) names, sorted. */
  roles: string[];
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}
