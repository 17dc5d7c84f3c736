/**
 * Who the credentials belong to: STS GetCallerIdentity (aws-reference.md §5) through
 * @aws-sdk/client-sts (imported lazily), and the Identity Center parts of the ARN.
 */
import { ExitCode, PorticoError } from "../errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import type { AwsCredentials } from "./types";

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface ParsedSsoArn {
  partition: string;
  account: string;
  /** Permission set name (from `AWSReservedSSO_<name>_<16 hex>`), if the role is an Identity Center role. */
  permissionSet?: string;
  roleName: string;
  /** The session name: the Identity Center user name. */
  user: string;
}

/** `arn:aws:sts::<acct>:assumed-role/AWSReservedSSO_<PS>_<16hex>/<user>` → its parts; undefined if not an assumed role. */
export function parseAssumedRoleArn(arn: string): ParsedSsoArn | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const roleName = m[3]!;
  const ps = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName);
  return {
    partition: m[1]!,
    account: m[2]!,
    roleName,
    user: m[4]!,
    ...(ps ? { permissionSet: ps[1]! } : {}),
  };
}

export async function getCallerIdentity(
  env: NodeJS.ProcessEnv,
  creds: AwsCredentials,
  region: string,
  /** e.g. `--profile dev`, to name the exact command in hints. */
  hintArgs = "--profile <profile>",
): Promise<CallerIdentity> {
  const sts = await import("@aws-sdk/client-sts");
  const client = new sts.STSClient({
    ...sdkClientConfig({ env, service: "STS", region }),
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
  });
  try {
    const out = await client.send(new sts.GetCallerIdentityCommand({}));
    if (!out.Account || !out.Arn || !out.UserId)
      throw new PorticoError("service_error", "STS returned an incomplete caller identity", {
        exitCode: ExitCode.service,
      });
    return { account: out.Account, arn: out.Arn, userId: out.UserId };
  } catch (e) {
    if (e instanceof PorticoError) throw e;
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    if (status === 403 || err.name === "InvalidClientTokenId" || err.name === "ExpiredToken") {
      throw new PorticoError(
        "credentials_rejected",
        `STS rejected the credentials (${err.name}: ${err.message ?? ""})`.trim(),
        {
          exitCode: ExitCode.accessDenied,
          hint: `Fetch new ones, ignoring the cache: portico credentials ${hintArgs} --refresh`,
          cause: e,
        },
      );
    }
    throw new PorticoError(
      "service_error",
      `GetCallerIdentity failed: ${err.name ?? "Error"}: ${err.message ?? ""}`,
      {
        exitCode: ExitCode.service,
        hint: "Check your network, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set one; run with --debug for details.",
        cause: e,
      },
    );
  } finally {
    client.destroy();
  }
}

/** "1h 23m", "12m", "expired". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "expired";
  const totalMin = Math.floor(ms / 60_000);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (h === 0) return totalMin === 0 ? "< 1m" : `${m}m`;
  return `${h}h ${String(m).padStart(2, "0")}m`;
}
