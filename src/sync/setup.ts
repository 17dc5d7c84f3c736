/**
 * `portico setup` pieces that need no I/O (docs/sync.md "Setup"): the session name a start URL
 * suggests, and organisation presets (a small JSON or INI file: start URL, region, session name,
 * naming template, default region/output, accounts/roles to skip) validated with every problem named.
 */
import { checkName } from "../config/edit";
import { ExitCode, PorticoError } from "../errors";
import { isAwsStartHost } from "../sso/start-url";
import type { SyncFilters } from "./plan";
import { parseTemplate } from "./template";

export interface Preset {
  startUrl?: string;
  ssoRegion?: string;
  ssoSession?: string;
  nameTemplate?: string;
  region?: string;
  output?: string;
  filters?: SyncFilters;
}

/** `acme` for https://acme.awsapps.com/start, the id for `<id>.portal.<region>.app.aws`, `example` for sso.example.com. */
export function defaultSessionName(startUrl: string): string {
  let host: string;
  try {
    host = new URL(startUrl).hostname.toLowerCase();
  } catch {
    return "sso";
  }
  const labels = host.split(".").filter(Boolean);
  const pick = isAwsStartHost(host) || labels.length < 2 ? labels[0] : labels[labels.length - 2];
  const name = (pick ?? "sso").replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return name === "" || /^\d+$/.test(name) ? "sso" : name;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const OUTPUTS = ["json", "yaml", "yaml-stream", "text", "table"];
const KEYS: Record<
  string,
  keyof Preset | "include_accounts" | "exclude_accounts" | "include_roles" | "exclude_roles"
> = {
  start_url: "startUrl",
  sso_start_url: "startUrl",
  sso_region: "ssoRegion",
  sso_session: "ssoSession",
  session_name: "ssoSession",
  name_template: "nameTemplate",
  name: "nameTemplate",
  region: "region",
  output: "output",
  include_accounts: "include_accounts",
  exclude_accounts: "exclude_accounts",
  include_roles: "include_roles",
  exclude_roles: "exclude_roles",
};
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, "_");

/** Parse and validate a preset's text (JSON object, or INI `key = value` lines, optionally under one section). */
export function parsePreset(text: string, source: string): Preset {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      const o = JSON.parse(text) as unknown;
      if (!o || typeof o !== "object" || Array.isArray(o)) problems.push("the JSON is not an object");
      else Object.assign(raw, o);
    } catch (e) {
      problems.push(`not valid JSON (${(e as Error).message})`);
    }
  } else {
    text.split(/\r\n|\r|\n/).forEach((line, i) => {
      const t = line.trim();
      if (t === "" || t.startsWith("#") || t.startsWith(";") || /^\[[^\]]+\]$/.test(t)) return;
      const eq = t.indexOf("=");
      if (eq === -1) problems.push(`line ${i + 1}: expected key = value`);
      else raw[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
    });
  }
  const out: Preset = {};
  const filters: SyncFilters = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = KEYS[snake(k)];
    if (!key) {
      problems.push(`unknown key "${k}" (known: ${[...new Set(Object.keys(KEYS))].join(", ")})`);
      continue;
    }
    const list = Array.isArray(v)
      ? v
      : typeof v === "string"
        ? v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined;
    if (key.includes("_")) {
      if (!list?.every((x) => typeof x === "string" && x !== "")) {
        problems.push(`"${k}" must be a list of strings (or a comma-separated string)`);
        continue;
      }
      const names: Record<string, keyof SyncFilters> = {
        include_accounts: "includeAccounts",
        exclude_accounts: "excludeAccounts",
        include_roles: "includeRoles",
        exclude_roles: "excludeRoles",
      };
      const f = names[key]!;
      filters[f] = list as string[];
      continue;
    }
    if (typeof v !== "string" || v === "") {
      problems.push(`"${k}" must be a non-empty string`);
      continue;
    }
    (out as Record<string, string>)[key] = v;
  }
  if (out.startUrl !== undefined && !/^https:\/\/[^\s/]+/.test(out.startUrl))
    problems.push(`start_url "${out.startUrl}" must be an https URL`);
  if (out.ssoRegion !== undefined && !REGION.test(out.ssoRegion))
    problems.push(`sso_region "${out.ssoRegion}" is not a region name such as eu-west-1`);
  if (out.region !== undefined && !REGION.test(out.region))
    problems.push(`region "${out.region}" is not a region name such as eu-west-1`);
  if (out.output !== undefined && !OUTPUTS.includes(out.output))
    problems.push(`output "${out.output}" must be one of ${OUTPUTS.join(", ")}`);
  if (out.ssoSession !== undefined)
    try {
      checkName("sso-session", out.ssoSession);
    } catch (e) {
      problems.push((e as Error).message);
    }
  if (out.nameTemplate !== undefined)
    try {
      parseTemplate(out.nameTemplate);
    } catch (e) {
      problems.push((e as Error).message);
    }
  if (problems.length > 0)
    throw new PorticoError(
      "setup_preset_invalid",
      `The preset ${source} is not usable: ${problems.join("; ")}`,
      {
        exitCode: ExitCode.config,
        hint: 'fix the preset (docs/sync.md "Presets") or pass the values as flags',
        details: { problems },
      },
    );
  if (Object.keys(filters).length > 0) out.filters = filters;
  return out;
}
