/**
 * `portico pick`: the list of every SSO profile (account × role) with recent choices first, and the
 * type-to-filter match. Pure and allocation-light so a keystroke over 21,000 entries stays in the
 * low milliseconds: haystacks are lower-cased once (`prepare`), a query is split into words that must
 * all occur (in the profile name, account name, account id or role), order is exact name → name prefix
 * → frecency → name.
 */

export interface PickEntry {
  profile: string;
  accountId: string;
  roleName: string;
  accountName?: string;
  ssoSession?: string;
}

export interface Prepared extends PickEntry {
  /** Lower-cased "profile accountName accountId role". */
  hay: string;
  lname: string;
}

/** How often and how lately each key (profile name, or `account:<id>`) was chosen. */
export type History = Record<string, { count: number; last: number }>;

export function prepare(entries: readonly PickEntry[]): Prepared[] {
  return entries.map((e) => ({
    ...e,
    lname: e.profile.toLowerCase(),
    hay: `${e.profile} ${e.accountName ?? ""} ${e.accountId} ${e.roleName}`.toLowerCase(),
  }));
}

const HOUR = 3_600_000;

/** Frecency: the count weighted by how recent the last choice was (pure). */
export function frecency(h: { count: number; last: number } | undefined, now: number): number {
  if (!h) return 0;
  const age = now - h.last;
  const w =
    age < HOUR ? 4 : age < 24 * HOUR ? 2 : age < 7 * 24 * HOUR ? 1 : age < 30 * 24 * HOUR ? 0.5 : 0.25;
  return h.count * w;
}

/** The entries matching `query`, best first. */
export function rank<T extends Prepared>(
  entries: readonly T[],
  query: string,
  history: History,
  now: number,
): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const q = query.trim().toLowerCase();
  const hits: { e: T; tier: number; score: number }[] = [];
  for (const e of entries) {
    let ok = true;
    for (const w of words)
      if (!e.hay.includes(w)) {
        ok = false;
        break;
      }
    if (!ok) continue;
    const tier = q !== "" && e.lname === q ? 0 : q !== "" && e.lname.startsWith(q) ? 1 : 2;
    hits.push({ e, tier, score: frecency(history[e.profile], now) });
  }
  hits.sort(
    (a, b) =>
      a.tier - b.tier ||
      b.score - a.score ||
      (a.e.profile < b.e.profile ? -1 : a.e.profile > b.e.profile ? 1 : 0),
  );
  return hits.map((h) => h.e);
}

/**
 * `rank(prepare(entries), "", history, now)` without preparing anything (pure): recent choices by
 * frecency, then the rest by name — what the picker's first frame shows, in O(history + n) when
 * `entries` are already sorted by name (the picker's index keeps them so), O(n log n) otherwise.
 */
export function orderForEmpty<T extends PickEntry>(
  entries: readonly T[],
  history: History,
  now: number,
): T[] {
  const byName = (a: T, b: T) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0);
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++)
    if (byName(entries[i - 1]!, entries[i]!) > 0) sorted = false;
  const all = sorted ? entries : [...entries].sort(byName);
  const recent: { e: T; score: number }[] = [];
  const rest: T[] = [];
  for (const e of all) {
    const score = Object.hasOwn(history, e.profile) ? frecency(history[e.profile], now) : 0;
    if (score > 0) recent.push({ e, score });
    else rest.push(e);
  }
  recent.sort((a, b) => b.score - a.score || byName(a.e, b.e));
  return [...recent.map((r) => r.e), ...rest];
}

/** True when every word of `query` occurs in `hay` (both compared lower-cased): the picker's match rule (pure). */
export function matchesWords(hay: string, query: string): boolean {
  const h = hay.toLowerCase();
  for (const w of query.toLowerCase().split(/\s+/)) if (w && !h.includes(w)) return false;
  return true;
}

/** The history key of a role of an account (recorded by `pick` and the `configure sso` role picker). */
export const roleKey = (accountId: string, roleName: string): string => `role:${accountId}:${roleName}`;

/** Roles ordered for a picker: recent first (by `role:<account>:<role>` history), then the given order. */
export function rankRoles(
  accountId: string,
  roles: readonly string[],
  history: History,
  now: number,
): string[] {
  return roles
    .map((r, i) => ({ r, i, s: frecency(history[roleKey(accountId, r)], now) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.r);
}

/** A non-interactive pick: the one entry `query` selects (an exact name, or the only match). */
export function pickOne(ranked: readonly Prepared[], query: string): Prepared | undefined {
  const q = query.trim().toLowerCase();
  const exact = ranked.filter((e) => e.lname === q);
  if (exact.length === 1) return exact[0];
  return ranked.length === 1 ? ranked[0] : undefined;
}

/** The label a picker shows. */
export function label(e: PickEntry): string {
  return `${e.profile}  ${e.accountName ? `${e.accountName} ` : ""}(${e.accountId}) ${e.roleName}`;
}

/** Record a choice (pure: returns the new history). */
export function remember(history: History, key: string, now: number): History {
  const h = history[key];
  return { ...history, [key]: { count: (h?.count ?? 0) + 1, last: now } };
}

/** Accounts ordered for a picker: recent first (by `account:<id>` history), then the given order. */
export function rankAccounts<T extends { accountId: string }>(
  accounts: readonly T[],
  history: History,
  now: number,
): T[] {
  return accounts
    .map((a, i) => ({ a, i, s: frecency(history[`account:${a.accountId}`], now) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.a);
}
