/**
 * Assume-role profiles (`role_arn` + `source_profile`), as botocore / the AWS CLI v2 resolve them
 * (awscli/botocore/credentials.py `AssumeRoleProvider`, `AssumeRoleCredentialFetcher`), with the
 * role credentials shared through the AWS CLI's cache (docs/reference.md §2.3): key = sha1 of
 * `json.dumps(AssumeRole kwargs, sort_keys=True)` (default separators; `RoleSessionName` left out when
 * it was generated), entry = the AssumeRole response with `…UTC` datetimes.
 * Not supported (refused by name): `credential_source`, `mfa_serial` (needs a prompt), web identity.
 */
import { nonEmptyValue } from "../config/describe";
import type { SectionView } from "../config/load";
import { configError, PorticoError } from "../errors";
import { type AwsErrorInfo, classifyAwsError, transportError } from "../platform/aws-errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import { type PyJsonValue, pyDumps } from "../platform/pyjson";
import type { AwsCredentials } from "./types";

export interface AssumeRoleConfig {
  roleArn: string;
  sourceProfile: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds?: number;
}

const str = (section: SectionView, key: string): string | undefined => nonEmptyValue(section.values, key);

/** The profile's assume-role settings, with botocore's refusals. */
export function assumeRoleConfig(section: SectionView): AssumeRoleConfig {
  const name = section.name;
  const roleArn = str(section, "role_arn")!;
  const sourceProfile = str(section, "source_profile");
  const credentialSource = str(section, "credential_source");
  if (credentialSource !== undefined && sourceProfile !== undefined)
    throw configError(
      "assume_role_invalid",
      `The profile "${name}" contains both source_profile and credential_source.`,
      {
        hint: `Keep one of them in [profile ${name}] (${section.file}:${section.line}).`,
      },
    );
  if (credentialSource !== undefined)
    throw configError(
      "credential_source_unsupported",
      `The profile "${name}" assumes its role with credential_source = ${credentialSource} (EC2/ECS/environment credentials), which portico does not support yet`,
      { hint: `Use the AWS CLI for it (aws configure export-credentials --profile ${name}).` },
    );
  if (sourceProfile === undefined)
    throw configError(
      "assume_role_invalid",
      `The profile "${name}" has role_arn but neither source_profile nor credential_source`,
      {
        hint: `Add source_profile = <an SSO profile> to [profile ${name}] (${section.file}:${section.line}).`,
      },
    );
  if (str(section, "mfa_serial") !== undefined)
    throw configError(
      "credential_source_unsupported",
      `The profile "${name}" assumes its role with an MFA code (mfa_serial), which portico does not support yet`,
      { hint: `Use the AWS CLI for it (aws configure export-credentials --profile ${name}).` },
    );
  const out: AssumeRoleConfig = { roleArn, sourceProfile };
  const rsn = str(section, "role_session_name");
  if (rsn !== undefined) out.roleSessionName = rsn;
  const ext = str(section, "external_id");
  if (ext !== undefined) out.externalId = ext;
  const dur = str(section, "duration_seconds");
  // botocore: int(duration_seconds), silently ignored when it is not an integer.
  if (dur !== undefined && /^\s*[+-]?\d+\s*$/.test(dur)) out.durationSeconds = Number.parseInt(dur, 10);
  return out;
}

/** botocore's AssumeRole kwargs for the cache key: RoleArn + the configured extras (no generated session name). */
export function assumeRoleKeyMaterial(c: AssumeRoleConfig): string {
  const args: Record<string, PyJsonValue> = { RoleArn: c.roleArn };
  if (c.roleSessionName !== undefined) args["RoleSessionName"] = c.roleSessionName;
  if (c.externalId !== undefined) args["ExternalId"] = c.externalId;
  if (c.durationSeconds !== undefined) args["DurationSeconds"] = c.durationSeconds;
  return pyDumps(args, { sortKeys: true });
}

/** `YYYY-MM-DDTHH:MM:SSUTC`: botocore's JSONFileCache rendering of an aware UTC datetime. */
const utcStamp = (d: Date) => `${d.toISOString().slice(0, 19)}UTC`;

/** The cache entry the CLI writes for an assume-role response (the parts readers use). */
export function serializeAssumeRoleEntry(
  creds: AwsCredentials,
  assumedRoleUser?: { arn: string; assumedRoleId: string },
): string {
  const doc: Record<string, PyJsonValue> = {
    Credentials: {
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken ?? "",
      Expiration: utcStamp(creds.expiration ?? new Date(0)),
    },
  };
  if (assumedRoleUser)
    doc["AssumedRoleUser"] = { AssumedRoleId: assumedRoleUser.assumedRoleId, Arn: assumedRoleUser.arn };
  return pyDumps(doc);
}

export interface AssumedRole {
  credentials: AwsCredentials;
  assumedRoleUser?: { arn: string; assumedRoleId: string };
}

/**
 * An STS AssumeRole / AssumeRoleWithWebIdentity answer narrowed to portico's credentials (expiration to the
 * second, as the AWS CLI caches it); incomplete credentials are a service_error. Shared by both operations.
 */
export function assumedRoleResult(
  out: {
    Credentials?: {
      AccessKeyId?: string;
      SecretAccessKey?: string;
      SessionToken?: string;
      Expiration?: Date;
    };
    AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string };
  },
  operation: string,
  accountId: string | undefined,
): AssumedRole {
  const k = out.Credentials;
  if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken || !k.Expiration)
    throw new PorticoError("service_error", `STS ${operation} returned incomplete credentials`);
  return {
    credentials: {
      accessKeyId: k.AccessKeyId,
      secretAccessKey: k.SecretAccessKey,
      sessionToken: k.SessionToken,
      expiration: new Date(Math.floor(new Date(k.Expiration).getTime() / 1000) * 1000),
      ...(accountId ? { accountId } : {}),
    },
    ...(out.AssumedRoleUser?.Arn && out.AssumedRoleUser.AssumedRoleId
      ? {
          assumedRoleUser: { arn: out.AssumedRoleUser.Arn, assumedRoleId: out.AssumedRoleUser.AssumedRoleId },
        }
      : {}),
  };
}

/** The rest of an STS assume failure (after the operation's own cases): network/time-out/throttle, else service_error. */
export function stsAssumeFailure(
  e: unknown,
  info: AwsErrorInfo,
  operation: string,
  roleArn: string,
): PorticoError {
  return (
    transportError(e, info, {
      what: `${operation} ${roleArn}`,
      service: "STS",
      endpointVars: "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS",
      timeoutMs: 10_000,
    }) ??
    new PorticoError("service_error", `${operation} failed: ${info.name ?? "Error"}: ${info.message}`, {
      hint: "Check role_arn, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set one; run with --debug for details.",
      cause: e,
    })
  );
}

/** STS AssumeRole with the source credentials (lazy @aws-sdk/client-sts). */
export async function assumeRole(
  env: NodeJS.ProcessEnv,
  source: AwsCredentials,
  c: AssumeRoleConfig,
  region: string,
  now: Date,
  profileName: string,
): Promise<AssumedRole> {
  const sts = await import("@aws-sdk/client-sts");
  const client = new sts.STSClient({
    ...sdkClientConfig({ env, service: "STS", region }),
    credentials: {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
    },
  });
  try {
    const out = await client.send(
      new sts.AssumeRoleCommand({
        RoleArn: c.roleArn,
        // botocore's default session name when none is configured.
        RoleSessionName: c.roleSessionName ?? `botocore-session-${Math.floor(now.getTime() / 1000)}`,
        ...(c.externalId !== undefined ? { ExternalId: c.externalId } : {}),
        ...(c.durationSeconds !== undefined ? { DurationSeconds: c.durationSeconds } : {}),
      }),
    );
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(c.roleArn)?.[1];
    return assumedRoleResult(out, "AssumeRole", account);
  } catch (e) {
    if (e instanceof PorticoError) throw e;
    const info = classifyAwsError(e);
    if (info.kind === "forbidden")
      throw new PorticoError(
        "access_denied",
        `AssumeRole ${c.roleArn} was denied (${info.name ?? "Error"}: ${info.message})`,
        {
          hint: `Check role_arn in [profile ${profileName}] and that the source profile ${c.sourceProfile} may assume it.`,
          cause: e,
        },
      );
    throw stsAssumeFailure(e, info, "AssumeRole", c.roleArn);
  } finally {
    client.destroy();
  }
}
