/**
 * The per-request view every page handler works with: the web context, the parsed URL and cookies,
 * the browser's web session and, when signed in, the user.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { User } from "../model";
import type { EmulatorStore } from "../store";
import { type HtmlValue, html } from "./html";
import { FormError, parseCookies, type Reply, readForm, send, sessionCookie } from "./http";
import { messageCard, page } from "./layout";
import {
  csrfMatches,
  liveSession,
  newAnonymousSession,
  SESSION_COOKIE,
  type WebSession,
  type WebState,
} from "./state";

/** Declared here per interfaces.md; the server builds it. */
export interface WebContext {
  store: EmulatorStore;
  /** e.g. http://127.0.0.1:4599 — used for absolute links (console Issuer). */
  baseUrl: string;
  now: () => Date;
}

export interface WebRequest {
  ctx: WebContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  state: WebState;
  now: number;
  cookies: Map<string, string>;
  session: WebSession | undefined;
  user: User | undefined;
  /** Cookies to set on the reply. */
  setCookies: string[];
}

export function webRequest(
  ctx: WebContext,
  req: IncomingMessage,
  res: ServerResponse,
  state: WebState,
): WebRequest {
  const now = ctx.now().getTime();
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const cookies = parseCookies(req.headers.cookie);
  const session = liveSession(state, cookies.get(SESSION_COOKIE), now);
  const user = session?.userId ? ctx.store.userById(session.userId) : undefined;
  return { ctx, req, res, url, state, now, cookies, session, user, setCookies: [] };
}

export function reply(
  r: WebRequest,
  out: { status: number; body?: HtmlValue; headers?: Record<string, string>; contentType?: string },
): void {
  const headers: Record<string, string | string[]> = { ...(out.headers ?? {}) };
  if (r.setCookies.length > 0) headers["Set-Cookie"] = r.setCookies;
  const body =
    out.body === undefined ? undefined : typeof out.body === "string" ? out.body : html`${out.body}`;
  const full: Reply = { status: out.status, headers, ...(body === undefined ? {} : { body }) };
  if (out.contentType) full.contentType = out.contentType;
  send(r.res, full);
}

export function redirect(r: WebRequest, location: string): void {
  reply(r, { status: 302, headers: { Location: location } });
}

/** The org name and the signed-in user for the page header. */
export function frame(r: WebRequest, title: string, body: HtmlValue, narrow = false) {
  const user =
    r.user && r.session
      ? {
          displayName: r.user.displayName || r.user.userName,
          userName: r.user.userName,
          csrf: r.session.csrf,
        }
      : undefined;
  return page({ title, orgName: r.ctx.store.org.instance.name, narrow, body, ...(user ? { user } : {}) });
}

export function showMessage(
  r: WebRequest,
  status: number,
  kind: "ok" | "bad" | "info",
  heading: string,
  ...lines: HtmlValue[]
): void {
  reply(r, { status, body: frame(r, heading, messageCard(kind, heading, ...lines), true) });
}

/** The session for a page that renders a form: an anonymous one is created (and its cookie set) if needed. */
export function ensureSession(r: WebRequest): WebSession {
  if (r.session) return r.session;
  const session = newAnonymousSession(r.state, r.now);
  r.session = session;
  r.setCookies.push(sessionCookie(SESSION_COOKIE, session.id));
  return session;
}

/** Redirects to sign-in (coming back here afterwards) unless a user is signed in. */
export function requireUser(r: WebRequest): User | undefined {
  if (r.user) return r.user;
  redirect(r, `/signin?next=${encodeURIComponent(r.url.pathname + r.url.search)}`);
  return undefined;
}

/**
 * Reads a POSTed form and checks its CSRF token against the browser's session; answers 403 (or
 * 413/415) itself and returns undefined when the form must not be acted on.
 */
export async function trustedForm(r: WebRequest): Promise<URLSearchParams | undefined> {
  let form: URLSearchParams;
  try {
    form = await readForm(r.req);
  } catch (error) {
    if (error instanceof FormError) {
      showMessage(r, error.status, "bad", "Request not accepted", error.message);
      return undefined;
    }
    throw error;
  }
  if (!csrfMatches(r.session, form.get("csrf"))) {
    showMessage(
      r,
      403,
      "bad",
      "Request blocked",
      "This form was not sent from a page of this session (CSRF check failed). Reload the page and try again.",
    );
    return undefined;
  }
  return form;
}
