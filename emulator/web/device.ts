/**
 * Device verification (`/device`, the StartDeviceAuthorization verificationUri; RFC 8628 §3.3): the
 * signed-in user enters the code shown by the CLI (or arrives with it pre-filled from
 * `?user_code=`), sees which application asks, and allows or denies it.
 */
import { StoreError } from "../store";
import { html } from "./html";
import { frame, reply, requireUser, showMessage, trustedForm, type WebRequest } from "./request";

/** Accepts `abcd-efgh`, `ABCDEFGH`, ` abcd efgh `: upper-cased, separators dropped, dash re-inserted. */
export function normalizeUserCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : compact;
}

function codeEntryPage(r: WebRequest, status: number, typed = "", error?: string): void {
  const body = html`<div class="card">
    <h1>Authorization requested</h1>
    <p class="muted">Enter the code displayed in your application (for example the AWS CLI) to continue.</p>
    ${error ? html`<div class="alert error" role="alert">${error}</div>` : ""}
    <form method="get" action="/device">
      <label for="user_code">Code</label>
      <input class="code" type="text" id="user_code" name="user_code" value="${typed}" placeholder="XXXX-XXXX" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
      <button class="btn block" type="submit">Next</button>
    </form></div>`;
  reply(r, { status, body: frame(r, "Authorization requested", body, true) });
}

export function getDevice(r: WebRequest): void {
  if (!requireUser(r)) return;
  const typed = r.url.searchParams.get("user_code");
  if (typed === null || typed.trim() === "") {
    codeEntryPage(r, 200);
    return;
  }
  const code = normalizeUserCode(typed.slice(0, 64));
  const device = r.ctx.store.deviceByUserCode(code);
  if (!device) {
    codeEntryPage(
      r,
      404,
      typed.slice(0, 20),
      "That code was not recognised. Check the code shown by your application and try again.",
    );
    return;
  }
  if (device.error) {
    showMessage(
      r,
      400,
      "bad",
      "invalid_grant",
      "Invalid grant provided.",
      html`The application asked for a start URL or region that does not belong to this instance (${device.startUrl}).`,
    );
    return;
  }
  if (device.status === "expired") {
    showMessage(
      r,
      410,
      "bad",
      "This code has expired",
      "Codes are valid for a few minutes. Start the sign-in again in your application to get a new code.",
    );
    return;
  }
  if (device.status !== "pending") {
    showMessage(
      r,
      409,
      "bad",
      "This code has already been used",
      `The request for ${device.userCode} was already ${device.status === "approved" ? "approved" : "denied"}. Start the sign-in again in your application if you need a new code.`,
    );
    return;
  }
  const csrf = r.session!.csrf;
  const decision = (value: string, label: string, cls: string) => html`<form method="post" action="/device">
      <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="user_code" value="${device.userCode}">
      <input type="hidden" name="decision" value="${value}"><button class="btn ${cls}" type="submit">${label}</button></form>`;
  const body = html`<div class="card">
    <div class="icon info">⇄</div>
    <h1>Allow ${device.clientName} to access your data?</h1>
    <p class="muted">An application is asking for access to your AWS accounts and roles as <strong>${r.user!.userName}</strong>.</p>
    <div class="codebox" aria-label="Code">${device.userCode}</div>
    <p class="small muted">Only allow this if the same code is shown by the application you just started.</p>
    <dl class="kv small"><dt>Application</dt><dd>${device.clientName}</dd><dt>Start URL</dt><dd>${device.startUrl}</dd></dl>
    <div class="actions">${decision("deny", "Deny", "secondary")}${decision("allow", "Allow access", "")}</div>
  </div>`;
  reply(r, { status: 200, body: frame(r, "Allow access?", body, true) });
}

export async function postDevice(r: WebRequest): Promise<void> {
  const form = await trustedForm(r);
  if (!form) return;
  const user = r.user;
  if (!user) {
    showMessage(r, 401, "bad", "Signed out", "Sign in again, then re-enter the code.");
    return;
  }
  const code = normalizeUserCode((form.get("user_code") ?? "").slice(0, 64));
  const decision = form.get("decision");
  if (decision !== "allow" && decision !== "deny") {
    showMessage(r, 400, "bad", "Choose Allow access or Deny");
    return;
  }
  const device = r.ctx.store.deviceByUserCode(code);
  try {
    if (decision === "allow") r.ctx.store.approveDevice(code, user.userId);
    else r.ctx.store.denyDevice(code);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    const messages: Record<string, [number, string, string]> = {
      not_found: [404, "Code not recognised", "Check the code shown by your application."],
      expired: [
        410,
        "This code has expired",
        "Start the sign-in again in your application to get a new code.",
      ],
      already_decided: [
        409,
        "This code has already been used",
        "Start the sign-in again in your application if you need a new code.",
      ],
      invalid_grant: [400, "invalid_grant", "Invalid grant provided."],
    };
    const [status, heading, line] = messages[error.code] ?? [400, "Request not completed", error.message];
    showMessage(r, status, "bad", heading, line);
    return;
  }
  const app = device?.clientName ?? "the application";
  if (decision === "allow") {
    showMessage(
      r,
      200,
      "ok",
      "Request approved",
      html`${app} has been given access. You can close this window and return to your application.`,
    );
    return;
  }
  showMessage(r, 200, "bad", "Request denied", html`${app} was not given access. You can close this window.`);
}
