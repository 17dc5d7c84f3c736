/**
 * Discovery (docs/sync.md "Discovery"): ListAccounts page by page (100 per page), and as each page
 * arrives, ListAccountRoles for its accounts with bounded concurrency — every call through one pacer
 * (src/portal/paced.ts), so the whole discovery meets the portal's collective budget. Resumable: what
 * was listed is flushed to the discovery cache every `flushEveryMs` and when the run ends (success,
 * failure or Ctrl-C); an account's roles listed less than `maxAgeMs` ago are reused unless `refresh`.
 * A token rejected mid-way (401) is refreshed once, single-flight (src/sso/token-provider.ts).
 */
import { isPorticoError } from "../errors";
import type { Portal } from "../portal/client";
import type { CachedAccount, DiscoveryCache } from "./cache";
import type { DiscoveredAccount } from "./plan";

export interface DiscoveryProgress {
  phase: "accounts" | "roles" | "done";
  accountsListed: number;
  /** Accounts whose roles must be listed (so far). */
  rolesNeeded: number;
  rolesListed: number;
  /** From the cache (not listed again). */
  rolesReused: number;
  throttled: number;
  requests: number;
  /** Requests per second right now. */
  rate: number;
  elapsedMs: number;
}

export interface DiscoverDeps {
  portal: Portal;
  /** The current access token; `rejected` (after a 401) asks for a refreshed one. */
  token: (rejected?: string) => Promise<string>;
  cache: DiscoveryCache;
  saveCache: (cache: DiscoveryCache) => Promise<void>;
  now: () => number;
  progress?: (p: DiscoveryProgress) => void;
  stats: () => { sent: number; throttled: number; rate: number };
  signal?: AbortSignal;
}

export interface DiscoverOptions {
  concurrency?: number;
  maxAgeMs: number;
  refresh?: boolean;
  flushEveryMs?: number;
}

export async function discover(deps: DiscoverDeps, options: DiscoverOptions): Promise<DiscoveredAccount[]> {
  const started = deps.now();
  const concurrency = options.concurrency ?? 16;
  const flushEvery = options.flushEveryMs ?? 2000;
  const byId = new Map(deps.cache.accounts.map((a) => [a.accountId, a]));
  const fresh = (a: CachedAccount | undefined) =>
    !options.refresh &&
    a?.roles !== undefined &&
    a.rolesListedAt !== undefined &&
    started - a.rolesListedAt < options.maxAgeMs;

  // Single-flight token refresh: concurrent 401s share one refresh; a second rejection fails.
  let token = await deps.token();
  let refreshing: Promise<string> | undefined;
  let refreshed = false;
  const withToken = async <T>(fn: (t: string) => Promise<T>): Promise<T> => {
    const used = token;
    try {
      return await fn(used);
    } catch (e) {
      if (!(isPorticoError(e) && e.code === "sign_in_required")) throw e;
      if (used === token) {
        if (refreshed && !refreshing) throw e;
        refreshed = true;
        refreshing ??= deps.token(used).finally(() => {
          refreshing = undefined;
        });
        const next = await refreshing;
        if (next === used) throw e;
        token = next;
      }
      return fn(token);
    }
  };

  const listed: CachedAccount[] = [];
  const p: DiscoveryProgress = {
    phase: "accounts",
    accountsListed: 0,
    rolesNeeded: 0,
    rolesListed: 0,
    rolesReused: 0,
    throttled: 0,
    requests: 0,
    rate: 0,
    elapsedMs: 0,
  };
  const report = () => {
    const s = deps.stats();
    p.throttled = s.throttled;
    p.requests = s.sent;
    p.rate = s.rate;
    p.elapsedMs = deps.now() - started;
    deps.progress?.({ ...p });
  };
  let lastFlush = deps.now();
  let flushing: Promise<void> | undefined;
  const snapshot = (complete: boolean): DiscoveryCache => {
    // Accounts listed in this run first (their order), then cached ones not seen yet (still useful on resume).
    const seen = new Set(listed.map((a) => a.accountId));
    const rest = complete ? [] : deps.cache.accounts.filter((a) => !seen.has(a.accountId));
    const c: DiscoveryCache = { ...deps.cache, accounts: [...listed, ...rest] };
    if (complete) c.accountsListedAt = started;
    return c;
  };
  const maybeFlush = () => {
    if (flushing || deps.now() - lastFlush < flushEvery) return;
    lastFlush = deps.now();
    flushing = deps.saveCache(snapshot(false)).finally(() => {
      flushing = undefined;
    });
  };

  const queue: CachedAccount[] = [];
  let accountsDone = false;
  const waiting: (() => void)[] = [];
  const wakeAll = () => {
    for (const w of waiting.splice(0)) w();
  };
  let failure: unknown;
  const worker = async () => {
    for (;;) {
      if (failure) return;
      const a = queue.shift();
      if (!a) {
        if (accountsDone) return;
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      try {
        const roles = await withToken((t) => deps.portal.listRoles(t, a.accountId));
        a.roles = roles;
        a.rolesListedAt = deps.now();
        p.rolesListed++;
        report();
        maybeFlush();
      } catch (e) {
        failure ??= e;
        wakeAll();
        return;
      }
    }
  };
  const workers = Array.from({ length: concurrency }, () => worker());
  try {
    try {
      let next: string | undefined;
      do {
        if (failure) break;
        const page = await withToken((t) => deps.portal.listAccountsPage(t, next));
        for (const acc of page.items) {
          const cached = byId.get(acc.accountId);
          const entry: CachedAccount = {
            accountId: acc.accountId,
            ...(acc.accountName !== undefined ? { accountName: acc.accountName } : {}),
            ...(acc.emailAddress !== undefined ? { emailAddress: acc.emailAddress } : {}),
          };
          if (fresh(cached)) {
            entry.roles = cached!.roles!;
            entry.rolesListedAt = cached!.rolesListedAt!;
            p.rolesReused++;
          } else {
            queue.push(entry);
            p.rolesNeeded++;
          }
          listed.push(entry);
        }
        p.accountsListed = listed.length;
        report();
        wakeAll();
        next = page.nextToken;
      } while (next);
    } catch (e) {
      failure ??= e;
    }
    accountsDone = true;
    p.phase = "roles";
    report();
    // Release every waiting worker (each re-checks the queue and the end of the listing).
    wakeAll();
    await Promise.all(workers);
    if (failure) throw failure;
    p.phase = "done";
    report();
    const complete = snapshot(true);
    deps.cache.accounts = complete.accounts;
    deps.cache.accountsListedAt = started;
    return listed.map((a) => ({
      accountId: a.accountId,
      ...(a.accountName !== undefined ? { accountName: a.accountName } : {}),
      ...(a.emailAddress !== undefined ? { emailAddress: a.emailAddress } : {}),
      roles: a.roles ?? [],
    }));
  } finally {
    await flushing;
    // Whatever happened, keep what was listed (the final snapshot on success, progress otherwise).
    await deps.saveCache(failure ? snapshot(false) : deps.cache).catch(() => undefined);
  }
}
