/**
 * getSsoToken: a valid SSO access token from the AWS CLI's cache, refreshed like botocore
 * (docs/reference.md §2.1 "Refresh decisions"): < 15 min left and an sso-session token with a
 * refresh token and a live registration → CreateToken(refresh_token). Refresh is single-flight
 * across processes: take the token file's lock, re-read (another process may have refreshed
 * meanwhile), refresh, write back atomically. A failed refresh never destroys a token that is still
 * valid: the file is only ever replaced by a newer token.
 */
import type { AwsPaths } from "../config/paths";
import { ExitCode, PorticoError } from "../errors";
import { prepareWrite } from "../platform/files";
import { withFileLock } from "../platform/lock";
import { finishBeforeSignals } from "../platform/signals";
import { type CachedToken, readToken, serializeToken, type TokenRead, tokenFilePath } from "./cache";
import { createOidcApi, isOidcRefusal, type OidcApi } from "./oidc";
import type { SsoSession } from "./session";
import { canRefresh } from "./token-format";

export { canRefresh } from "./token-format";

export interface SsoDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  paths: AwsPaths;
  /** OIDC client factory (default: the AWS SDK client, lazily loaded). */
  oidc?: (region: string) => Promise<OidcApi>;
  /** People's notices (stderr), e.g. that the cache could not be written. */
  warn?: (message: string) => void;
}

/** botocore's refresh window (tokens.py `_REFRESH_WINDOW`). */
export const REFRESH_WINDOW_MS = 15 * 60_000;

export type TokenDecision =
  | { action: "use"; token: CachedToken }
  | { action: "refresh"; token: CachedToken }
  | { action: "login"; reason: "missing" | "malformed" | "expired" };

/** The token policy, pure: use it, refresh it, or sign in again. */
export function decideToken(session: SsoSession, read: TokenRead, now: Date): TokenDecision {
  if (read.status !== "ok") return { action: "login", reason: read.status };
  const left = read.token.expiresAt.getTime() - now.getTime();
  if (left > REFRESH_WINDOW_MS) return { action: "use", token: read.token };
  if (canRefresh(session, read.token, now)) return { action: "refresh", token: read.token };
  if (left > 0) return { action: "use", token: read.token };
  return { action: "login", reason: "expired" };
}

export function signInRequired(
  session: SsoSession,
  reason: "missing" | "malformed" | "expired" | "refresh_failed",
  hintArgs?: string,
  cause?: unknown,
): PorticoError {
  const who = session.kind === "sso-session" ? `sso-session "${session.sessionName}"` : session.startUrl;
  const args =
    hintArgs ??
    (session.kind === "sso-session" ? `--sso-session ${session.sessionName}` : "--profile <profile>");
  const text = {
    missing: `You are not signed in to ${who}`,
    malformed: `The cached SSO token for ${who} is unreadable; treating it as signed out`,
    expired: `The SSO session for ${who} has expired`,
    refresh_failed: `The SSO session for ${who} has expired and refresh failed`,
  }[reason];
  return new PorticoError("sign_in_required", text, {
    exitCode: ExitCode.signInRequired,
    hint: `portico login ${args}`.trim(),
    ...(cause !== undefined ? { cause } : {}),
    details: {
      reason,
      ...(session.sessionName ? { ssoSession: session.sessionName } : { startUrl: session.startUrl }),
    },
  });
}

const defaultOidc = (deps: SsoDeps) => (region: string) =>
  deps.oidc
    ? deps.oidc(region)
    : createOidcApi({ env: deps.env, region, requestTimeoutMs: 10_000, maxAttempts: 3 });

/** CreateToken(refresh_token) and the record botocore writes back (§2.1). */
export async function refreshToken(
  deps: SsoDeps,
  session: SsoSession,
  token: CachedToken,
): Promise<CachedToken> {
  const api = await defaultOidc(deps)(session.region);
  const r = await api.createToken({
    grantType: "refresh_token",
    clientId: token.clientId!,
    clientSecret: token.clientSecret!,
    refreshToken: token.refreshToken!,
  });
  const next: CachedToken = {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: r.accessToken,
    expiresAt: new Date(deps.now().getTime() + r.expiresIn * 1000),
    clientId: token.clientId!,
    clientSecret: token.clientSecret!,
    registrationExpiresAt: token.registrationExpiresAt!,
  };
  // botocore drops refreshToken when the response has none; we keep the old one (a non-rotating
  // server's token stays valid) so a refresh never loses the ability to refresh.
  const rt = r.refreshToken ?? token.refreshToken;
  if (rt !== undefined) next.refreshToken = rt;
  return next;
}

/**
 * A valid access token for `session`. `hintArgs` (e.g. `--profile dev`) completes the
 * `portico login …` hint of the sign-in-required error.
 */
export async function getSsoToken(
  deps: SsoDeps,
  session: SsoSession,
  hintArgs?: string,
): Promise<{ accessToken: string; expiresAt: Date }> {
  const dir = deps.paths.ssoCacheDir;
  const first = await readToken(dir, session);
  const decision = decideToken(session, first, deps.now());
  if (decision.action === "use")
    return { accessToken: decision.token.accessToken, expiresAt: decision.token.expiresAt };
  if (decision.action === "login") throw signInRequired(session, decision.reason, hintArgs);

  const seen = decision.token;
  const file = tokenFilePath(dir, session);
  const token = await withFileLock(
    file,
    async (lock) => {
      // Re-read under the lock: another process may have refreshed while we waited.
      const again = await readToken(dir, session);
      const now = deps.now();
      if (again.status === "ok") {
        const t = again.token;
        const fresh = t.accessToken !== seen.accessToken && t.expiresAt.getTime() > now.getTime();
        if (fresh || t.expiresAt.getTime() - now.getTime() > REFRESH_WINDOW_MS) return t;
      }
      const base = again.status === "ok" ? again.token : seen;
      if (!canRefresh(session, base, now)) {
        if (base.expiresAt.getTime() > now.getTime()) return base;
        throw signInRequired(session, "expired", hintArgs);
      }
      // The refresh rotates the refresh token: never refresh when the new one could not be saved
      // (read-only or full ~/.aws) — that would sign out every other tool sharing the cache.
      let pending: Awaited<ReturnType<typeof prepareWrite>> | undefined;
      let unwritable = lock.held ? undefined : lock.unwritable;
      if (!unwritable) {
        try {
          pending = await prepareWrite(file, { mode: 0o600, secret: true, reserveBytes: 8192 });
        } catch (e) {
          if (!(e instanceof PorticoError) || !e.code.startsWith("fs_")) throw e;
          unwritable = e;
        }
      }
      if (unwritable) {
        if (base.expiresAt.getTime() > now.getTime()) {
          deps.warn?.(
            `the SSO token cache cannot be written (${unwritable.message}); using the current token without refreshing it`,
          );
          return base;
        }
        throw new PorticoError(
          unwritable.code,
          `the SSO token has expired and cannot be refreshed here: ${unwritable.message}`,
          {
            exitCode: unwritable.exitCode,
            hint: `refresh where ~/.aws is writable (portico login ${hintArgs ?? ""}`.trimEnd() + ")",
            cause: unwritable,
          },
        );
      }
      try {
        // SIGINT/SIGTERM wait (bounded) until the rotated token is on disk.
        return await finishBeforeSignals(async () => {
          const next = await refreshToken(deps, session, base);
          await pending!.commit(serializeToken(next));
          return next;
        });
      } catch (e) {
        await pending!.abort();
        // Never destroy a still-valid token: the file was not touched; hand out the old one.
        if (base.expiresAt.getTime() > deps.now().getTime()) return base;
        const pe = e instanceof PorticoError ? e : undefined;
        if (
          pe &&
          (pe.exitCode === ExitCode.service ||
            pe.exitCode === ExitCode.timeout ||
            pe.exitCode === ExitCode.environment) &&
          !isOidcRefusal(pe)
        )
          throw pe;
        throw signInRequired(session, "refresh_failed", hintArgs, e);
      }
    },
    // Waiters outlast one refresh (SDK time-outs × attempts) before giving up on a holder that shows no progress.
    { timeoutMs: 75_000, optional: true },
  );
  return { accessToken: token.accessToken, expiresAt: token.expiresAt };
}

/** The cached token's expiry without any network (for whoami's "time left"); undefined if none/unreadable. */
export async function readCachedToken(
  deps: SsoDeps,
  session: SsoSession,
): Promise<{ expiresAt: Date; refreshable: boolean } | undefined> {
  const r = await readToken(deps.paths.ssoCacheDir, session);
  if (r.status !== "ok") return undefined;
  return { expiresAt: r.token.expiresAt, refreshable: canRefresh(session, r.token, deps.now()) };
}
