/**
 * PKCE consent (`/consent?request=ID`): `GET /authorize` (emulator/oidc) parks a pending browser
 * authorization and sends the browser here; Allow / Deny end in a 302 to the client's registered
 * loopback redirect URI with `code`+`state` or `error=access_denied` (RFC 6749 §4.1.2).
 */
import { StoreError } from "../store";
import { html } from "./html";
import { frame, redirect, reply, requireUser, showMessage, trustedForm, type WebRequest } from "./request";

const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

const SCOPE_TEXT: Record<string, string> = {
  "sso:account:access": "List your AWS accounts and roles, and get temporary credentials for them",
  openid: "Know who you are (OpenID Connect)",
};

function requestId(raw: string | null): string | undefined {
  return raw && REQUEST_ID.test(raw) ? raw : undefined;
}

function notPending(r: WebRequest, status: string): void {
  if (status === "expired") {
    showMessage(r, 410, "bad", "This request has expired", "Start the sign-in again in your application.");
    return;
  }
  showMessage(
    r,
    409,
    "bad",
    "This request has already been answered",
    `It was ${status}. Start the sign-in again in your application if you need to.`,
  );
}

export function getConsent(r: WebRequest): void {
  if (!requireUser(r)) return;
  const id = requestId(r.url.searchParams.get("request"));
  const request = id ? r.ctx.store.authorizeRequest(id) : undefined;
  if (!id || !request) {
    showMessage(
      r,
      404,
      "bad",
      "Authorization request not found",
      "The link is incomplete or too old. Start the sign-in again in your application.",
    );
    return;
  }
  if (request.status !== "pending") {
    notPending(r, request.status);
    return;
  }
  const csrf = r.session!.csrf;
  const decision = (value: string, label: string, cls: string) => html`<form method="post" action="/consent">
      <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="request" value="${id}">
      <input type="hidden" name="decision" value="${value}"><button class="btn ${cls}" type="submit">${label}</button></form>`;
  const scopes = request.scopes.length > 0 ? request.scopes : ["sso:account:access"];
  let callback = request.redirectUri;
  try {
    const u = new URL(request.redirectUri);
    callback = `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // shown as given
  }
  const body = html`<div class="card">
    <div class="icon info">⇄</div>
    <h1>Allow ${request.clientName} to access your data?</h1>
    <p class="muted">Signed in as <strong>${r.user!.userName}</strong>. The application will be able to:</p>
    <ul class="scopes">${scopes.map((s) => html`<li><code>${s}</code> — ${SCOPE_TEXT[s] ?? "Access granted by this scope"}</li>`)}</ul>
    <dl class="kv small"><dt>Application</dt><dd>${request.clientName}</dd><dt>Returns to</dt><dd>${callback}</dd></dl>
    <div class="actions">${decision("deny", "Deny", "secondary")}${decision("allow", "Allow access", "")}</div>
  </div>`;
  reply(r, { status: 200, body: frame(r, "Allow access?", body, true) });
}

export async function postConsent(r: WebRequest): Promise<void> {
  const form = await trustedForm(r);
  if (!form) return;
  const user = r.user;
  if (!user) {
    showMessage(r, 401, "bad", "Signed out", "Sign in again, then restart the sign-in in your application.");
    return;
  }
  const id = requestId(form.get("request"));
  const decision = form.get("decision");
  if (!id || (decision !== "allow" && decision !== "deny")) {
    showMessage(r, 400, "bad", "Choose Allow access or Deny");
    return;
  }
  let location: string;
  try {
    location =
      decision === "allow" ? r.ctx.store.approveAuthorize(id, user.userId) : r.ctx.store.denyAuthorize(id);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    if (error.code === "not_found") {
      showMessage(
        r,
        404,
        "bad",
        "Authorization request not found",
        "Start the sign-in again in your application.",
      );
      return;
    }
    if (error.code === "expired" || error.code === "already_decided") {
      notPending(r, error.code === "expired" ? "expired" : "already answered");
      return;
    }
    showMessage(r, 400, "bad", "Request not completed", error.message);
    return;
  }
  // The redirect URI is the client's registered loopback URI, validated by /authorize: not an open redirect.
  redirect(r, location);
}
