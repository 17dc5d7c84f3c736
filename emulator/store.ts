/**
 * The emulator's whole state: the organisation (`org`, emulator/model.ts) and the live protocol state
 * (OIDC client registrations, device and browser authorizations, sign-in sessions, tokens, issued role
 * credentials). Synchronous and clock-injected, so every protocol decision is testable without waiting.
 *
 * Secrets the emulator must recognise later (client secrets, access/refresh tokens, authorization and
 * device codes, role secret keys and session tokens) are kept only as SHA-256 lookup keys: a `--data`
 * snapshot never holds a usable secret. Mutations call `changed()`, which the running emulator turns
 * into a (coalesced) persistence write.
 */

import { newAccessKeyId, newUserCode, pkceChallenge, randomB64url, randomHex, sha256hex } from "./ids";
import type { Account, Lifetimes, Org, PermissionSet, User } from "./model";
import { defaultLifetimes } from "./model";

export interface ClientRegistration {
  clientId: string;
  secretHash: string;
  clientName: string;
  clientType: string;
  scopes: string[];
  redirectUris: string[];
  grantTypes: string[];
  issuerUrl?: string;
  /** The OIDC region the client registered in (clients are regional, like AWS). */
  region: string;
  /** True when issuerUrl names another instance: browser authorizations end in invalid_grant. */
  foreignIssuer?: boolean;
  issuedAt: number; // epoch ms
  expiresAt: number; // epoch ms
}

export type AuthorizationStatus = "pending" | "approved" | "denied" | "expired";

export interface DeviceAuthorization {
  deviceCodeHash: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  region: string;
  status: "pending" | "approved" | "denied";
  userId?: string;
  /** Set when the start URL or region does not belong to this instance (docs/reference.md §3.3). */
  error?: "invalid_grant";
  createdAt: number;
  expiresAt: number;
}

export interface AuthorizeRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  scopes: string[];
  region: string;
  status: "pending" | "approved" | "denied";
  userId?: string;
  createdAt: number;
  expiresAt: number;
}

export interface AuthorizationCode {
  codeHash: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scopes: string[];
  region: string;
  expiresAt: number;
  used: boolean;
  /** Session created when the code was redeemed (revoked if the code is replayed, RFC 6749 §4.1.2). */
  sessionId?: string;
}

/** One sign-in: what the refresh tokens of a client extend, until `expiresAt` (the --session-ttl). */
export interface SignInSession {
  sessionId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  region: string;
  startedAt: number;
  expiresAt: number;
  loggedOut?: boolean;
}

export interface AccessTokenRecord {
  sessionId: string;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  sessionId: string;
  clientId: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretHash: string;
  sessionTokenHash: string;
  userId: string;
  accountId: string;
  /** Permission-set name (kind "sso") or the IAM role name (kind "assume-role"). */
  roleName: string;
  /** The IAM role name the credentials belong to: AWSReservedSSO_<PS>_<suffix>. */
  iamRoleName: string;
  sessionName: string;
  expiration: number; // epoch ms
  kind: "sso" | "assume-role";
}

export interface LiveState {
  clients: Record<string, ClientRegistration>;
  devices: Record<string, DeviceAuthorization>; // by deviceCodeHash
  authorizeRequests: Record<string, AuthorizeRequest>;
  codes: Record<string, AuthorizationCode>; // by codeHash
  sessions: Record<string, SignInSession>;
  accessTokens: Record<string, AccessTokenRecord>; // by token hash
  refreshTokens: Record<string, RefreshTokenRecord>; // by token hash
  credentials: Record<string, IssuedCredentials>; // by access key id
}

export const emptyState = (): LiveState => ({
  clients: {},
  devices: {},
  authorizeRequests: {},
  codes: {},
  sessions: {},
  accessTokens: {},
  refreshTokens: {},
  credentials: {},
});

/** A refused store operation; `code` is stable (web pages and the control API map it to messages). */
export class StoreError extends Error {
  constructor(
    readonly code:
      | "not_found"
      | "expired"
      | "already_decided"
      | "invalid_grant"
      | "no_access"
      | "unknown_user"
      | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface StoreOptions {
  lifetimes?: Partial<Lifetimes>;
  now?: () => number;
  /** Authorization codes live this long (ms); AWS does not publish it, OAuth suggests ≤ 10 min. */
  codeLifetimeMs?: number;
}

/** Normalise a start URL for comparison: lower-case host, no fragment, no trailing slash. */
export function normalizeStartUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url.trim();
  }
}

export class EmulatorStore {
  org: Org;
  state: LiveState;
  lifetimes: Lifetimes;
  readonly now: () => number;
  /** Called after every mutation (persistence hook); set by the running emulator. */
  onChange: (() => void) | undefined;
  private readonly codeLifetimeMs: number;
  private index: OrgIndex | undefined;
  /** user code (no dash) → device code hash; rebuilt lazily, stale entries are checked on use. */
  private userCodes: Map<string, string> | undefined;

  constructor(org: Org, state: LiveState = emptyState(), options: StoreOptions = {}) {
    this.org = org;
    this.state = state;
    this.lifetimes = { ...defaultLifetimes, ...options.lifetimes };
    this.now = options.now ?? Date.now;
    this.codeLifetimeMs = options.codeLifetimeMs ?? 5 * 60_000;
  }

  /** Record that org or state changed: drops derived indexes and triggers persistence. */
  changed(): void {
    this.index = undefined;
    this.onChange?.();
  }

  // ---------------------------------------------------------------- organisation queries

  findUserByName(userName: string): User | undefined {
    return this.idx().usersByName.get(userName.toLowerCase());
  }

  userById(userId: string): User | undefined {
    return this.idx().usersById.get(userId);
  }

  accountById(accountId: string): Account | undefined {
    return this.idx().accountsById.get(accountId);
  }

  permissionSetByName(name: string): PermissionSet | undefined {
    return this.idx().psByName.get(name);
  }

  /** Accounts the user is assigned to (directly or through a group), in org order. */
  accountsForUser(userId: string): Account[] {
    const grants = this.idx().grants(userId);
    return this.org.accounts.filter((a) => grants.has(a.accountId));
  }

  /** Permission-set names the user holds in the account, in org order. */
  rolesForUser(userId: string, accountId: string): string[] {
    const names = this.idx().grants(userId).get(accountId);
    if (!names) return [];
    return this.org.permissionSets.filter((ps) => names.has(ps.name)).map((ps) => ps.name);
  }

  /** AWSReservedSSO_<PS>_<16 hex>, the role Identity Center provisions for a permission set. */
  iamRoleName(ps: PermissionSet): string {
    return `AWSReservedSSO_${ps.name}_${ps.roleSuffix}`;
  }

  // ---------------------------------------------------------------- role credentials

  /** Temporary credentials for an assigned role; StoreError "no_access" otherwise. */
  issueRoleCredentials(
    userId: string,
    accountId: string,
    roleName: string,
  ): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number } {
    const user = this.userById(userId);
    if (!user) throw new StoreError("unknown_user", "No such user");
    if (!this.rolesForUser(userId, accountId).includes(roleName))
      throw new StoreError("no_access", "No access");
    const ps = this.permissionSetByName(roleName)!;
    return this.mintCredentials({
      userId,
      accountId,
      roleName,
      iamRoleName: this.iamRoleName(ps),
      sessionName: user.userName,
      kind: "sso",
      ttlSeconds: this.lifetimes.roleCredentials,
    });
  }

  mintCredentials(
    spec: Omit<IssuedCredentials, "accessKeyId" | "secretHash" | "sessionTokenHash" | "expiration"> & {
      ttlSeconds: number;
    },
  ): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number } {
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = randomB64url(30);
    const sessionToken = `IQoJb3JpZ2luX2Vj${randomB64url(180)}`;
    // AWS expirations are whole seconds.
    const expiration = Math.floor((this.now() + spec.ttlSeconds * 1000) / 1000) * 1000;
    const { ttlSeconds: _ttl, ...rest } = spec;
    this.state.credentials[accessKeyId] = {
      ...rest,
      accessKeyId,
      secretHash: sha256hex(secretAccessKey),
      sessionTokenHash: sha256hex(sessionToken),
      expiration,
    };
    this.changed();
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  }

  lookupCredentials(
    accessKeyId: string,
  ): { userId: string; accountId: string; roleName: string; expiration: number } | undefined {
    const c = this.state.credentials[accessKeyId];
    if (!c) return undefined;
    return { userId: c.userId, accountId: c.accountId, roleName: c.roleName, expiration: c.expiration };
  }

  /** The full record, for STS and console federation (which also check secret / session token). */
  credentialRecord(accessKeyId: string): IssuedCredentials | undefined {
    return this.state.credentials[accessKeyId];
  }

  verifySessionToken(c: IssuedCredentials, sessionToken: string): boolean {
    return c.sessionTokenHash === sha256hex(sessionToken);
  }

  /** True when all three values belong to one issued, unexpired credential set. */
  verifyCredentials(accessKeyId: string, secretAccessKey: string, sessionToken: string): boolean {
    const c = this.state.credentials[accessKeyId];
    return (
      c !== undefined &&
      c.expiration > this.now() &&
      c.secretHash === sha256hex(secretAccessKey) &&
      c.sessionTokenHash === sha256hex(sessionToken)
    );
  }

  // ---------------------------------------------------------------- OIDC: clients

  registerClient(spec: Omit<ClientRegistration, "clientId" | "secretHash" | "issuedAt" | "expiresAt">): {
    clientId: string;
    clientSecret: string;
    issuedAt: number;
    expiresAt: number;
  } {
    const clientId = randomB64url(16);
    const clientSecret = `eyJraWQiOiJrZXktMSIsImFsZyI6IkhTMzg0In0.${randomB64url(96)}`;
    const issuedAt = Math.floor(this.now() / 1000) * 1000;
    const expiresAt = issuedAt + this.lifetimes.clientRegistration * 1000;
    this.state.clients[clientId] = {
      ...spec,
      clientId,
      secretHash: sha256hex(clientSecret),
      issuedAt,
      expiresAt,
    };
    this.changed();
    return { clientId, clientSecret, issuedAt, expiresAt };
  }

  /** The client if id and secret match and the registration has not expired. */
  authenticateClient(clientId: string, clientSecret: string): ClientRegistration | undefined {
    const c = this.state.clients[clientId];
    if (!c || c.secretHash !== sha256hex(clientSecret) || c.expiresAt <= this.now()) return undefined;
    return c;
  }

  // ---------------------------------------------------------------- OIDC: device authorization

  startDevice(
    client: ClientRegistration,
    startUrl: string,
    region: string,
  ): {
    deviceCode: string;
    userCode: string;
    expiresIn: number;
  } {
    const deviceCode = randomB64url(48);
    let userCode = newUserCode();
    while (this.findDevice(userCode)) userCode = newUserCode();
    const now = this.now();
    const foreign =
      normalizeStartUrl(startUrl) !== normalizeStartUrl(this.org.instance.startUrl) ||
      region !== this.org.instance.region;
    const rec: DeviceAuthorization = {
      deviceCodeHash: sha256hex(deviceCode),
      userCode,
      clientId: client.clientId,
      startUrl,
      region,
      status: "pending",
      createdAt: now,
      expiresAt: now + this.lifetimes.deviceCode * 1000,
      ...(foreign ? { error: "invalid_grant" as const } : {}),
    };
    this.state.devices[rec.deviceCodeHash] = rec;
    this.userCodes?.set(userCode.replace("-", ""), rec.deviceCodeHash);
    this.changed();
    return { deviceCode, userCode, expiresIn: this.lifetimes.deviceCode };
  }

  /** By user code, typed loosely (case, spaces and dashes ignored); O(1) through a derived index. */
  private findDevice(userCode: string): DeviceAuthorization | undefined {
    const want = userCode
      .trim()
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "");
    if (!this.userCodes) {
      this.userCodes = new Map();
      for (const d of Object.values(this.state.devices))
        this.userCodes.set(d.userCode.replace("-", ""), d.deviceCodeHash);
    }
    const hash = this.userCodes.get(want);
    const d = hash === undefined ? undefined : this.state.devices[hash];
    return d && d.userCode.replace("-", "") === want ? d : undefined;
  }

  deviceByUserCode(userCode: string):
    | {
        userCode: string;
        clientName: string;
        startUrl: string;
        status: AuthorizationStatus;
        expiresAt: number;
        error?: "invalid_grant";
      }
    | undefined {
    const d = this.findDevice(userCode);
    if (!d) return undefined;
    const status: AuthorizationStatus =
      d.status === "pending" && d.expiresAt <= this.now() ? "expired" : d.status;
    return {
      userCode: d.userCode,
      clientName: this.state.clients[d.clientId]?.clientName ?? "unknown client",
      startUrl: d.startUrl,
      status,
      expiresAt: d.expiresAt,
      ...(d.error ? { error: d.error } : {}),
    };
  }

  private pendingDevice(userCode: string): DeviceAuthorization {
    const d = this.findDevice(userCode);
    if (!d) throw new StoreError("not_found", "No such code");
    if (d.error) throw new StoreError("invalid_grant", "Invalid grant provided");
    if (d.status !== "pending") throw new StoreError("already_decided", `This code was already ${d.status}`);
    if (d.expiresAt <= this.now()) throw new StoreError("expired", "This code has expired");
    return d;
  }

  approveDevice(userCode: string, userId: string): void {
    if (!this.userById(userId)) throw new StoreError("unknown_user", "No such user");
    const d = this.pendingDevice(userCode);
    d.status = "approved";
    d.userId = userId;
    this.changed();
  }

  denyDevice(userCode: string): void {
    const d = this.pendingDevice(userCode);
    d.status = "denied";
    this.changed();
  }

  /** The device authorization a CreateToken poll names (by the secret device code). */
  deviceByCode(deviceCode: string): DeviceAuthorization | undefined {
    return this.state.devices[sha256hex(deviceCode)];
  }

  consumeDevice(d: DeviceAuthorization): void {
    delete this.state.devices[d.deviceCodeHash];
    this.userCodes?.delete(d.userCode.replace("-", ""));
    this.changed();
  }

  // ---------------------------------------------------------------- OIDC: browser (PKCE) authorization

  createAuthorizeRequest(
    spec: Omit<AuthorizeRequest, "id" | "status" | "createdAt" | "expiresAt">,
  ): AuthorizeRequest {
    const now = this.now();
    const req: AuthorizeRequest = {
      ...spec,
      id: randomHex(16),
      status: "pending",
      createdAt: now,
      expiresAt: now + this.lifetimes.deviceCode * 1000,
    };
    this.state.authorizeRequests[req.id] = req;
    this.changed();
    return req;
  }

  authorizeRequest(
    id: string,
  ):
    | { id: string; clientName: string; scopes: string[]; redirectUri: string; status: AuthorizationStatus }
    | undefined {
    const r = this.state.authorizeRequests[id];
    if (!r) return undefined;
    const status: AuthorizationStatus =
      r.status === "pending" && r.expiresAt <= this.now() ? "expired" : r.status;
    return {
      id: r.id,
      clientName: this.state.clients[r.clientId]?.clientName ?? "unknown client",
      scopes: [...r.scopes],
      redirectUri: r.redirectUri,
      status,
    };
  }

  private pendingAuthorize(id: string): AuthorizeRequest {
    const r = this.state.authorizeRequests[id];
    if (!r) throw new StoreError("not_found", "No such authorization request");
    if (r.status !== "pending")
      throw new StoreError("already_decided", `This request was already ${r.status}`);
    if (r.expiresAt <= this.now()) throw new StoreError("expired", "This authorization request has expired");
    return r;
  }

  /** Approve a browser authorization as the user: returns the redirect URL carrying code and state. */
  approveAuthorize(id: string, userId: string): string {
    if (!this.userById(userId)) throw new StoreError("unknown_user", "No such user");
    const r = this.pendingAuthorize(id);
    r.status = "approved";
    r.userId = userId;
    const code = this.issueCode(r, userId);
    return redirectWith(r.redirectUri, { code, state: r.state });
  }

  /** Deny a browser authorization: returns the redirect URL with error=access_denied (RFC 6749 §4.1.2.1). */
  denyAuthorize(id: string): string {
    const r = this.pendingAuthorize(id);
    r.status = "denied";
    this.changed();
    return redirectWith(r.redirectUri, {
      error: "access_denied",
      error_description: "The user denied the authorization request",
      state: r.state,
    });
  }

  /** A single-use authorization code for an approved request (also used by --auto-approve). */
  issueCode(
    r: Pick<AuthorizeRequest, "clientId" | "redirectUri" | "codeChallenge" | "scopes" | "region">,
    userId: string,
  ): string {
    const code = randomB64url(32);
    this.state.codes[sha256hex(code)] = {
      codeHash: sha256hex(code),
      clientId: r.clientId,
      redirectUri: r.redirectUri,
      codeChallenge: r.codeChallenge,
      userId,
      scopes: [...r.scopes],
      region: r.region,
      expiresAt: this.now() + this.codeLifetimeMs,
      used: false,
    };
    this.changed();
    return code;
  }

  codeRecord(code: string): AuthorizationCode | undefined {
    return this.state.codes[sha256hex(code)];
  }

  /** PKCE S256 check (RFC 7636 §4.6). */
  verifierMatches(rec: AuthorizationCode, verifier: string): boolean {
    return pkceChallenge(verifier) === rec.codeChallenge;
  }

  // ---------------------------------------------------------------- sessions and tokens

  /** Start a sign-in session and issue its first tokens. */
  startSession(
    client: ClientRegistration,
    userId: string,
    scopes: string[],
  ): TokenGrant & { sessionId: string } {
    const now = this.now();
    const session: SignInSession = {
      sessionId: randomHex(16),
      userId,
      clientId: client.clientId,
      scopes,
      region: client.region,
      startedAt: now,
      expiresAt: now + this.lifetimes.session * 1000,
    };
    this.state.sessions[session.sessionId] = session;
    return { ...this.issueTokens(client, session), sessionId: session.sessionId };
  }

  /** A refresh token is issued when the client asked for scopes or the refresh_token grant (as AWS). */
  private issueTokens(client: ClientRegistration, session: SignInSession): TokenGrant {
    const now = this.now();
    const remaining = Math.floor((session.expiresAt - now) / 1000);
    const expiresIn = Math.max(1, Math.min(this.lifetimes.accessToken, remaining));
    const accessToken = `aoa${randomB64url(48)}`;
    this.state.accessTokens[sha256hex(accessToken)] = {
      sessionId: session.sessionId,
      expiresAt: now + expiresIn * 1000,
    };
    let refreshToken: string | undefined;
    if (client.scopes.length > 0 || client.grantTypes.includes("refresh_token")) {
      refreshToken = `aor${randomB64url(64)}`;
      this.state.refreshTokens[sha256hex(refreshToken)] = {
        sessionId: session.sessionId,
        clientId: client.clientId,
      };
    }
    this.changed();
    return refreshToken ? { accessToken, expiresIn, refreshToken } : { accessToken, expiresIn };
  }

  /**
   * Refresh with rotation: the presented refresh token is consumed and a new one issued; the session's
   * end does not move (--session-ttl bounds the whole sign-in, as AWS's session duration does).
   */
  refresh(client: ClientRegistration, refreshToken: string): TokenGrant | undefined {
    const key = sha256hex(refreshToken);
    const rec = this.state.refreshTokens[key];
    if (!rec || rec.clientId !== client.clientId) return undefined;
    const session = this.state.sessions[rec.sessionId];
    if (!session || session.loggedOut || session.expiresAt <= this.now()) return undefined;
    delete this.state.refreshTokens[key];
    return this.issueTokens(client, session);
  }

  /** The live session behind a bearer token, or undefined (unknown, expired, logged out). */
  sessionForAccessToken(token: string): SignInSession | undefined {
    const rec = this.state.accessTokens[sha256hex(token)];
    if (!rec || rec.expiresAt <= this.now()) return undefined;
    const session = this.state.sessions[rec.sessionId];
    if (!session || session.loggedOut || session.expiresAt <= this.now()) return undefined;
    if (!this.userById(session.userId)) return undefined; // user deleted since
    return session;
  }

  /** Logout / code replay: every access and refresh token of the session stops working. */
  endSession(sessionId: string): void {
    const s = this.state.sessions[sessionId];
    if (s) s.loggedOut = true;
    for (const [k, v] of Object.entries(this.state.accessTokens))
      if (v.sessionId === sessionId) delete this.state.accessTokens[k];
    for (const [k, v] of Object.entries(this.state.refreshTokens))
      if (v.sessionId === sessionId) delete this.state.refreshTokens[k];
    this.changed();
  }

  /** Drop what can never be used again (expired codes, tokens, sessions, credentials). */
  sweep(): void {
    const now = this.now();
    const s = this.state;
    let removed = 0;
    const drop = (rec: Record<string, unknown>, key: string): void => {
      delete rec[key];
      removed++;
    };
    for (const [k, v] of Object.entries(s.devices))
      if (v.expiresAt + 3600_000 < now) {
        drop(s.devices, k);
        this.userCodes?.delete(v.userCode.replace("-", ""));
      }
    for (const [k, v] of Object.entries(s.authorizeRequests))
      if (v.expiresAt + 3600_000 < now) drop(s.authorizeRequests, k);
    for (const [k, v] of Object.entries(s.codes)) if (v.expiresAt + 3600_000 < now) drop(s.codes, k);
    for (const [k, v] of Object.entries(s.accessTokens)) if (v.expiresAt < now) drop(s.accessTokens, k);
    for (const [k, v] of Object.entries(s.sessions)) if (v.expiresAt < now) drop(s.sessions, k);
    for (const [k, v] of Object.entries(s.refreshTokens))
      if (!s.sessions[v.sessionId]) drop(s.refreshTokens, k);
    for (const [k, v] of Object.entries(s.credentials))
      if (v.expiration + 3600_000 < now) drop(s.credentials, k);
    for (const [k, v] of Object.entries(s.clients)) if (v.expiresAt < now) drop(s.clients, k);
    if (removed > 0) this.changed();
  }

  // ---------------------------------------------------------------- derived index

  private idx(): OrgIndex {
    if (!this.index) this.index = new OrgIndex(this.org);
    return this.index;
  }
}

function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/** Lookups derived from the org, rebuilt lazily after any change (assignments fan out through groups). */
class OrgIndex {
  readonly usersByName = new Map<string, User>();
  readonly usersById = new Map<string, User>();
  readonly accountsById = new Map<string, Account>();
  readonly psByName = new Map<string, PermissionSet>();
  private readonly psByArn = new Map<string, PermissionSet>();
  private readonly groupsOfUser = new Map<string, Set<string>>();
  private readonly byPrincipal = new Map<string, { accountId: string; psArn: string }[]>();
  private readonly grantCache = new Map<string, Map<string, Set<string>>>();

  constructor(org: Org) {
    for (const u of org.users) {
      this.usersByName.set(u.userName.toLowerCase(), u);
      this.usersById.set(u.userId, u);
    }
    for (const a of org.accounts) this.accountsById.set(a.accountId, a);
    for (const ps of org.permissionSets) {
      this.psByName.set(ps.name, ps);
      this.psByArn.set(ps.permissionSetArn, ps);
    }
    for (const m of org.memberships) {
      let set = this.groupsOfUser.get(m.userId);
      if (!set) {
        set = new Set();
        this.groupsOfUser.set(m.userId, set);
      }
      set.add(m.groupId);
    }
    for (const a of org.assignments) {
      const key = `${a.principalType}:${a.principalId}`;
      let list = this.byPrincipal.get(key);
      if (!list) {
        list = [];
        this.byPrincipal.set(key, list);
      }
      list.push({ accountId: a.accountId, psArn: a.permissionSetArn });
    }
  }

  /** accountId → permission-set names, for one user (direct + group assignments). */
  grants(userId: string): Map<string, Set<string>> {
    const cached = this.grantCache.get(userId);
    if (cached) return cached;
    const out = new Map<string, Set<string>>();
    const add = (list: { accountId: string; psArn: string }[] | undefined): void => {
      for (const g of list ?? []) {
        const ps = this.psByArn.get(g.psArn);
        if (!ps || !this.accountsById.has(g.accountId)) continue;
        let names = out.get(g.accountId);
        if (!names) {
          names = new Set();
          out.set(g.accountId, names);
        }
        names.add(ps.name);
      }
    };
    add(this.byPrincipal.get(`USER:${userId}`));
    for (const groupId of this.groupsOfUser.get(userId) ?? []) add(this.byPrincipal.get(`GROUP:${groupId}`));
    this.grantCache.set(userId, out);
    return out;
  }
}
