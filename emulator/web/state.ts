/**
 * Browser-side state of the emulator's web pages, kept beside each store (not persisted: a restart
 * signs browsers out, as a real service restart of an in-memory session table would):
 * - web sessions (cookie `portico_session`): created before sign-in so the sign-in form already has
 *   a CSRF token bound to it, re-keyed at sign-in (no session fixation), dropped at sign-out;
 * - console sign-in tokens (`/federation?Action=getSigninToken`, 15 minutes, single use);
 * - console sessions (cookie `portico_console`) created by `/federation?Action=login`;
 * - password-setup invitations (`/invitation?token=…`, single use, invitation.ts).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "portico_session";
export const CONSOLE_COOKIE = "portico_console";
/** A sign-in token is valid for 15 minutes (docs/reference.md §6). */
export const SIGNIN_TOKEN_TTL_MS = 15 * 60_000;
const ANONYMOUS_TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 5_000;

export interface WebSession {
  id: string;
  csrf: string;
  userId?: string;
  expiresAt: number;
}

export interface SigninToken {
  accessKeyId: string;
  userId: string;
  accountId: string;
  roleName: string;
  /** Console session length in seconds (SessionDuration, 900–43200; default 3600 like AWS's 1 h). */
  sessionDuration: number;
  expiresAt: number;
}

export interface ConsoleSession {
  id: string;
  userId: string;
  accountId: string;
  roleName: string;
  accessKeyId: string;
  destination: string;
  issuer?: string;
  expiresAt: number;
}

export interface WebState {
  sessions: Map<string, WebSession>;
  signinTokens: Map<string, SigninToken>;
  consoleSessions: Map<string, ConsoleSession>;
  /** Invitation token → the user who may set a password with it. */
  invitations: Map<string, { userId: string; expiresAt: number }>;
  /** scrypt hash of a random secret, verified against when a user is unknown (equal timing). */
  decoyHash?: string;
  /** Failed sign-ins per (lower-cased) user name in the current window, known or not. */
  failures: Map<string, { count: number; expiresAt: number }>;
}

/** At most this many failed sign-ins per user name per window; then the name is refused until the window ends. */
export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_MS = 5 * 60_000;

const states = new WeakMap<object, WebState>();

export function webState(owner: object): WebState {
  let state = states.get(owner);
  if (!state) {
    state = {
      sessions: new Map(),
      signinTokens: new Map(),
      consoleSessions: new Map(),
      invitations: new Map(),
      failures: new Map(),
    };
    states.set(owner, state);
  }
  return state;
}

export const newSecret = (): string => randomBytes(32).toString("base64url");

/** Drop expired entries, and the oldest ones beyond the cap, so the tables stay bounded. */
export function prune<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  if (map.size < MAX_ENTRIES / 2) return;
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
  while (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

export function liveSession(state: WebState, id: string | undefined, now: number): WebSession | undefined {
  if (!id) return undefined;
  const session = state.sessions.get(id);
  if (!session) return undefined;
  if (session.expiresAt <= now) {
    state.sessions.delete(id);
    return undefined;
  }
  return session;
}

export function newAnonymousSession(state: WebState, now: number): WebSession {
  prune(state.sessions, now);
  const session: WebSession = { id: newSecret(), csrf: newSecret(), expiresAt: now + ANONYMOUS_TTL_MS };
  state.sessions.set(session.id, session);
  return session;
}

/** Sign-in: a fresh id and CSRF token replace the anonymous session's. */
export function signInSession(
  state: WebState,
  previous: WebSession | undefined,
  userId: string,
  now: number,
  ttlMs: number,
): WebSession {
  if (previous) state.sessions.delete(previous.id);
  prune(state.sessions, now);
  const session: WebSession = { id: newSecret(), csrf: newSecret(), userId, expiresAt: now + ttlMs };
  state.sessions.set(session.id, session);
  return session;
}

/** Constant-time CSRF comparison. */
export function csrfMatches(session: WebSession | undefined, token: string | null): boolean {
  if (!session || !token) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
