/**
 * Sign-in and sign-out. Passwords are checked with the store's scrypt hashes (emulator/passwords.ts);
 * a failure never says whether the user name or the password was wrong, an unknown user costs the
 * same scrypt work as a known one (no user enumeration by timing), and after MAX_FAILURES failures
 * a user name is refused (429) until its FAILURE_WINDOW_MS window ends.
 */
import { hashPassword, verifyPassword } from "../passwords";
import { html } from "./html";
import { clearCookie, safeNext, sessionCookie } from "./http";
import { ensureSession, frame, redirect, reply, trustedForm, type WebRequest } from "./request";
import { FAILURE_WINDOW_MS, MAX_FAILURES, newSecret, prune, SESSION_COOKIE, signInSession } from "./state";

/** Compared against when the user does not exist (or has no password), so both paths cost one scrypt. */
function decoy(r: WebRequest): string {
  r.state.decoyHash ??= hashPassword(newSecret());
  return r.state.decoyHash;
}

function signInPage(r: WebRequest, status: number, next: string, error?: string, userName = ""): void {
  const session = ensureSession(r);
  const signedOut = r.url.searchParams.get("signed_out") === "1";
  const body = html`<div class="card">
    <h1>Sign in</h1>
    <p class="muted">to the ${r.ctx.store.org.instance.name} access portal</p>
    ${signedOut && !error ? html`<div class="alert ok" role="status">You have been signed out.</div>` : ""}
    ${error ? html`<div class="alert error" role="alert">${error}</div>` : ""}
    <form method="post" action="/signin" autocomplete="on">
      <input type="hidden" name="csrf" value="${session.csrf}">
      <input type="hidden" name="next" value="${next}">
      <label for="username">Username</label>
      <input type="text" id="username" name="username" value="${userName}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
      <label for="password">Password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required>
      <button class="btn block" type="submit">Sign in</button>
    </form>
    <p class="small muted" style="margin-top:18px">Start URL<br><code>${r.ctx.store.org.instance.startUrl}</code></p>
  </div>`;
  reply(r, { status, body: frame(r, "Sign in", body, true) });
}

export function getSignIn(r: WebRequest): void {
  const next = safeNext(r.url.searchParams.get("next"));
  if (r.user) {
    redirect(r, next);
    return;
  }
  signInPage(r, 200, next);
}

export async function postSignIn(r: WebRequest): Promise<void> {
  const form = await trustedForm(r);
  if (!form) return;
  const next = safeNext(form.get("next"));
  const userName = (form.get("username") ?? "").trim();
  const password = form.get("password") ?? "";
  // Throttle guessing per user name (known or not, so the limit reveals nothing).
  const key = userName.toLowerCase().slice(0, 128);
  prune(r.state.failures, r.now);
  let failures = r.state.failures.get(key);
  if (failures && failures.expiresAt <= r.now) failures = undefined;
  if (failures && failures.count >= MAX_FAILURES) {
    signInPage(
      r,
      429,
      next,
      "Too many failed sign-in attempts. Wait a few minutes, then try again.",
      userName.slice(0, 128),
    );
    return;
  }
  const user = userName && userName.length <= 128 ? r.ctx.store.findUserByName(userName) : undefined;
  const hash = user?.passwordHash;
  const ok =
    verifyPassword(password.slice(0, 1024), hash ?? decoy(r)) && hash !== undefined && user !== undefined;
  if (!ok || !user) {
    r.state.failures.set(key, {
      count: (failures?.count ?? 0) + 1,
      expiresAt: failures?.expiresAt ?? r.now + FAILURE_WINDOW_MS,
    });
    signInPage(r, 401, next, "Incorrect username or password.", userName.slice(0, 128));
    return;
  }
  r.state.failures.delete(key);
  const ttlMs = r.ctx.store.lifetimes.session * 1000;
  const session = signInSession(r.state, r.session, user.userId, r.now, ttlMs);
  r.setCookies.push(sessionCookie(SESSION_COOKIE, session.id));
  redirect(r, next);
}

export async function postSignOut(r: WebRequest): Promise<void> {
  const form = await trustedForm(r);
  if (!form) return;
  if (r.session) r.state.sessions.delete(r.session.id);
  r.setCookies.push(clearCookie(SESSION_COOKIE));
  redirect(r, "/signin?signed_out=1");
}
