/**
 * The one home of the access-portal API (docs/reference.md §4): ListAccounts, ListAccountRoles,
 * GetRoleCredentials and Logout through @aws-sdk/client-sso (imported lazily, so the SDK never loads on
 * the cached-credentials path), with one client configuration — PORTAL_CLIENT: one time-out per
 * attempt, one retry policy (paced.ts; the SDK's own retries are off so every 429 reaches the pacer) —
 * and one error mapping (errors.ts).
 */
import { ExitCode, PorticoError } from "../errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import { portalError } from "./errors";
import { createPacedRunner, type PacedRunner } from "./paced";
import type { Page, PortalAccount, PortalAccountWithRoles, PortalTarget, RoleCredentials } from "./types";

/** The portal client configuration every caller shares. */
export const PORTAL_CLIENT = {
  /** Connection and answer time-out per attempt. */
  timeoutMs: 10_000,
  /** Attempts per call on server errors, resets and time-outs (the first included). */
  attempts: 3,
  /** Attempts per call on throttling (429): waited out with backoff, never a new sign-in. */
  throttleAttempts: 12,
  /** Page size of the listings (the API's maximum). */
  pageSize: 100,
} as const;

export interface Portal {
  readonly target: PortalTarget;
  /** The per-attempt time-out in effect (for messages). */
  readonly timeoutMs: number;
  listAccountsPage(accessToken: string, nextToken?: string): Promise<Page<PortalAccount>>;
  listRolesPage(accessToken: string, accountId: string, nextToken?: string): Promise<Page<string>>;
  /** Every account (all pages). */
  listAccounts(accessToken: string): Promise<PortalAccount[]>;
  /** Every role of one account (all pages), sorted. */
  listRoles(accessToken: string, accountId: string): Promise<string[]>;
  getRoleCredentials(accessToken: string, accountId: string, roleName: string): Promise<RoleCredentials>;
  /** One attempt, errors thrown (callers of a sign-out ignore them). */
  logout(accessToken: string): Promise<void>;
  close(): void;
}

export interface OpenPortalOptions {
  /** Share a pacer across calls (sync: one budget for the whole discovery). Default: one per portal. */
  pacer?: PacedRunner;
}

/** Open a portal client for `target` (lazy SDK import). */
export async function openPortal(target: PortalTarget, options: OpenPortalOptions = {}): Promise<Portal> {
  const sdk = await import("@aws-sdk/client-sso");
  const timeoutMs = target.requestTimeoutMs ?? PORTAL_CLIENT.timeoutMs;
  const client = new sdk.SSOClient(
    sdkClientConfig({ env: target.env, service: "SSO", region: target.region, maxAttempts: 1, timeoutMs }),
  );
  const attempts = target.maxAttempts ?? PORTAL_CLIENT.attempts;
  const pacer =
    options.pacer ??
    createPacedRunner({ attempts, throttleAttempts: Math.max(attempts, PORTAL_CLIENT.throttleAttempts) });
  const mapped = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await pacer.run(fn);
    } catch (e) {
      throw portalError(e, target, what, timeoutMs);
    }
  };
  const same = (what: string, prev: string | undefined, next: string | undefined) => {
    if (next && next === prev)
      throw new PorticoError("service_error", `${what}: the portal returned the same nextToken twice`, {
        exitCode: ExitCode.service,
        hint: "Try again in a moment; run with --debug for details.",
      });
  };

  const portal: Portal = {
    target,
    timeoutMs,
    async listAccountsPage(accessToken, nextToken) {
      const page = await mapped("Listing accounts", () =>
        client.send(
          new sdk.ListAccountsCommand({
            accessToken,
            maxResults: PORTAL_CLIENT.pageSize,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      const items: PortalAccount[] = [];
      for (const a of page.accountList ?? [])
        if (a.accountId)
          items.push({
            accountId: a.accountId,
            ...(a.accountName ? { accountName: a.accountName } : {}),
            ...(a.emailAddress ? { emailAddress: a.emailAddress } : {}),
          });
      same("Listing accounts", nextToken, page.nextToken);
      return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
    async listRolesPage(accessToken, accountId, nextToken) {
      const what = `Listing roles in account ${accountId}`;
      const page = await mapped(what, () =>
        client.send(
          new sdk.ListAccountRolesCommand({
            accessToken,
            accountId,
            maxResults: PORTAL_CLIENT.pageSize,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      const items: string[] = [];
      for (const r of page.roleList ?? []) if (r.roleName) items.push(r.roleName);
      same(what, nextToken, page.nextToken);
      return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
    async listAccounts(accessToken) {
      const out: PortalAccount[] = [];
      let next: string | undefined;
      do {
        const p = await portal.listAccountsPage(accessToken, next);
        out.push(...p.items);
        next = p.nextToken;
      } while (next);
      return out;
    },
    async listRoles(accessToken, accountId) {
      const out: string[] = [];
      let next: string | undefined;
      do {
        const p = await portal.listRolesPage(accessToken, accountId, next);
        out.push(...p.items);
        next = p.nextToken;
      } while (next);
      return out.sort();
    },
    async getRoleCredentials(accessToken, accountId, roleName) {
      const what = `Getting credentials for role ${roleName} in account ${accountId}`;
      const out = await mapped(what, () =>
        client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName })),
      );
      const rc = out.roleCredentials;
      if (!rc?.accessKeyId || !rc.secretAccessKey || !rc.sessionToken || typeof rc.expiration !== "number")
        throw new PorticoError("service_error", `${what}: the portal returned incomplete credentials`, {
          exitCode: ExitCode.service,
        });
      return {
        accessKeyId: rc.accessKeyId,
        secretAccessKey: rc.secretAccessKey,
        sessionToken: rc.sessionToken,
        // botocore truncates to whole seconds when it writes the cache; do the same so every reader agrees.
        expiration: new Date(Math.floor(rc.expiration / 1000) * 1000),
        accountId,
      };
    },
    async logout(accessToken) {
      // Not paced and not retried: a sign-out must not wait on a dead endpoint (local files go regardless).
      try {
        await client.send(new sdk.LogoutCommand({ accessToken }));
      } catch (e) {
        throw portalError(e, target, "Signing out", timeoutMs);
      }
    },
    close: () => client.destroy(),
  };
  return portal;
}

/** Run `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** GetRoleCredentials with a client opened and closed around the one call. */
export async function getRoleCredentials(
  target: PortalTarget,
  accessToken: string,
  accountId: string,
  roleName: string,
): Promise<RoleCredentials> {
  const portal = await openPortal(target);
  try {
    return await portal.getRoleCredentials(accessToken, accountId, roleName);
  } finally {
    portal.close();
  }
}

/** ListAccounts (every page), then ListAccountRoles for each with bounded concurrency, paced. */
export async function listAccountsAndRoles(
  target: PortalTarget,
  accessToken: string,
  options: { concurrency?: number; withRoles?: boolean } = {},
): Promise<PortalAccountWithRoles[]> {
  const pacer = createPacedRunner({
    concurrency: options.concurrency ?? 8,
    attempts: target.maxAttempts ?? PORTAL_CLIENT.attempts,
    throttleAttempts: PORTAL_CLIENT.throttleAttempts,
  });
  const portal = await openPortal(target, { pacer });
  try {
    const accounts = (await portal.listAccounts(accessToken)).map((a) => ({ ...a, roles: [] as string[] }));
    if (options.withRoles === false) return accounts;
    await mapLimit(accounts, options.concurrency ?? 8, async (a) => {
      a.roles = await portal.listRoles(accessToken, a.accountId);
    });
    return accounts;
  } finally {
    portal.close();
  }
}

/** Logout with a short-lived client; any failure is returned as false (the caller removes files anyway). */
export async function portalLogout(
  env: NodeJS.ProcessEnv,
  region: string,
  accessToken: string,
): Promise<void> {
  const portal = await openPortal({ region, env, loginArgs: "" });
  try {
    await portal.logout(accessToken);
  } finally {
    portal.close();
  }
}
