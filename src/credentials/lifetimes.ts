/**
 * The three lifetimes `portico whoami` reports, each named for what it is (pure):
 * - the access token: the ~1-hour OIDC token in ~/.aws/sso/cache (docs/reference.md §2.1);
 * - the sign-in session: how long that token can be refreshed. Its end is the refresh token's
 *   lifetime, which no cache records, so a refreshable session says "refreshable" and only the
 *   bound it cannot outlive (the client registration's expiry: no refresh without it); a session that
 *   cannot refresh ends with its access token;
 * - the role credentials (or other temporary credentials) the command used.
 */

export interface SignInSession {
  refreshable: boolean;
  /** Known only when the session cannot refresh: then it ends with the access token. */
  endsAt: Date | null;
  /** A refreshable session ends at the latest when its client registration expires. */
  endsAtLatest: Date | null;
  /** Why it cannot refresh (for people), when it cannot. */
  reason: string | null;
}

export interface Lifetimes {
  /** The cached access token's expiry; null when no token is cached (SSO profiles only). */
  accessTokenExpiresAt: Date | null;
  signInSession: SignInSession | null;
  /** The credentials' expiry; null for long-term keys. */
  credentialsExpireAt: Date | null;
  /** "Role credentials" for SSO and assumed roles, else "Credentials". */
  credentialsLabel: string;
  /** Whether the profile signs in through IAM Identity Center at all (only then the first two apply). */
  sso: boolean;
}

/** The sign-in session as the cached token shows it. */
export function signInSession(
  token: { expiresAt: Date; registrationExpiresAt?: Date },
  refreshable: boolean,
  legacy: boolean,
): SignInSession {
  if (refreshable)
    return { refreshable, endsAt: null, endsAtLatest: token.registrationExpiresAt ?? null, reason: null };
  return {
    refreshable,
    endsAt: token.expiresAt,
    endsAtLatest: null,
    reason: legacy
      ? "a profile without sso_session never refreshes"
      : "no usable refresh token or client registration in the cache",
  };
}

const secondsLeft = (d: Date | null, now: Date) =>
  d ? Math.max(0, Math.floor((d.getTime() - now.getTime()) / 1000)) : null;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** whoami --json fields (times as ISO 8601, seconds left clamped at 0). */
export function lifetimesJson(l: Lifetimes, now: Date): Record<string, unknown> {
  return {
    credentialsExpireAt: iso(l.credentialsExpireAt),
    credentialsSecondsLeft: secondsLeft(l.credentialsExpireAt, now),
    accessTokenExpiresAt: l.sso ? iso(l.accessTokenExpiresAt) : null,
    accessTokenSecondsLeft: l.sso ? secondsLeft(l.accessTokenExpiresAt, now) : null,
    signInSession: l.signInSession
      ? {
          refreshable: l.signInSession.refreshable,
          endsAt: iso(l.signInSession.endsAt),
          endsAtLatest: iso(l.signInSession.endsAtLatest),
        }
      : null,
  };
}

/** whoami's text rows, in the order a person reads them: token, sign-in session, credentials. */
export function lifetimeRows(
  l: Lifetimes,
  now: Date,
  duration: (ms: number) => string,
  loginCommand: string,
): [string, string][] {
  const until = (d: Date) => {
    const left = duration(d.getTime() - now.getTime());
    return left === "expired" ? `expired (${d.toISOString()})` : `expires in ${left} (${d.toISOString()})`;
  };
  const rows: [string, string][] = [];
  if (l.sso) {
    rows.push([
      "Access token",
      l.accessTokenExpiresAt ? until(l.accessTokenExpiresAt) : `none cached (${loginCommand})`,
    ]);
    const s = l.signInSession;
    if (s?.refreshable)
      rows.push([
        "Sign-in session",
        `refreshable; its end is not recorded locally${s.endsAtLatest ? ` (at the latest ${s.endsAtLatest.toISOString()}, when the client registration expires)` : ""}`,
      ]);
    else if (s?.endsAt)
      rows.push(["Sign-in session", `ends with the access token (${s.endsAt.toISOString()}): ${s.reason}`]);
  }
  rows.push([
    l.credentialsLabel,
    l.credentialsExpireAt ? until(l.credentialsExpireAt) : "long-term (no expiry)",
  ]);
  return rows;
}
