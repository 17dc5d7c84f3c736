/**
 * What a profile is, in botocore's credential-provider order (docs/reference.md §1.4) — the one
 * classifier, used by `profiles`/`config show`, by credential resolution (src/credentials/resolve.ts)
 * and by the credential_process fast path. Each provider's test is botocore's own, including how it
 * treats an empty value (test/config/providers-diff.test.ts checks it against the real botocore):
 * 1. assume-role: `role_arn` present and `web_identity_token_file` absent (`_has_assume_role_config_vars`);
 * 2. web identity: `web_identity_token_file` non-empty (`if not token_path`);
 * 3. SSO: `sso_account_id` or `sso_role_name` present;
 * 4. credentials-file static keys: `aws_access_key_id` present in the credentials file's section;
 * 5. login (`aws login`): `login_session` present;
 * 6. credential_process present (`is None` test: an empty command is still chosen, and fails);
 * 7. config-file static keys: `aws_access_key_id` present in the config file's section.
 * Pure.
 */
import type { SectionView } from "./load";

/** A section's values as either view holds them (the loaded SectionView, or the scanner's raw map). */
export type ConfigValues = SectionView["values"] | ReadonlyMap<string, string | ReadonlyMap<string, string>>;

/**
 * The value of a key: the string — possibly "" — when the key is present, undefined when it is absent
 * (or is a sub-section, which is not a value). botocore mostly tests presence (`key in profile`,
 * `is not None`); use `nonEmptyValue` where it tests truthiness (`if not value`).
 */
export function configValue(values: ConfigValues | undefined, key: string): string | undefined {
  if (values === undefined) return undefined;
  const v = values instanceof Map ? values.get(key) : (values as SectionView["values"])[key];
  return typeof v === "string" ? v : undefined;
}

/** The value when present and non-empty (botocore's `if not value` tests), else undefined. */
export function nonEmptyValue(values: ConfigValues | undefined, key: string): string | undefined {
  const v = configValue(values, key);
  return v === undefined || v === "" ? undefined : v;
}

/** botocore's provider for a profile (its METHOD names), or "none" when no profile provider applies. */
export type ProfileProvider =
  | "assume-role"
  | "assume-role-with-web-identity"
  | "sso"
  | "shared-credentials-file"
  | "login"
  | "custom-process"
  | "config-file"
  | "none";

/**
 * `keyFromCredentialsFile(key)` tells whether the credentials file's section holds the key (static keys
 * there come before credential_process, static keys in the config file after it); by default none do.
 */
export function profileProvider(
  values: ConfigValues,
  keyFromCredentialsFile: (key: string) => boolean = () => false,
): ProfileProvider {
  const has = (k: string) => configValue(values, k) !== undefined;
  if (has("role_arn") && !has("web_identity_token_file")) return "assume-role";
  if (nonEmptyValue(values, "web_identity_token_file") !== undefined) return "assume-role-with-web-identity";
  if (has("sso_account_id") || has("sso_role_name")) return "sso";
  const keys = has("aws_access_key_id");
  if (keys && keyFromCredentialsFile("aws_access_key_id")) return "shared-credentials-file";
  if (has("login_session")) return "login";
  if (has("credential_process")) return "custom-process";
  if (keys) return "config-file";
  return "none";
}

export type ProfileKind =
  | "assume-role"
  | "web-identity"
  | "sso"
  | "sso-legacy"
  | "static"
  | "login"
  | "process"
  | "unknown";

export interface ProfileSummary {
  name: string;
  kind: ProfileKind;
  sso_session?: string;
  account?: string;
  role?: string;
  region?: string;
  file: string;
  line: number;
}

const KIND: Record<ProfileProvider, ProfileKind> = {
  "assume-role": "assume-role",
  "assume-role-with-web-identity": "web-identity",
  sso: "sso",
  "shared-credentials-file": "static",
  login: "login",
  "custom-process": "process",
  "config-file": "static",
  none: "unknown",
};

/** The profile's kind for people (`profiles`, `config show`): the provider, SSO split by sso_session. */
export function profileKind(
  values: ConfigValues,
  keyFromCredentialsFile: (key: string) => boolean = () => false,
): ProfileKind {
  const kind = KIND[profileProvider(values, keyFromCredentialsFile)];
  return kind === "sso" && configValue(values, "sso_session") === undefined ? "sso-legacy" : kind;
}

/** The keyFromCredentialsFile test for a loaded profile. */
export const keyFileTest =
  (p: SectionView, credentialsFile: string | undefined) =>
  (k: string): boolean =>
    credentialsFile !== undefined && p.keyFiles[k] === credentialsFile;

/** `arn:aws:iam::123456789012:role/path/Name` → account and role name. */
export function parseRoleArn(arn: string): { account: string; role: string } | undefined {
  const m = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? { account: m[1]!, role: m[2]! } : undefined;
}

const str = (v: SectionView["values"], k: string) => configValue(v, k);

export function summarizeProfile(p: SectionView, credentialsFile?: string): ProfileSummary {
  const kind = profileKind(p.values, keyFileTest(p, credentialsFile));
  const out: ProfileSummary = { name: p.name, kind, file: p.file, line: p.line };
  const v = p.values;
  if (kind === "sso" || kind === "sso-legacy") {
    const s = str(v, "sso_session");
    if (s !== undefined) out.sso_session = s;
    const a = str(v, "sso_account_id");
    if (a !== undefined) out.account = a;
    const r = str(v, "sso_role_name");
    if (r !== undefined) out.role = r;
  } else if (kind === "assume-role") {
    const parsed = parseRoleArn(str(v, "role_arn")!);
    if (parsed) {
      out.account = parsed.account;
      out.role = parsed.role;
    }
  } else if (str(v, "sso_session") !== undefined) out.sso_session = str(v, "sso_session");
  const region = str(v, "region");
  if (region !== undefined) out.region = region;
  return out;
}
