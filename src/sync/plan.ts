/**
 * What a sync writes, pure: from the discovered accounts × roles, the filters and the name template to
 * the generated profiles (names made unique deterministically, the user's own profiles winning), the
 * changes against the block already in the file, and the new block body. No I/O: the caller reads the
 * file and writes the result through the config layer (src/config/edit.ts, one atomic write).
 */
import { profileMapEntry } from "../config/botocore";
import { scanLines } from "../config/scan";
import { usageError } from "../errors";
import { blockId, findBlock, type GeneratedProfile, renderBlock } from "./block";
import { isWritableName, type NameOptions, renderName, type TemplatePart } from "./template";

export interface DiscoveredAccount {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
  roles: string[];
}

export interface SyncFilters {
  /** Account ids or account-name globs to keep (empty: all). */
  includeAccounts?: string[];
  excludeAccounts?: string[];
  /** Role-name globs. */
  includeRoles?: string[];
  excludeRoles?: string[];
}

export interface PlanInput {
  text: string;
  file: string;
  sessionName: string;
  startUrl: string;
  accounts: readonly DiscoveredAccount[];
  template: TemplatePart[];
  nameOptions?: NameOptions;
  filters?: SyncFilters;
  region?: string;
  output?: string;
  /** Keep profiles of accounts/roles that disappeared (default: prune them). */
  noPrune?: boolean;
  /** What the last sync wrote (from the discovery cache), to name hand-edited lines. */
  lastWritten?: readonly GeneratedProfile[];
  /** The command that regenerates the block (settings.ts), written in its note line. */
  command: string;
}

export interface Skipped {
  name: string;
  accountId: string;
  roleName: string;
  reason: "user_profile" | "unwritable_name" | "unwritable_value";
  /** 1-based line of the profile that wins, for user_profile. */
  line?: number;
}

export interface SyncPlan {
  id: string;
  sessionName: string;
  /** The id of this session's block in the file now, when it differs (start URL changed): removed. */
  replacesId?: string;
  profiles: GeneratedProfile[];
  body: string[];
  added: string[];
  changed: string[];
  removed: string[];
  /** Kept by --no-prune although gone from the portal. */
  kept: string[];
  skipped: Skipped[];
  /** False when the file would stay byte-identical. */
  changes: boolean;
}

/**
 * Values from the portal are server input: only an account id of 12 digits and a role name of the
 * characters IAM allows in names ([\w+=,.@-]) are written, so every value reads back as written in
 * every parser (no `#`/`;`, spaces or line breaks); others are skipped and reported.
 */
const WRITABLE_ID = /^\d{12}$/;
const WRITABLE_ROLE = /^[\w+=,.@-]{1,128}$/;

/** A glob (`*`, `?`) as an anchored, case-insensitive RegExp. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (const ch of glob) re += ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${re}$`, "i");
}

const accountMatches = (a: DiscoveredAccount, patterns: RegExp[], raw: string[]) =>
  raw.includes(a.accountId) || patterns.some((p) => p.test(a.accountName ?? ""));

/** Accounts × roles after the filters, in a stable order (account id, role name). */
export function filterPairs(
  accounts: readonly DiscoveredAccount[],
  f: SyncFilters = {},
): { account: DiscoveredAccount; roleName: string }[] {
  const inA = (f.includeAccounts ?? []).map(globRegExp);
  const exA = (f.excludeAccounts ?? []).map(globRegExp);
  const inR = (f.includeRoles ?? []).map(globRegExp);
  const exR = (f.excludeRoles ?? []).map(globRegExp);
  const out: { account: DiscoveredAccount; roleName: string }[] = [];
  const sorted = [...accounts].sort((a, b) =>
    a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
  );
  for (const a of sorted) {
    if (inA.length > 0 && !accountMatches(a, inA, f.includeAccounts!)) continue;
    if (exA.length > 0 && accountMatches(a, exA, f.excludeAccounts!)) continue;
    for (const r of [...a.roles].sort()) {
      if (inR.length > 0 && !inR.some((p) => p.test(r))) continue;
      if (exR.some((p) => p.test(r))) continue;
      out.push({ account: a, roleName: r });
    }
  }
  return out;
}

/**
 * Names for every pair, unique and independent of listing order: a name shared by several accounts gets
 * `<sep><account id>` on each; one still shared (roles of one account that sanitise alike) gets
 * `<sep>2`, `<sep>3`… in role-name order.
 */
export function assignNames(
  pairs: { account: DiscoveredAccount; roleName: string }[],
  template: TemplatePart[],
  sessionName: string,
  options: NameOptions = {},
): string[] {
  const sep = options.separator ?? "-";
  const memo = new Map<string, string>();
  const base = pairs.map((p) =>
    renderName(
      template,
      {
        account_id: p.account.accountId,
        account_name: p.account.accountName ?? p.account.accountId,
        account_email: p.account.emailAddress ?? "",
        role_name: p.roleName,
        session_name: sessionName,
      },
      options,
      memo,
    ),
  );
  // Only names given more than once need work (none, usually: then the names are the rendered ones).
  const first = new Map<string, number>();
  let groups: Map<string, number[]> | undefined;
  for (let i = 0; i < base.length; i++) {
    const n = base[i]!;
    const f = first.get(n);
    if (f === undefined) {
      first.set(n, i);
      continue;
    }
    groups ??= new Map();
    const g = groups.get(n);
    if (g) g.push(i);
    else groups.set(n, [f, i]);
  }
  if (groups === undefined) return base;
  const names = [...base];
  for (const [n, idx] of groups) {
    const accounts = new Set(idx.map((i) => pairs[i]!.account.accountId));
    if (accounts.size > 1) for (const i of idx) names[i] = `${n}${sep}${pairs[i]!.account.accountId}`;
  }
  // Whatever is still shared: number in (account id, role name) order — the pairs' own order.
  const seen = new Map<string, number>();
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n) => {
    if ((count.get(n) ?? 0) < 2) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}${sep}${k}`;
  });
}

const same = (a: GeneratedProfile, b: GeneratedProfile) =>
  a.accountId === b.accountId && a.roleName === b.roleName && a.region === b.region && a.output === b.output;

/** This session's block in the file (lines), checked for hand edits (throws). */
export function findExisting(
  lines: readonly string[],
  input: Pick<PlanInput, "sessionName" | "file" | "lastWritten">,
): ReturnType<typeof findBlock> {
  return findBlock(lines, input.sessionName, input.file, input.lastWritten);
}

/** The file's lines without their breaks (\n, \r\n, \r). */
export function textLines(t: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push(t.slice(start, i));
      if (c === 13 && t.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < t.length) lines.push(t.slice(start));
  return lines;
}

/** Plan a sync of one session's block. Throws (exit 2/3) for hand edits, a duplicated block. */
export function planSync(input: PlanInput): SyncPlan {
  const lines = textLines(input.text);
  const found = findExisting(lines, input);
  const id = blockId(input.sessionName, input.startUrl);
  if (/\s/.test(input.startUrl)) throw usageError(`The start URL "${input.startUrl}" contains whitespace`);

  // Profiles defined outside this block (the user's own, other sessions' blocks) win: the sections of
  // the file without the block, as botocore would read that file.
  // (Without a block, the file itself: the same lines, split the same universal-newline way.)
  const outsideText = found
    ? `${[...lines.slice(0, found.begin), ...lines.slice(found.end + 1)].join("\n")}\n`
    : input.text;
  const outside = new Map<string, number>();
  const ls = scanLines(outsideText);
  for (let s = 0; s < ls.sectionCount; s++) {
    if (ls.isDefault(s) || ls.isDuplicate(s)) continue;
    const e = profileMapEntry(ls.sectionName(s));
    if (e?.kind !== "profiles") continue;
    const line = ls.sectionLine[s]!;
    // 1-based line in the real file.
    outside.set(e.name, line + 1 + (found && line >= found.begin ? found.end - found.begin + 1 : 0));
  }

  const pairs = filterPairs(input.accounts, input.filters);
  const assigned = assignNames(pairs, input.template, input.sessionName, input.nameOptions);
  const skipped: Skipped[] = [];
  const fresh: GeneratedProfile[] = [];
  pairs.forEach((p, i) => {
    const name = assigned[i]!;
    const base = { name, accountId: p.account.accountId, roleName: p.roleName };
    if (outside.has(name)) skipped.push({ ...base, reason: "user_profile", line: outside.get(name)! });
    else if (!isWritableName(name)) skipped.push({ ...base, reason: "unwritable_name" });
    else if (!WRITABLE_ID.test(p.account.accountId) || !WRITABLE_ROLE.test(p.roleName))
      skipped.push({ ...base, reason: "unwritable_value" });
    else {
      const g: GeneratedProfile = base;
      if (input.region !== undefined) g.region = input.region;
      if (input.output !== undefined) g.output = input.output;
      fresh.push(g);
    }
  });

  const old = new Map<string, GeneratedProfile>();
  for (const p of found?.profiles ?? []) old.set(p.name, p);
  const next = new Map<string, GeneratedProfile>();
  for (const p of fresh) next.set(p.name, p);
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  const kept: string[] = [];
  for (const o of old.values()) {
    if (next.has(o.name)) continue;
    if (input.noPrune && !outside.has(o.name)) {
      kept.push(o.name);
      next.set(o.name, o);
    } else removed.push(o.name);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const profiles = [...next.values()].sort((a, b) => byName(a.name, b.name));
  // In name order already: the profiles are (names are unique).
  for (const p of profiles) {
    const o = old.get(p.name);
    if (o === p) continue; // kept
    if (!o) added.push(p.name);
    else if (!same(o, p)) changed.push(p.name);
  }
  removed.sort(byName);
  kept.sort(byName);
  const body = renderBlock(input.sessionName, profiles, input.command);
  const current = found ? lines.slice(found.begin + 1, found.end) : undefined;
  const changes =
    !found || found.id !== id || current!.length !== body.length || current!.some((l, i) => l !== body[i]);
  return {
    id,
    sessionName: input.sessionName,
    ...(found && found.id !== id ? { replacesId: found.id } : {}),
    profiles,
    body,
    added,
    changed,
    removed,
    kept,
    skipped,
    changes,
  };
}
