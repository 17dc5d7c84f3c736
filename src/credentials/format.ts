/**
 * Output formats, byte for byte as the AWS CLI's `aws configure export-credentials`
 * (awscli/customizations/configure/exportcreds.py; docs/reference.md §9.3), and the
 * credential_process JSON (§1.7). Pure: values in, text out.
 */
import { type PyJsonValue, pyDumps } from "../platform/pyjson";
import type { AwsCredentials } from "./types";

export const CREDENTIAL_FORMATS = [
  "process",
  "env",
  "env-no-export",
  "powershell",
  "windows-cmd",
  "fish",
  "json",
] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

export const isCredentialFormat = (s: string): s is CredentialFormat =>
  (CREDENTIAL_FORMATS as readonly string[]).includes(s);

/**
 * Python `datetime.isoformat()` of an aware UTC datetime: `2026-11-22T03:16:02+00:00`,
 * with `.ffffff` microseconds only when they are non-zero.
 */
export function pythonIsoformat(d: Date): string {
  const base = d.toISOString().slice(0, 19);
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? `${base}+00:00` : `${base}.${String(ms).padStart(3, "0")}000+00:00`;
}

const LINE_TEMPLATES: Record<
  Exclude<CredentialFormat, "process" | "json">,
  (k: string, v: string) => string
> = {
  env: (k, v) => `export ${k}=${v}`,
  "env-no-export": (k, v) => `${k}=${v}`,
  powershell: (k, v) => `$Env:${k}="${v}"`,
  "windows-cmd": (k, v) => `set ${k}=${v}`,
  fish: (k, v) => `set -gx ${k} "${v}"`,
};

/** `aws configure export-credentials --format F` output for these credentials. */
export function formatCredentials(creds: AwsCredentials, format: CredentialFormat): string {
  const expiry = creds.expiration ? pythonIsoformat(creds.expiration) : undefined;
  if (format === "process" || format === "json") {
    const out: Record<string, PyJsonValue> = {
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
    };
    if (creds.sessionToken !== undefined) out["SessionToken"] = creds.sessionToken;
    if (expiry !== undefined) out["Expiration"] = expiry;
    return `${pyDumps(out, { indent: 2, separators: [",", ": "] })}\n`;
  }
  const line = LINE_TEMPLATES[format];
  let text = `${line("AWS_ACCESS_KEY_ID", creds.accessKeyId)}\n${line("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey)}\n`;
  if (creds.sessionToken !== undefined) text += `${line("AWS_SESSION_TOKEN", creds.sessionToken)}\n`;
  if (expiry !== undefined) text += `${line("AWS_CREDENTIAL_EXPIRATION", expiry)}\n`;
  return text;
}

/**
 * The credential_process document (§1.7): `Version` the number 1, expiration with `Z`, and
 * `AccountId` (read by botocore and the SDK JS v3; ignored by older clients). One line.
 */
export function formatCredentialProcess(creds: AwsCredentials): string {
  const out: Record<string, PyJsonValue> = {
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken !== undefined) out["SessionToken"] = creds.sessionToken;
  if (creds.expiration) out["Expiration"] = `${creds.expiration.toISOString().slice(0, 19)}Z`;
  if (creds.accountId !== undefined) out["AccountId"] = creds.accountId;
  return `${JSON.stringify(out)}\n`;
}

/** The environment variables `portico exec` sets (AWS_PROFILE is removed separately). */
export function credentialEnv(creds: AwsCredentials, region?: string): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  };
  if (creds.sessionToken !== undefined) env["AWS_SESSION_TOKEN"] = creds.sessionToken;
  if (creds.expiration) env["AWS_CREDENTIAL_EXPIRATION"] = pythonIsoformat(creds.expiration);
  if (region) {
    env["AWS_REGION"] = region;
    env["AWS_DEFAULT_REGION"] = region;
  }
  return env;
}
