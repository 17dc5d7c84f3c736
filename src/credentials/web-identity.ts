/**
 * Web-identity profiles (`role_arn` + `web_identity_token_file`), as botocore / the AWS CLI v2 resolve
 * them (botocore credentials.py `AssumeRoleWithWebIdentityProvider`): the token file's whole content is
 * the WebIdentityToken of an unsigned STS AssumeRoleWithWebIdentity; the credentials are shared through
 * the AWS CLI's cache exactly like assume-role ones (docs/reference.md §2.3: key = sha1 of
 * `json.dumps({RoleArn, RoleSessionName?}, sort_keys=True)` — the token is not part of it; entry = the
 * response with `…UTC` datetimes). Only the profile's keys are read (AWS_ROLE_ARN /
 * AWS_WEB_IDENTITY_TOKEN_FILE are not: portico resolves a named profile, like the CLI with --profile).
 */
import { promises as fs } from "node:fs";
import { configValue, nonEmptyValue } from "../config/describe";
import type { SectionView } from "../config/load";
import { configError, PorticoError } from "../errors";
import { classifyAwsError } from "../platform/aws-errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import { type AssumeRoleConfig, assumedRoleResult, stsAssumeFailure } from "./assume-role";
import type { AwsCredentials } from "./types";

export interface WebIdentityConfig {
  roleArn: string;
  tokenFile: string;
  roleSessionName?: string;
}

/** The profile's web-identity settings, with botocore's refusal (a token file but no role_arn). */
export function webIdentityConfig(section: SectionView): WebIdentityConfig {
  const tokenFile = nonEmptyValue(section.values, "web_identity_token_file")!;
  const roleArn = nonEmptyValue(section.values, "role_arn");
  if (roleArn === undefined)
    throw configError(
      "web_identity_invalid",
      `The profile "${section.name}" is configured to assume role with web identity (web_identity_token_file) but has no role_arn`,
      {
        hint: `Add role_arn = arn:aws:iam::<account>:role/<name> to [profile ${section.name}] (${section.file}:${section.line}).`,
        details: { profile: section.name, file: section.file, line: section.line },
      },
    );
  const out: WebIdentityConfig = { roleArn, tokenFile };
  const rsn = configValue(section.values, "role_session_name");
  if (rsn !== undefined) out.roleSessionName = rsn;
  return out;
}

/** The same kwargs as an assume-role for the cache key (botocore's BaseAssumeRoleCredentialFetcher). */
export function webIdentityKeyConfig(c: WebIdentityConfig): AssumeRoleConfig {
  return {
    roleArn: c.roleArn,
    sourceProfile: "",
    ...(c.roleSessionName !== undefined ? { roleSessionName: c.roleSessionName } : {}),
  };
}

/** The token, read as botocore's FileWebIdentityTokenLoader reads it (the whole file). */
export async function readWebIdentityToken(c: WebIdentityConfig, profileName: string): Promise<string> {
  try {
    return await fs.readFile(c.tokenFile, "utf8");
  } catch (e) {
    throw configError(
      "web_identity_token_unreadable",
      `The web identity token file of profile "${profileName}" cannot be read: ${c.tokenFile} (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      {
        hint: "Check web_identity_token_file, and that the tool that writes the token (a CI runner, EKS) has written it.",
        cause: e,
        details: { profile: profileName, file: c.tokenFile },
      },
    );
  }
}

/** STS AssumeRoleWithWebIdentity (unsigned; lazy @aws-sdk/client-sts). */
export async function assumeRoleWithWebIdentity(
  env: NodeJS.ProcessEnv,
  token: string,
  c: WebIdentityConfig,
  region: string,
  now: Date,
  profileName: string,
): Promise<{ credentials: AwsCredentials; assumedRoleUser?: { arn: string; assumedRoleId: string } }> {
  const sts = await import("@aws-sdk/client-sts");
  const client = new sts.STSClient(sdkClientConfig({ env, service: "STS", region }));
  try {
    const out = await client.send(
      new sts.AssumeRoleWithWebIdentityCommand({
        RoleArn: c.roleArn,
        RoleSessionName: c.roleSessionName ?? `botocore-session-${Math.floor(now.getTime() / 1000)}`,
        WebIdentityToken: token,
      }),
    );
    const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(out.AssumedRoleUser?.Arn ?? c.roleArn)?.[1];
    return assumedRoleResult(out, "AssumeRoleWithWebIdentity", account);
  } catch (e) {
    if (e instanceof PorticoError) throw e;
    const info = classifyAwsError(e);
    if (info.kind === "forbidden")
      throw new PorticoError(
        "access_denied",
        `AssumeRoleWithWebIdentity ${c.roleArn} was denied (${info.name ?? "Error"}: ${info.message})`,
        {
          hint: `Check role_arn in [profile ${profileName}] and the role's trust policy for this identity provider.`,
          cause: e,
        },
      );
    // The SDK's names for STS's InvalidIdentityToken / ExpiredTokenException / IDPRejectedClaim.
    if (
      info.name === "InvalidIdentityTokenException" ||
      info.name === "ExpiredTokenException" ||
      info.name === "IDPRejectedClaimException"
    )
      throw new PorticoError(
        "sign_in_required",
        `STS refused the web identity token of profile "${profileName}" (${info.name}: ${info.message})`,
        {
          hint: `Get a fresh token into ${c.tokenFile} (from your identity provider), then run the command again.`,
          cause: e,
        },
      );
    throw stsAssumeFailure(e, info, "AssumeRoleWithWebIdentity", c.roleArn);
  } finally {
    client.destroy();
  }
}
