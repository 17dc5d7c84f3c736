/**
 * The invitation a new user follows to set a password (what the real service sends by email to a user
 * an administrator created; identitystore itself has no passwords, docs/reference.md §7.1): the
 * control API (`POST /_emulator/invite {"user": NAME}`, emulator/server.ts) mints a single-use link
 * `/invitation?token=…` valid for 7 days; the page asks for the password twice, stores only its scrypt
 * hash (emulator/passwords.ts), signs the user in and opens the access portal.
 */

import { hashPassword } from "../passwords";
import type { EmulatorStore } from "../store";
import { html } from "./html";
import { sessionCookie } from "./http";
import { ensureSession, frame, redirect, reply, showMessage, trustedForm, type WebRequest } from "./request";
import { newSecret, prune, SESSION_COOKIE, signInSession, webState } from "./state";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const MIN_PASSWORD = 8;

/** A fresh single-use invitation for `userId`: the path to open. */
export function inviteUser(store: EmulatorStore, userId: string, now: number): string {
  const state = webState(store);
  prune(state.invitations, now);
  const token = newSecret();
  state.invitations.set(token, { userId, expiresAt: now + INVITATION_TTL_MS });
  return `/invitation?token=${token}`;
}

function live(r: WebRequest, token: string) {
  const inv = token ? r.state.invitations.get(token) : undefined;
  if (!inv || inv.expiresAt <= r.now) return undefined;
  const user = r.ctx.store.userById(inv.userId);
  return user ? { inv, user } : undefined;
}

function expired(r: WebRequest): void {
  showMessage(
    r,
    404,
    "bad",
    "This invitation is no longer valid",
    html`It was used already or has expired. Ask your administrator for a new one, or <a href="/signin">sign in</a>.`,
  );
}

function passwordPage(r: WebRequest, status: number, token: string, userName: string, error?: string): void {
  const session = ensureSession(r);
  const body = html`<div class="card">
    <h1>Set up your password</h1>
    <p class="muted">Welcome, ${userName}. Choose a password for the ${r.ctx.store.org.instance.name} access portal.</p>
    ${error ? html`<div class="alert error" role="alert">${error}</div>` : ""}
    <form method="post" action="/invitation">
      <input type="hidden" name="csrf" value="${session.csrf}">
      <input type="hidden" name="token" value="${token}">
      <label for="new-password">New password</label>
      <input type="password" id="new-password" name="password" autocomplete="new-password" minlength="${String(MIN_PASSWORD)}" required autofocus>
      <label for="confirm-password">Confirm password</label>
      <input type="password" id="confirm-password" name="confirm" autocomplete="new-password" required>
      <button class="btn block" type="submit">Set new password</button>
    </form>
  </div>`;
  reply(r, { status, body: frame(r, "Set up your password", body, true) });
}

export function getInvitation(r: WebRequest): void {
  const token = (r.url.searchParams.get("token") ?? "").slice(0, 128);
  const hit = live(r, token);
  if (!hit) {
    expired(r);
    return;
  }
  passwordPage(r, 200, token, hit.user.userName);
}

export async function postInvitation(r: WebRequest): Promise<void> {
  const form = await trustedForm(r);
  if (!form) return;
  const token = (form.get("token") ?? "").slice(0, 128);
  const hit = live(r, token);
  if (!hit) {
    expired(r);
    return;
  }
  const password = form.get("password") ?? "";
  if (password.length < MIN_PASSWORD || password.length > 256) {
    passwordPage(
      r,
      400,
      token,
      hit.user.userName,
      `The password must be ${MIN_PASSWORD} to 256 characters long.`,
    );
    return;
  }
  if (password !== (form.get("confirm") ?? "")) {
    passwordPage(r, 400, token, hit.user.userName, "The passwords do not match.");
    return;
  }
  r.state.invitations.delete(token);
  hit.user.passwordHash = hashPassword(password);
  r.ctx.store.changed();
  const session = signInSession(
    r.state,
    r.session,
    hit.user.userId,
    r.now,
    r.ctx.store.lifetimes.session * 1000,
  );
  r.setCookies.push(sessionCookie(SESSION_COOKIE, session.id));
  redirect(r, "/start");
}
