/**
 * What a profile is, in botocore's credential-provider order (aws-reference.md §1.4): assume-role →
 * web identity → SSO (sso_account_id or sso_role_name) → credentials-file static keys →
 * credential_process → config-file static keys. Pure.
 */
import type { SectionView } from "./load";

export type ProfileKind =
  | "assume-role"
  | "web-identity"
  | "sso"
  | "sso-legacy"
  | "static"
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

const str = (v: SectionView["values"][string] | undefined): string | undefined =>
  typeof v === "string" ? v : undefined;

/**
 * `keysFromCredentialsFile(key)` tells whether a key came from the credentials file (static keys there
 * come before credential_process, static keys in the config file after it); by default none did.
 */
export function profileKind(
  values: SectionView["values"],
  keysFromCredentialsFile: (key: string) => boolean = () => false,
): ProfileKind {
  if (str(values["role_arn"]) !== undefined) return "assume-role";
  if (str(values["web_identity_token_file"]) !== undefined) return "web-identity";
  if (str(values["sso_account_id"]) !== undefined || str(values["sso_role_name"]) !== undefined)
    return str(values["sso_session"]) !== undefined ? "sso" : "sso-legacy";
  const staticKeys = str(values["aws_access_key_id"]) !== undefined;
  if (staticKeys && keysFromCredentialsFile("aws_access_key_id")) return "static";
  if (str(values["credential_process"]) !== undefined) return "process";
  if (staticKeys) return "static";
  return "unknown";
}

/** `arn:aws:iam::123456789012:role/path/Name` → account and role name. */
export function parseRoleArn(arn: string): { account: string; role: string } | undefined {
  const m = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? { account: m[1]!, role: m[2]! } : undefined;
}

export function summarizeProfile(p: SectionView, credentialsFile?: string): ProfileSummary {
  const kind = profileKind(
    p.values,
    (k) => credentialsFile !== undefined && p.keyFiles[k] === credentialsFile,
  );
  const out: ProfileSummary = { name: p.name, kind, file: p.file, line: p.line };
  const v = p.values;
  if (kind === "sso" || kind === "sso-legacy") {
    const s = str(v["sso_session"]);
    if (s !== undefined) out.sso_session = s;
    const a = str(v["sso_account_id"]);
    if (a !== undefined) out.account = a;
    const r = str(v["sso_role_name"]);
    if (r !== undefined) out.role = r;
  } else if (kind === "assume-role") {
    const parsed = parseRoleArn(str(v["role_arn"])!);
    if (parsed) {
      out.account = parsed.account;
      out.role = parsed.role;
    }
  } else if (str(v["sso_session"]) !== undefined) out.sso_session = str(v["sso_session"]);
  const region = str(v["region"]);
  if (region !== undefined) out.region = region;
  return out;
}
