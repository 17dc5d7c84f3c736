/**
 * The emulator's web pages (server-rendered HTML, no JavaScript needed): sign-in, device
 * verification, PKCE consent, the access portal with its console and credentials views, console
 * federation and the console landing page. The server hands every request it does not serve itself
 * to `handleWeb`; `false` means "not a web page" (the server answers 404).
 *
 * Routes: GET / → /start · GET /signin · POST /signin · POST /signout · GET|POST /device ·
 * GET|POST /consent · GET /start (alias /portal) · GET /start/credentials · GET /start/console ·
 * GET /federation?Action=getSigninToken|login · GET /oauth?Action=logout · GET /console ·
 * GET|POST /invitation (a new user sets a password).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getConsent, postConsent } from "./consent";
import { getDevice, postDevice } from "./device";
import { getConsole, getFederation, getOauth } from "./federation";
import { getInvitation, postInvitation } from "./invitation";
import { getConsoleLaunch, getCredentials, getPortal } from "./portal";
import { redirect, showMessage, type WebContext, type WebRequest, webRequest } from "./request";
import { getSignIn, postSignIn, postSignOut } from "./signin";
import { webState } from "./state";

export type { WebContext } from "./request";

type Handler = (r: WebRequest) => void | Promise<void>;

const routes: Record<string, { GET?: Handler; POST?: Handler }> = {
  "/": { GET: (r) => redirect(r, "/start") },
  "/portal": { GET: (r) => redirect(r, "/start") },
  "/signin": { GET: getSignIn, POST: postSignIn },
  "/signout": { POST: postSignOut },
  "/device": { GET: getDevice, POST: postDevice },
  "/consent": { GET: getConsent, POST: postConsent },
  "/start": { GET: getPortal },
  "/start/credentials": { GET: getCredentials },
  "/start/console": { GET: getConsoleLaunch },
  "/federation": { GET: getFederation },
  "/console": { GET: getConsole },
  "/oauth": { GET: getOauth },
  "/invitation": { GET: getInvitation, POST: postInvitation },
};

export async function handleWeb(
  ctx: WebContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  // `/start/` (how the real portal URL is often written) is `/start`.
  const raw = new URL(req.url ?? "/", "http://emulator.invalid").pathname;
  const path = raw.length > 1 ? raw.replace(/\/+$/, "") || "/" : raw;
  const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!route) return false;
  const r = webRequest(ctx, req, res, webState(ctx.store));
  const method = req.method === "HEAD" ? "GET" : req.method;
  const handler = method === "GET" || method === "POST" ? route[method] : undefined;
  if (!handler) {
    showMessage(r, 405, "bad", "Method not allowed", `${req.method ?? "?"} is not supported on ${path}.`);
    return true;
  }
  try {
    await handler(r);
  } catch {
    // Never a stack trace on the wire.
    if (!res.headersSent)
      showMessage(r, 500, "bad", "Something went wrong", "The emulator could not complete this request.");
    else res.end();
  }
  return true;
}
