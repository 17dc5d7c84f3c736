/**
 * The settings a block was generated with, kept in its note line as the command that made it
 * (`portico sync --sso-session acme --region eu-west-1 …`), so a later plain `portico sync` keeps the
 * same names, filters and defaults. Pure: settings ⇄ words.
 */
import { shellSplit } from "../platform/browser";
import { shellWord } from "../sso/session";
import type { SyncFilters } from "./plan";

export interface SyncSettings {
  template?: string;
  lowerCase?: boolean;
  separator?: string;
  filters?: SyncFilters;
  region?: string;
  output?: string;
  noPrune?: boolean;
}

/** The command line that regenerates a block with these settings. */
export function settingsCommand(sessionName: string, s: SyncSettings): string {
  const w = ["portico", "sync", "--sso-session", shellWord(sessionName)];
  const add = (flag: string, v: string | undefined) => {
    if (v !== undefined) w.push(flag, shellWord(v));
  };
  add("--name", s.template);
  if (s.lowerCase) w.push("--lower-case");
  add("--separator", s.separator);
  for (const v of s.filters?.includeAccounts ?? []) add("--include-account", v);
  for (const v of s.filters?.excludeAccounts ?? []) add("--exclude-account", v);
  for (const v of s.filters?.includeRoles ?? []) add("--include-role", v);
  for (const v of s.filters?.excludeRoles ?? []) add("--exclude-role", v);
  add("--region", s.region);
  add("--output", s.output);
  if (s.noPrune) w.push("--no-prune");
  return w.join(" ");
}

/** The settings in a note line's command (unknown words ignored: the note is portico's own). */
export function parseSettingsCommand(command: string): SyncSettings {
  const words = shellSplit(command);
  const s: SyncSettings = {};
  const f: Required<SyncFilters> = {
    includeAccounts: [],
    excludeAccounts: [],
    includeRoles: [],
    excludeRoles: [],
  };
  for (let i = 2; i < words.length; i++) {
    const w = words[i]!;
    const v = words[i + 1];
    const take = () => {
      i++;
      return v!;
    };
    if (v !== undefined && w === "--name") s.template = take();
    else if (v !== undefined && w === "--separator") s.separator = take();
    else if (v !== undefined && w === "--region") s.region = take();
    else if (v !== undefined && w === "--output") s.output = take();
    else if (v !== undefined && w === "--include-account") f.includeAccounts.push(take());
    else if (v !== undefined && w === "--exclude-account") f.excludeAccounts.push(take());
    else if (v !== undefined && w === "--include-role") f.includeRoles.push(take());
    else if (v !== undefined && w === "--exclude-role") f.excludeRoles.push(take());
    else if (w === "--lower-case") s.lowerCase = true;
    else if (w === "--no-prune") s.noPrune = true;
    else if (w === "--sso-session") i++;
  }
  if (Object.values(f).some((l) => l.length > 0)) s.filters = f;
  return s;
}
