/**
 * The AWS access portal (`/start`): the signed-in user's accounts, each expandable (pure HTML
 * `<details>`) to its roles, each role with "Management console" (→ federation sign-in → `/console`)
 * and "Command line or programmatic access" (the credentials page, in the formats the real portal
 * offers: bash / PowerShell / cmd environment variables, a credentials-file profile, the raw values).
 */

import type { Account } from "../model";
import { StoreError } from "../store";
import { issueSigninToken } from "./federation";
import { type HtmlValue, html, type SafeHtml } from "./html";
import { frame, redirect, reply, requireUser, showMessage, type WebRequest } from "./request";

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const CONSOLE_SESSION_SECONDS = 3600;

const roleQuery = (accountId: string, roleName: string): string =>
  `account_id=${encodeURIComponent(accountId)}&role_name=${encodeURIComponent(roleName)}`;

function initials(name: string): string {
  const letters = name
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase());
  return (letters.slice(0, 2).join("") || "A").slice(0, 2);
}

function accountBlock(r: WebRequest, userId: string, account: Account, open: boolean): SafeHtml {
  const roles = r.ctx.store.rolesForUser(userId, account.accountId);
  return html`<details class="account"${open ? html` open` : ""}>
    <summary><span class="acct-icon">${initials(account.accountName)}</span>
      <span><span class="acct-name">${account.accountName}</span><br>
      <span class="acct-meta">${account.accountId} | ${account.emailAddress}</span></span></summary>
    <div class="roles">${roles.map(
      (role) => html`<div class="role"><span class="role-name">${role}</span>
        <a href="/start/console?${roleQuery(account.accountId, role)}" target="_blank" rel="noopener">Management console</a>
        <span class="sep">|</span>
        <a href="/start/credentials?${roleQuery(account.accountId, role)}">Command line or programmatic access</a></div>`,
    )}</div></details>`;
}

export function getPortal(r: WebRequest): void {
  const user = requireUser(r);
  if (!user) return;
  const all = r.ctx.store.accountsForUser(user.userId);
  // Server-side search (no JavaScript): name, id or e-mail containing the text.
  const q = (r.url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const needle = q.toLowerCase();
  const accounts = needle
    ? all.filter((a) => `${a.accountName} ${a.accountId} ${a.emailAddress}`.toLowerCase().includes(needle))
    : all;
  let list: HtmlValue;
  if (all.length === 0) {
    list = html`<div class="alert warn">You do not have access to any AWS accounts yet. Ask your administrator to assign you a permission set.</div>`;
  } else if (accounts.length === 0) {
    list = html`<div class="alert warn">No account matches “${q}”. <a href="/start">Show all accounts</a></div>`;
  } else {
    list = accounts.map((a) => accountBlock(r, user.userId, a, accounts.length === 1));
  }
  const search =
    all.length > 1
      ? html`<form class="search" method="get" action="/start" role="search">
          <input type="text" name="q" value="${q}" placeholder="Filter accounts by name, ID or email" aria-label="Filter accounts">
          <button class="btn secondary" type="submit">Filter</button></form>`
      : "";
  const count = needle ? `${accounts.length} of ${all.length}` : String(all.length);
  const body = html`<div class="card">
      <h1>AWS access portal</h1>
      <p class="muted">Welcome, ${user.displayName || user.userName}. Choose an account and a role to open the console or get credentials.</p>
      <h2>AWS accounts <span class="badge">${count}</span></h2>
      ${search}
      ${list}
    </div>`;
  reply(r, { status: 200, body: frame(r, "AWS access portal", body) });
}

/** The (account, role) from the query, if the user holds it; answers 400/403 itself otherwise. */
function assignedRole(r: WebRequest, userId: string): { accountId: string; roleName: string } | undefined {
  const accountId = r.url.searchParams.get("account_id") ?? "";
  const roleName = r.url.searchParams.get("role_name") ?? "";
  if (!ACCOUNT_ID.test(accountId) || !ROLE_NAME.test(roleName)) {
    showMessage(
      r,
      400,
      "bad",
      "Choose an account and a role",
      html`Go back to the <a href="/start">access portal</a>.`,
    );
    return undefined;
  }
  if (!r.ctx.store.rolesForUser(userId, accountId).includes(roleName)) {
    showMessage(
      r,
      403,
      "bad",
      "No access",
      html`You do not have the role ${roleName} in account ${accountId}. Go back to the <a href="/start">access portal</a>.`,
    );
    return undefined;
  }
  return { accountId, roleName };
}

function issue(r: WebRequest, userId: string, accountId: string, roleName: string) {
  try {
    return r.ctx.store.issueRoleCredentials(userId, accountId, roleName);
  } catch (error) {
    if (error instanceof StoreError) {
      showMessage(r, 403, "bad", "No access", error.message);
      return undefined;
    }
    throw error;
  }
}

/**
 * The sign-in commands the credentials page suggests, with the AWS CLI v2 version each needs: people
 * run every CLI from 2.9 on (Debian 12 ships 2.9.19), and `--use-device-code` exists only from 2.22.0
 * (where PKCE became the default); earlier versions refuse it ("Unknown options") and always use a
 * device code. docs/reference.md §3.4, §9.4; checked against /usr/bin/aws by
 * test/emulator/portal-hints.test.ts.
 */
export const SIGN_IN_COMMANDS: readonly { command: string; since: string; note: string }[] = [
  {
    command: "aws configure sso",
    since: "2.9.0",
    note: "asks for a session name, the start URL and region, then signs in: in the browser (PKCE) from 2.22.0, with a device code before",
  },
  {
    command: "aws sso login --sso-session NAME --no-browser",
    since: "2.9.0",
    note: "signs in again later; prints the URL (and, before 2.22.0, the code) instead of opening a browser",
  },
  {
    command: "aws configure sso --use-device-code",
    since: "2.22.0",
    note: "a device code instead of the browser (no --use-device-code before 2.22.0: those versions use a device code anyway)",
  },
  {
    command: "portico configure sso",
    since: "",
    note: "browser (PKCE) by default; --device-code --no-browser on a machine without one",
  },
];

function signInCommands(): SafeHtml {
  const rows = SIGN_IN_COMMANDS.map(
    (c) =>
      html`<pre>${c.command}</pre><p class="small muted">${c.since ? `AWS CLI ${c.since} and later: ` : ""}${c.note}.</p>`,
  );
  return html`<div id="sign-in-commands">${rows}</div>`;
}

const field = (label: string, value: string): SafeHtml =>
  html`<div class="field"><span>${label}</span><code>${value}</code></div>`;

export function getCredentials(r: WebRequest): void {
  const user = requireUser(r);
  if (!user) return;
  const role = assignedRole(r, user.userId);
  if (!role) return;
  const creds = issue(r, user.userId, role.accountId, role.roleName);
  if (!creds) return;
  const account = r.ctx.store.accountById(role.accountId);
  const instance = r.ctx.store.org.instance;
  const expires = new Date(creds.expiration).toISOString();
  const k = creds.accessKeyId;
  const s = creds.secretAccessKey;
  const t = creds.sessionToken;
  const profile = `${role.accountId}_${role.roleName}`;
  const body = html`<div class="card">
    <p class="small"><a href="/start">← AWS access portal</a></p>
    <h1>Get credentials for ${role.roleName}</h1>
    <p class="muted">Account ${account?.accountName ?? role.accountId} (${role.accountId}). These temporary credentials expire at ${expires}.</p>

    <div class="opt"><h2>AWS IAM Identity Center credentials (Recommended)</h2>
      <p class="small muted">Let the AWS CLI or portico refresh credentials for you: configure an SSO session once, then sign in.</p>
      ${field("SSO start URL", instance.startUrl)}${field("SSO Region", instance.region)}
      ${signInCommands()}</div>

    <div class="opt"><h2>Option 1: Set AWS environment variables</h2>
      <h3>macOS and Linux</h3>
      <pre id="env-bash">export AWS_ACCESS_KEY_ID="${k}"
export AWS_SECRET_ACCESS_KEY="${s}"
export AWS_SESSION_TOKEN="${t}"</pre>
      <h3>Windows PowerShell</h3>
      <pre id="env-powershell">$Env:AWS_ACCESS_KEY_ID="${k}"
$Env:AWS_SECRET_ACCESS_KEY="${s}"
$Env:AWS_SESSION_TOKEN="${t}"</pre>
      <h3>Windows Command Prompt</h3>
      <pre id="env-cmd">set AWS_ACCESS_KEY_ID=${k}
set AWS_SECRET_ACCESS_KEY=${s}
set AWS_SESSION_TOKEN=${t}</pre></div>

    <div class="opt"><h2>Option 2: Add a profile to your AWS credentials file</h2>
      <p class="small muted">Paste into <code>~/.aws/credentials</code> (Windows: <code>%USERPROFILE%\\.aws\\credentials</code>).</p>
      <pre id="credentials-file">[${profile}]
aws_access_key_id=${k}
aws_secret_access_key=${s}
aws_session_token=${t}</pre></div>

    <div class="opt"><h2>Option 3: Use individual values in your AWS service client</h2>
      <div id="values">${field("AWS access key ID", k)}${field("AWS secret access key", s)}${field("AWS session token", t)}</div></div>
  </div>`;
  reply(r, { status: 200, body: frame(r, `Credentials for ${role.roleName}`, body) });
}

/** "Management console": role credentials → sign-in token → the federation login URL (→ /console). */
export function getConsoleLaunch(r: WebRequest): void {
  const user = requireUser(r);
  if (!user) return;
  const role = assignedRole(r, user.userId);
  if (!role) return;
  const creds = issue(r, user.userId, role.accountId, role.roleName);
  if (!creds) return;
  const token = issueSigninToken(r.state, r.ctx.store, creds.accessKeyId, CONSOLE_SESSION_SECONDS, r.now);
  if (!token) {
    showMessage(r, 500, "bad", "Could not open the console", "Try again from the access portal.");
    return;
  }
  const region = r.ctx.store.org.instance.region;
  const relayState = r.ctx.store.permissionSetByName(role.roleName)?.relayState;
  const destination = relayState?.startsWith("https://")
    ? relayState
    : `https://${region}.console.aws.amazon.com/console/home?region=${region}`;
  const query = new URLSearchParams({
    Action: "login",
    Issuer: `${r.ctx.baseUrl}/start`,
    Destination: destination,
    SigninToken: token,
  });
  redirect(r, `/federation?${query.toString()}`);
}
