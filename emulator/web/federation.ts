/**
 * Console federation (docs/reference.md §6), emulated:
 * - `GET /federation?Action=getSigninToken&Session=<json>[&SessionDuration=s]` → `{"SigninToken": …}`
 *   for role credentials this emulator issued (all three values must match, unexpired); valid 15 min.
 * - `GET /federation?Action=login&Issuer=…&Destination=…&SigninToken=…` → 302 to `/console`, the
 *   emulator's console landing page, with a console-session cookie. Tokens are single use.
 * - `GET /oauth?Action=logout&redirect_uri=…` → ends the browser's console session (cookie and
 *   server record), then 302 to `redirect_uri` when it is this emulator's own `/federation?Action=login`
 *   URL (the logout-then-redirect step of the URL `portico console` prints), else a "signed out" page.
 * Destination and Issuer are only displayed, never redirected to (no open redirect).
 */

import type { EmulatorStore } from "../store";
import { html } from "./html";
import { clearCookie, sessionCookie } from "./http";
import { frame, redirect, reply, showMessage, type WebRequest } from "./request";
import { CONSOLE_COOKIE, newSecret, prune, SIGNIN_TOKEN_TTL_MS, type WebState } from "./state";

const DEFAULT_SESSION_SECONDS = 3600;

function fail(r: WebRequest, status: number, message: string): void {
  reply(r, { status, body: JSON.stringify({ Error: message }), contentType: "application/json" });
}

/** Mints a sign-in token for issued credentials (also used by the portal's "Management console" link). */
export function issueSigninToken(
  state: WebState,
  store: EmulatorStore,
  accessKeyId: string,
  sessionDuration: number,
  now: number,
): string | undefined {
  const record = store.lookupCredentials(accessKeyId);
  if (!record || record.expiration <= now) return undefined;
  prune(state.signinTokens, now);
  const token = newSecret() + newSecret();
  state.signinTokens.set(token, {
    accessKeyId,
    userId: record.userId,
    accountId: record.accountId,
    roleName: record.roleName,
    sessionDuration,
    expiresAt: now + SIGNIN_TOKEN_TTL_MS,
  });
  return token;
}

function getSigninToken(r: WebRequest): void {
  const raw = r.url.searchParams.get("Session");
  if (!raw) {
    fail(r, 400, "Session is required: a JSON object with sessionId, sessionKey and sessionToken.");
    return;
  }
  let session: unknown;
  try {
    session = JSON.parse(raw);
  } catch {
    fail(r, 400, "Session is not valid JSON.");
    return;
  }
  const s = (typeof session === "object" && session !== null ? session : {}) as Record<string, unknown>;
  const { sessionId, sessionKey, sessionToken } = s;
  if (typeof sessionId !== "string" || typeof sessionKey !== "string" || typeof sessionToken !== "string") {
    fail(r, 400, "Session must contain the strings sessionId, sessionKey and sessionToken.");
    return;
  }
  let duration = DEFAULT_SESSION_SECONDS;
  const rawDuration = r.url.searchParams.get("SessionDuration");
  if (rawDuration !== null) {
    duration = Number(rawDuration);
    if (!/^\d+$/.test(rawDuration) || duration < 900 || duration > 43_200) {
      fail(r, 400, "SessionDuration must be between 900 and 43200 seconds.");
      return;
    }
  }
  if (!r.ctx.store.verifyCredentials(sessionId, sessionKey, sessionToken)) {
    fail(r, 403, "The credentials are invalid or expired.");
    return;
  }
  const token = issueSigninToken(r.state, r.ctx.store, sessionId, duration, r.now);
  if (!token) {
    fail(r, 403, "The credentials are invalid or expired.");
    return;
  }
  reply(r, { status: 200, body: JSON.stringify({ SigninToken: token }), contentType: "application/json" });
}

function login(r: WebRequest): void {
  const q = r.url.searchParams;
  const token = q.get("SigninToken") ?? "";
  const destination = q.get("Destination") ?? "";
  const issuer = q.get("Issuer") ?? undefined;
  let destinationUrl: URL | undefined;
  try {
    destinationUrl = new URL(destination);
  } catch {
    destinationUrl = undefined;
  }
  if (!destinationUrl || (destinationUrl.protocol !== "https:" && destinationUrl.protocol !== "http:")) {
    showMessage(
      r,
      400,
      "bad",
      "Invalid destination",
      "Destination must be an absolute https URL of the console.",
    );
    return;
  }
  const record = r.state.signinTokens.get(token);
  r.state.signinTokens.delete(token);
  if (!record || record.expiresAt <= r.now) {
    showMessage(
      r,
      403,
      "bad",
      "Sign-in link expired",
      "This console sign-in link is invalid, already used or older than 15 minutes. Open the console again from the access portal.",
    );
    return;
  }
  prune(r.state.consoleSessions, r.now);
  const id = newSecret();
  r.state.consoleSessions.set(id, {
    id,
    userId: record.userId,
    accountId: record.accountId,
    roleName: record.roleName,
    accessKeyId: record.accessKeyId,
    destination: destinationUrl.toString(),
    ...(issuer ? { issuer: issuer.slice(0, 2048) } : {}),
    expiresAt: r.now + record.sessionDuration * 1000,
  });
  r.setCookies.push(sessionCookie(CONSOLE_COOKIE, id, record.sessionDuration));
  redirect(r, "/console");
}

export function getFederation(r: WebRequest): void {
  const action = r.url.searchParams.get("Action");
  if (action === "getSigninToken") {
    getSigninToken(r);
    return;
  }
  if (action === "login") {
    login(r);
    return;
  }
  fail(r, 400, "Action must be getSigninToken or login.");
}

/** The emulated "AWS Management Console" landing page. */
export function getConsole(r: WebRequest): void {
  const id = r.cookies.get(CONSOLE_COOKIE);
  const session = id ? r.state.consoleSessions.get(id) : undefined;
  if (!session || session.expiresAt <= r.now) {
    showMessage(
      r,
      401,
      "bad",
      "Console session expired",
      html`You are not signed in to the console. Open it again from the <a href="/start">access portal</a>.`,
    );
    return;
  }
  const store = r.ctx.store;
  const user = store.userById(session.userId);
  const account = store.accountById(session.accountId);
  const ps = store.permissionSetByName(session.roleName);
  const iamRole = ps ? store.iamRoleName(ps) : session.roleName;
  const userName = user?.userName ?? "(deleted user)";
  const arn = `arn:aws:sts::${session.accountId}:assumed-role/${iamRole}/${userName}`;
  const issuerLink = session.issuer?.startsWith(`${r.ctx.baseUrl}/`)
    ? html`<a href="${session.issuer}">${session.issuer}</a>`
    : (session.issuer ?? "—");
  const body = html`<div class="console-hero">
      <p class="muted small">AWS Management Console · emulated</p>
      <h1>Console Home</h1>
      <p class="muted">Signed in as <strong>${iamRole}/${userName}</strong> in account ${account?.accountName ?? session.accountId}</p>
    </div>
    <div class="card">
      <h2 style="margin-top:0">Federated session</h2>
      <dl class="kv">
        <dt>Account</dt><dd>${account ? `${account.accountName} (${account.accountId})` : session.accountId}</dd>
        <dt>Role</dt><dd>${session.roleName} <span class="muted small">(${iamRole})</span></dd>
        <dt>User</dt><dd>${userName}${user?.displayName ? html` <span class="muted small">(${user.displayName})</span>` : ""}</dd>
        <dt>Identity</dt><dd><code>${arn}</code></dd>
        <dt>Destination</dt><dd><code>${session.destination}</code></dd>
        <dt>Issuer</dt><dd>${issuerLink}</dd>
        <dt>Session ends</dt><dd>${new Date(session.expiresAt).toISOString()}</dd>
      </dl>
      <p class="small muted">A real sign-in would now open the destination above in the AWS console. The emulator stops here.</p>
      <p><a class="btn secondary" href="/start">Back to the access portal</a></p>
    </div>`;
  reply(r, { status: 200, body: frame(r, "Console Home", body) });
}

/** The console sign-out endpoint, followed by the federation login when it is ours (see module comment). */
export function getOauth(r: WebRequest): void {
  if (r.url.searchParams.get("Action") !== "logout") {
    fail(r, 400, "Action must be logout.");
    return;
  }
  const id = r.cookies.get(CONSOLE_COOKIE);
  if (id) r.state.consoleSessions.delete(id);
  r.setCookies.push(clearCookie(CONSOLE_COOKIE));
  const next = r.url.searchParams.get("redirect_uri") ?? "";
  let target: URL | undefined;
  try {
    target = new URL(next);
  } catch {
    target = undefined;
  }
  const own = new URL(r.ctx.baseUrl);
  if (
    target &&
    target.origin === own.origin &&
    target.pathname === "/federation" &&
    target.searchParams.get("Action") === "login"
  ) {
    redirect(r, `${target.pathname}${target.search}`);
    return;
  }
  showMessage(r, 200, "ok", "Signed out", "You have signed out of the console.");
}
