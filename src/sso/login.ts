/**
 * Interactive sign-in (docs/reference.md §3.3 device code, §3.4 authorization code + PKCE, §9.4
 * messages): registration reuse, the flows, and the token written to the CLI's cache. Everything the
 * flows touch comes in through LoginIo; nothing is written until the token is in hand, and the write
 * is atomic under the token file's lock, so a cancelled login leaves the cache as it was.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AwsPaths } from "../config/paths";
import { ExitCode, PorticoError } from "../errors";
import { checkServerUrl } from "../platform/browser";
import { withFileLock } from "../platform/lock";
import { terminalSafe } from "../platform/terminal";
import {
  type CachedToken,
  type ClientRegistration,
  PKCE_GRANT_TYPES,
  readRegistration,
  registrationFilePath,
  registrationKeyArgs,
  registrationUsable,
  tokenFilePath,
  writeRegistration,
  writeToken,
} from "./cache";
import { createOidcApi, type OidcApi, oidcErrorCode } from "./oidc";
import {
  authorizeUrl,
  codeChallenge,
  codeVerifier,
  constantTimeEqual,
  REGISTERED_REDIRECT_URI,
  redirectUriFor,
} from "./pkce";
import type { SsoSession } from "./session";
import { regionFromStartHost, resolveStartUrl } from "./start-url";

export interface LoginIo {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  paths: AwsPaths;
  /** Messages for people (stderr). */
  print: (text: string) => void;
  /** Open a URL in a browser; undefined = do not open one (print only). Resolves false if it failed. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Called while waiting for the user (spinner start/stop). */
  waiting?: (on: boolean) => void;
  /** Aborts the login (Ctrl-C). */
  signal?: AbortSignal;
  oidc?: (region: string) => Promise<OidcApi>;
  random?: (n: number) => Uint8Array;
}

export interface LoginOptions {
  flow: "pkce" | "device";
  /** Overall time-out for the user's part, ms (default 10 min; device flow also ends at the code's expiry). */
  timeoutMs?: number;
  /** PKCE loopback port (0 / undefined = random free port). */
  callbackPort?: number;
}

export interface LoginResult {
  token: CachedToken;
  flow: "pkce" | "device";
  registrationReused: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function cancelled(): PorticoError {
  return new PorticoError("cancelled", "Login cancelled; nothing was written.", {
    exitCode: ExitCode.cancelled,
  });
}

function loginTimeout(session?: SsoSession): PorticoError {
  const note = session
    ? `If the browser page said "invalid_grant", sso_region (${session.region}) or sso_start_url (${session.startUrl}) is wrong.`
    : undefined;
  return new PorticoError(
    "login_timeout",
    "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.",
    {
      exitCode: ExitCode.timeout,
      hint: `Run the login again and approve the request in time (or raise --timeout).${note ? ` ${note}` : ""}`,
      // A typed place for the note, so a caller that rewrites the hint keeps it (no parsing of hint text).
      ...(note ? { details: { hintNote: note } } : {}),
    },
  );
}

/** Sleep that ends early on abort. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How the region a sign-in was sent to was chosen, and the command that sets another (for the hint). */
export interface RegionOrigin {
  /** e.g. "given with --sso-region", "from the start URL's host x.portal.eu-west-1.app.aws". */
  how: string;
  /** The command that redoes this with another region, e.g. `portico setup URL --sso-region '<region>'`. */
  fix: string;
}

const REFUSALS = new Set(["invalid_grant", "invalid_client", "invalid_request"]);

/** Where to find the right region (one sentence, for every wrong-region hint). */
export const FIND_REGION =
  "The right region is the one IAM Identity Center runs in: it is in the access portal URL when that is https://<id>.portal.<region>.app.aws, and on the IAM Identity Center console's Settings page (ask your administrator).";

/**
 * A wrong sso_region or start URL shows up as invalid_grant / invalid_client / invalid_request from
 * the instance (the guides' classic trouble): named as the likely cause, with the region that was
 * tried, how it was chosen, what the start URL's host says (when it names a region), where to find
 * the right one and the command that sets it. `e` is returned as it is when it is not such a refusal.
 */
export function wrongRegionError(
  e: unknown,
  session: Pick<SsoSession, "region" | "startUrl">,
  origin: RegionOrigin,
  serviceUrl?: string,
): unknown {
  if (!(e instanceof PorticoError)) return e;
  const kind = e.details?.["oidcError"] ?? e.details?.["refusal"];
  if (typeof kind !== "string" || !REFUSALS.has(kind)) return e;
  let hostRegion: string | undefined;
  let host: string | undefined;
  try {
    host = new URL(serviceUrl ?? session.startUrl).hostname;
    hostRegion = regionFromStartHost(host);
  } catch {
    host = undefined;
  }
  const via = serviceUrl && serviceUrl !== session.startUrl ? `, which redirects to ${serviceUrl}` : "";
  const names =
    hostRegion && hostRegion !== session.region ? ` The start URL's host ${host} names ${hostRegion}.` : "";
  return new PorticoError(
    "sso_region_or_url_wrong",
    `Sign-in was refused (${kind}). The likely cause is a wrong sso_region (${session.region}) or sso_start_url (${session.startUrl}${via}): the region tried was ${session.region}, ${origin.how}.${names}`,
    {
      exitCode: ExitCode.config,
      cause: e,
      hint: `${FIND_REGION} Then run: ${hostRegion && hostRegion !== session.region ? origin.fix.replace("'<region>'", hostRegion) : origin.fix}`,
      details: {
        ...e.details,
        refusal: kind,
        ssoRegion: session.region,
        regionOrigin: origin.how,
        startUrl: session.startUrl,
        ...(serviceUrl && serviceUrl !== session.startUrl ? { serviceStartUrl: serviceUrl } : {}),
      },
    },
  );
}

function explainLoginError(
  e: unknown,
  session: SsoSession,
  profileArgs: string,
  serviceUrl: string,
): unknown {
  const where = session.kind === "sso-session" ? `[sso-session ${session.sessionName}]` : "the profile";
  return wrongRegionError(
    e,
    session,
    {
      how: `from sso_region in ${where}`,
      fix: `portico configure ${session.kind === "sso-session" ? `sso-session ${session.sessionName}` : `sso ${profileArgs}`.trim()}`,
    },
    serviceUrl,
  );
}

async function registration(
  io: LoginIo,
  api: OidcApi,
  session: SsoSession,
  flow: "pkce" | "device",
  /** Register anew even if a usable registration is cached (the service refused the cached one). */
  fresh = false,
  /** The start URL sent as issuerUrl (resolved from a vanity URL); the cache keys keep session.startUrl. */
  issuerUrl = session.startUrl,
): Promise<{ reg: ClientRegistration; reused: boolean }> {
  const file = registrationFilePath(io.paths.ssoCacheDir, registrationKeyArgs(session));
  const cached = fresh ? undefined : await readRegistration(file);
  if (cached && registrationUsable(cached, flow, io.now())) return { reg: cached, reused: true };
  const name =
    session.kind === "sso-session"
      ? `botocore-client-${session.sessionName}`
      : `botocore-client-${Math.floor(io.now().getTime() / 1000)}`;
  let reg: ClientRegistration;
  if (flow === "pkce") {
    const scopes = session.scopes.length > 0 ? session.scopes : ["sso:account:access"];
    const r = await api.registerClient({
      clientName: name,
      clientType: "public",
      grantTypes: PKCE_GRANT_TYPES,
      redirectUris: [REGISTERED_REDIRECT_URI],
      issuerUrl,
      scopes,
    });
    reg = {
      clientId: r.clientId,
      clientSecret: r.clientSecret,
      expiresAt: new Date(r.clientSecretExpiresAt * 1000),
      scopes,
      grantTypes: PKCE_GRANT_TYPES,
    };
  } else {
    const scopes = session.scopes;
    const r = await api.registerClient({
      clientName: name,
      clientType: "public",
      ...(scopes.length > 0 ? { scopes } : {}),
    });
    reg = {
      clientId: r.clientId,
      clientSecret: r.clientSecret,
      expiresAt: new Date(r.clientSecretExpiresAt * 1000),
    };
    if (scopes.length > 0) reg.scopes = scopes;
  }
  await writeRegistration(file, reg);
  return { reg, reused: false };
}

function tokenRecord(
  io: LoginIo,
  session: SsoSession,
  reg: ClientRegistration,
  r: { accessToken: string; expiresIn: number; refreshToken?: string },
): CachedToken {
  const t: CachedToken = {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: r.accessToken,
    expiresAt: new Date(io.now().getTime() + r.expiresIn * 1000),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: reg.expiresAt,
  };
  if (r.refreshToken) t.refreshToken = r.refreshToken;
  return t;
}

/** Sign in to `session` and store the token where the AWS CLI keeps it. */
export async function login(
  io: LoginIo,
  session: SsoSession,
  opts: LoginOptions,
  profileArgs = "",
): Promise<LoginResult> {
  // A vanity start URL goes to the service resolved (one HEAD, src/sso/start-url.ts); the cache keeps
  // the configured one, as the AWS CLI does.
  const serviceUrl = (await resolveStartUrl(session.startUrl, io.env)).url;
  const api = await (io.oidc
    ? io.oidc(session.region)
    : createOidcApi({ env: io.env, region: session.region }));
  try {
    const run = opts.flow === "pkce" ? pkceFlow : deviceFlow;
    const { token, reused } = await run(io, api, session, opts, serviceUrl);
    if (io.signal?.aborted) throw cancelled();
    await withFileLock(tokenFilePath(io.paths.ssoCacheDir, session), () =>
      writeToken(io.paths.ssoCacheDir, session, token),
    );
    return { token, flow: opts.flow, registrationReused: reused };
  } catch (e) {
    throw explainLoginError(e, session, profileArgs, serviceUrl);
  }
}

// ---------------------------------------------------------------------------------------------
// Device code (§3.3)

type Poll =
  | { kind: "token"; token: { accessToken: string; expiresIn: number; refreshToken?: string } }
  | { kind: "pending" }
  | { kind: "slow_down" };

async function pollOnce(api: OidcApi, reg: ClientRegistration, deviceCode: string): Promise<Poll> {
  try {
    const token = await api.createToken({
      grantType: "urn:ietf:params:oauth:grant-type:device_code",
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      deviceCode,
    });
    return { kind: "token", token };
  } catch (e) {
    const kind = e instanceof PorticoError ? e.details?.["oidcError"] : undefined;
    if (kind === "authorization_pending") return { kind: "pending" };
    if (kind === "slow_down") return { kind: "slow_down" };
    throw e;
  }
}

async function deviceFlow(
  io: LoginIo,
  api: OidcApi,
  session: SsoSession,
  opts: LoginOptions,
  serviceUrl = session.startUrl,
): Promise<{ token: CachedToken; reused: boolean }> {
  let { reg, reused } = await registration(io, api, session, "device");
  const start = () =>
    api.startDeviceAuthorization({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: serviceUrl,
    });
  let auth: Awaited<ReturnType<typeof start>>;
  try {
    auth = await start();
  } catch (e) {
    // A cached registration the service no longer knows (deleted server-side, or an emulator that
    // was restarted) is not a wrong sso_region: register again, once, before saying so.
    if (!reused || !(e instanceof PorticoError) || e.details?.["oidcError"] !== "invalid_client") throw e;
    ({ reg, reused } = await registration(io, api, session, "device", true));
    auth = await start();
  }
  checkServerUrl(auth.verificationUri, io.env);
  checkServerUrl(auth.verificationUriComplete, io.env);
  // What is printed is server text: shown escaped if it carries control or bidi characters.
  const shown = {
    uri: terminalSafe(auth.verificationUri),
    complete: terminalSafe(auth.verificationUriComplete),
    code: terminalSafe(auth.userCode),
  };
  const started = Date.now();
  const deadline = started + Math.min(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, auth.expiresIn * 1000);
  let interval = (auth.interval ?? 5) * 1000;

  // One immediate attempt: a pre-authorized client needs no prompt (as the CLI).
  let p = await pollOnce(api, reg, auth.deviceCode);
  if (p.kind === "token") return { token: tokenRecord(io, session, reg, p.token), reused };
  if (p.kind === "slow_down") interval += 5000;

  if (io.openBrowser) {
    io.print(
      `Attempting to open your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:\n\n${shown.uri}\n\nThen enter the code:\n\n${shown.code}\n`,
    );
    const opened = await io.openBrowser(auth.verificationUriComplete);
    if (!opened) io.print("(Could not start a browser; open the URL above yourself.)\n");
  } else {
    io.print(
      `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${shown.uri}\n\nThen enter the code:\n\n${shown.code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n${shown.complete}\n`,
    );
  }
  io.waiting?.(true);
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw loginTimeout(session);
      await sleep(Math.min(interval, left), io.signal);
      p = await pollOnce(api, reg, auth.deviceCode);
      if (p.kind === "token") return { token: tokenRecord(io, session, reg, p.token), reused };
      if (p.kind === "slow_down") interval += 5000;
    }
  } finally {
    io.waiting?.(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Authorization code + PKCE (§3.4)

const CALLBACK_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>portico</title></head><body style="font-family:sans-serif;margin:3em"><h1>%TITLE%</h1><p>%TEXT%</p></body></html>`;

type Callback = { code: string; state: string } | { error: string; description?: string };

interface Loopback {
  port: number;
  result: Promise<Callback>;
  close(): Promise<void>;
}

/** Bind the loopback callback server on 127.0.0.1 (before any browser opens). */
export async function startLoopback(port: number | undefined): Promise<Loopback> {
  let settle!: (c: Callback) => void;
  const result = new Promise<Callback>((r) => {
    settle = r;
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    const page = (title: string, text: string) => {
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
      });
      res.end(CALLBACK_PAGE.replace("%TITLE%", title).replace("%TEXT%", text));
    };
    if (req.method !== "GET" || url.pathname !== "/oauth/callback") {
      res.writeHead(404).end();
      return;
    }
    const error = q.get("error");
    if (error) {
      page("Sign-in was not completed", "You can close this window and return to the terminal.");
      settle({ error, ...(q.get("error_description") ? { description: q.get("error_description")! } : {}) });
      return;
    }
    const code = q.get("code");
    const state = q.get("state");
    if (code && state) {
      page("Signed in to AWS", "portico has your authorization. You can close this window.");
      settle({ code, state });
      return;
    }
    res.writeHead(400).end();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE" || e.code === "EACCES") {
        reject(
          new PorticoError(
            "callback_port_in_use",
            `Cannot listen on 127.0.0.1:${port} for the sign-in callback (${e.code})`,
            {
              exitCode: ExitCode.usage,
              cause: e,
              hint: "Pick a free port with --callback-port N (forward that port if you are on SSH), or leave it out for a random one; or use --device-code.",
            },
          ),
        );
      } else reject(e);
    });
    server.listen({ host: "127.0.0.1", port: port ?? 0, exclusive: true }, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === "object" && addr ? addr.port : 0;
  return {
    port: bound,
    result,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function pkceFlow(
  io: LoginIo,
  api: OidcApi,
  session: SsoSession,
  opts: LoginOptions,
  serviceUrl = session.startUrl,
): Promise<{ token: CachedToken; reused: boolean }> {
  const random = io.random ?? ((n: number) => randomBytes(n));
  const loop = await startLoopback(opts.callbackPort);
  try {
    const { reg, reused } = await registration(io, api, session, "pkce", false, serviceUrl);
    const verifier = codeVerifier(random(32));
    const state = Buffer.from(random(32)).toString("base64url");
    const redirectUri = redirectUriFor(loop.port);
    const url = authorizeUrl(api.endpoint, {
      clientId: reg.clientId,
      redirectUri,
      state,
      challenge: codeChallenge(verifier),
      scopes: reg.scopes ?? (session.scopes.length > 0 ? session.scopes : ["sso:account:access"]),
    });
    checkServerUrl(url, io.env, "authorization URL");
    if (io.openBrowser) {
      io.print(
        `Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--device-code' option.\n\n${url}\n`,
      );
      const opened = await io.openBrowser(url);
      if (!opened) io.print("(Could not start a browser; open the URL above yourself.)\n");
    } else {
      io.print(`Browser will not be automatically opened.\nPlease visit the following URL:\n\n${url}\n`);
    }
    io.waiting?.(true);
    let cb: Callback;
    try {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(loginTimeout()), timeoutMs);
      });
      const abort = new Promise<never>((_, reject) => {
        if (io.signal?.aborted) reject(cancelled());
        io.signal?.addEventListener("abort", () => reject(cancelled()), { once: true });
      });
      try {
        cb = await Promise.race([loop.result, timeout, abort]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      io.waiting?.(false);
    }
    if ("error" in cb) {
      if (cb.error === "access_denied") {
        throw new PorticoError(
          "access_denied",
          "Error loading authorization code: Failed to retrieve an authorization code (access_denied).",
          {
            exitCode: ExitCode.accessDenied,
            hint: "Approve the request in the browser, or ask your administrator for access; then run the login again.",
            details: { oidcError: "access_denied" },
          },
        );
      }
      // invalid_grant etc. are mapped by explainLoginError (wrong sso_region / start URL).
      throw new PorticoError(
        oidcErrorCode(cb.error),
        // The callback's parameters are anyone's text (a page can request the loopback URL): escaped, capped.
        `Error loading authorization code: Failed to retrieve an authorization code (${terminalSafe(cb.error.slice(0, 100))}${cb.description ? `: ${terminalSafe(cb.description.slice(0, 300))}` : ""}).`,
        { exitCode: ExitCode.service, details: { oidcError: cb.error } },
      );
    }
    if (!constantTimeEqual(cb.state, state)) {
      throw new PorticoError(
        "state_mismatch",
        "Error loading authorization code: State parameter does not match expected value.",
        {
          exitCode: ExitCode.accessDenied,
          hint: "Run the login again; if it repeats, something else answered on the callback port.",
        },
      );
    }
    const r = await api.createToken({
      grantType: "authorization_code",
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      redirectUri,
      codeVerifier: verifier,
      code: cb.code,
    });
    return { token: tokenRecord(io, session, reg, r), reused };
  } finally {
    await loop.close();
  }
}
