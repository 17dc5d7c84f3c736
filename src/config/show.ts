/**
 * `portico config show`: the effective profile, keys and region with where each comes from, as
 * `aws configure list` reports them (docs/reference.md §9.1). Pure over the loaded config and the env;
 * the command (src/cli/commands/config.ts) only loads, calls and renders.
 */
import { configValue, keyFileTest, type ProfileProvider, profileProvider } from "./describe";
import type { AwsConfig } from "./load";
import { profileNotFound, resolveProfileName, resolveRegion } from "./paths";

export interface ShowRow {
  value: string | null;
  type: string | null;
  location: string | null;
}

/** profile, access_key, secret_key, region — in that order. */
export type ShowRows = Record<"profile" | "access_key" | "secret_key" | "region", ShowRow>;

/** 16 `*` and the last 4 characters, as `aws configure list` masks secrets. */
export const mask = (v: string): string => `${"*".repeat(16)}${v.slice(-4)}`;

const unset: ShowRow = { value: null, type: null, location: null };

/** The rows of `config show` for the selected profile. Throws profile_not_found for a named profile that does not exist. */
export function configShowRows(cfg: AwsConfig, env: NodeJS.ProcessEnv, profileFlag?: string): ShowRows {
  const sel = resolveProfileName(env, profileFlag);
  const profile = cfg.profiles.get(sel.name);
  if (!profile && sel.source !== "default") throw profileNotFound(sel, [...cfg.profiles.keys()]);
  const where = (key: string): string => {
    if (!profile) return "";
    const file = profile.keyFiles[key] ?? profile.file;
    const display =
      file === cfg.paths.credentialsFile ? cfg.paths.credentialsFileDisplay : cfg.paths.configFileDisplay;
    return `${display}:${profile.keyLines[key] ?? profile.line}`;
  };
  const fileType = (key: string) =>
    profile && (profile.keyFiles[key] ?? profile.file) === cfg.paths.credentialsFile
      ? "shared-credentials-file"
      : "config-file";
  const values = profile?.values ?? {};
  const provider: ProfileProvider = profile
    ? profileProvider(values, keyFileTest(profile, cfg.paths.credentialsFile))
    : "none";
  const profileRow: ShowRow =
    sel.source === "flag"
      ? { value: sel.name, type: "manual", location: "--profile" }
      : sel.source === "default"
        ? unset
        : { value: sel.name, type: "env", location: "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']" };
  let access: ShowRow = unset;
  let secret: ShowRow = unset;
  const envKey = env["AWS_ACCESS_KEY_ID"];
  const envSecret = env["AWS_SECRET_ACCESS_KEY"];
  const ak = configValue(values, "aws_access_key_id");
  const sk = configValue(values, "aws_secret_access_key");
  if (sel.source !== "flag" && envKey && envSecret) {
    access = { value: mask(envKey), type: "env", location: "" };
    secret = { value: mask(envSecret), type: "env", location: "" };
  } else if ((provider === "shared-credentials-file" || provider === "config-file") && ak !== undefined) {
    if (sk !== undefined) {
      access = { value: mask(ak), type: fileType("aws_access_key_id"), location: where("aws_access_key_id") };
      secret = {
        value: mask(sk),
        type: fileType("aws_secret_access_key"),
        location: where("aws_secret_access_key"),
      };
    }
  } else if (provider !== "none") {
    access = { value: "<resolved on use>", type: provider, location: "" };
    secret = { value: "<resolved on use>", type: provider, location: "" };
  }
  const region = resolveRegion(env, configValue(values, "region"));
  const regionRow: ShowRow = !region
    ? unset
    : region.source === "profile"
      ? { value: region.region, type: fileType("region"), location: where("region") }
      : { value: region.region, type: "env", location: "['AWS_REGION', 'AWS_DEFAULT_REGION']" };
  return { profile: profileRow, access_key: access, secret_key: secret, region: regionRow };
}

/** `aws configure list`'s table. */
export function formatShowRows(rows: ShowRows): string[] {
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(10)} : ${b.padEnd(24)} : ${c.padEnd(16)} : ${d}`;
  return [
    line("NAME", "VALUE", "TYPE", "LOCATION"),
    ...Object.entries(rows).map(([name, r]) =>
      line(name, r.value ?? "<not set>", r.type ?? "None", r.location ?? "None"),
    ),
  ];
}
