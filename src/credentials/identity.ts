/**
 * Who the credentials belong to: STS GetCallerIdentity (docs/reference.md §5) through
 * @aws-sdk/client-sts (imported lazily), and the Identity Center parts of the ARN.
 */
import { PorticoError } from "../errors";
import { classifyAwsError, transportError } from "../platform/aws-errors";
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
      throw new PorticoError("service_error", "STS returned an incomplete caller identity");
    return { account: out.Account, arn: out.Arn, userId: out.UserId };
  } catch (e) {
    throw stsError(e, "GetCallerIdentity", hintArgs);
  } finally {
    client.destroy();
  }
}

/** GetCallerIdentity's failures: 403 (InvalidClientTokenId, ExpiredToken) → credentials_rejected (exit 5). */
function stsError(e: unknown, op: string, hintArgs: string): PorticoError {
  if (e instanceof PorticoError) return e;
  const info = classifyAwsError(e);
  // STS answers InvalidClientTokenId with 403 and ExpiredToken with 400: both mean "these credentials".
  if (info.kind === "forbidden" || info.kind === "auth" || info.name === "ExpiredToken")
    return new PorticoError(
      "credentials_rejected",
      `STS rejected the credentials (${info.name ?? "Error"}: ${info.message})`.trim(),
      { hint: `Fetch new ones, ignoring the cache: portico credentials ${hintArgs} --refresh`, cause: e },
    );
  return (
    transportError(e, info, {
      what: op,
      service: "STS",
      endpointVars: "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS",
      timeoutMs: 10_000,
    }) ??
    new PorticoError("service_error", `${op} failed: ${info.name ?? "Error"}: ${info.message}`, {
      hint: "Try again in a moment; run with --debug for details.",
      cause: e,
    })
  );
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
