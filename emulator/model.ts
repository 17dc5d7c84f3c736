/**
 * The emulated organisation and its live state: the contract shared by every part of the emulator
 * (wire APIs, admin APIs, web pages, control API, persistence). Plain data, JSON-serialisable,
 * so `--data FILE` can snapshot it whole.
 */

export interface Instance {
  /** arn:aws:sso:::instance/ssoins-<16 hex> */
  instanceArn: string;
  /** d-<10 hex> */
  identityStoreId: string;
  /** The access portal URL clients configure (never contacted). */
  startUrl: string;
  /** The Identity Center region; OIDC/portal calls for any other region fail like AWS. */
  region: string;
  ownerAccountId: string;
  name: string;
  createdDate: number; // epoch seconds
}

export interface Account {
  accountId: string; // 12 digits
  accountName: string;
  emailAddress: string;
}

export interface User {
  userId: string;
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  email?: string;
  /** scrypt hash "scrypt$<salt b64>$<hash b64>"; never the password itself. Absent: cannot sign in. */
  passwordHash?: string;
  createdAt: number;
}

export interface Group {
  groupId: string;
  displayName: string;
  description?: string;
  createdAt: number;
}

export interface GroupMembership {
  membershipId: string;
  groupId: string;
  userId: string;
}

export interface PermissionSet {
  permissionSetArn: string;
  name: string;
  description?: string;
  /** ISO-8601 duration, e.g. PT8H */
  sessionDuration: string;
  relayState?: string;
  createdDate: number;
  managedPolicies: string[];
  inlinePolicy?: string;
  /** 16 lower-case hex: the suffix of AWSReservedSSO_<name>_<suffix>; stable per permission set. */
  roleSuffix: string;
}

export interface AccountAssignment {
  accountId: string;
  permissionSetArn: string;
  principalType: "USER" | "GROUP";
  principalId: string;
}

export interface Org {
  instance: Instance;
  accounts: Account[];
  users: User[];
  groups: Group[];
  memberships: GroupMembership[];
  permissionSets: PermissionSet[];
  assignments: AccountAssignment[];
}

/** Lifetimes in seconds (CLI flags --access-token-ttl etc.). */
export interface Lifetimes {
  accessToken: number; // default 3600 * 8? AWS: 1 h access token; session (refresh) 8 h
  session: number;
  roleCredentials: number;
  deviceCode: number;
  clientRegistration: number;
}

export const defaultLifetimes: Lifetimes = {
  accessToken: 3600,
  session: 8 * 3600,
  roleCredentials: 3600,
  deviceCode: 600,
  clientRegistration: 90 * 24 * 3600,
};
