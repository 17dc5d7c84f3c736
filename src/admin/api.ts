/**
 * The Identity Center admin APIs (docs/reference.md §7) through @aws-sdk/client-identitystore and
 * @aws-sdk/client-sso-admin, loaded lazily (only `portico admin` imports this file), configured like
 * every other client (src/platform/aws-sdk.ts: endpoint override AWS_ENDPOINT_URL_IDENTITYSTORE /
 * AWS_ENDPOINT_URL_SSO_ADMIN / AWS_ENDPOINT_URL, time-outs). Every failure becomes a PorticoError here:
 * AccessDenied names the IAM action that was missing.
 */
import type { AwsCredentials } from "../credentials/types";
import { ExitCode, PorticoError } from "../errors";
import { sdkClientConfig } from "../platform/aws-sdk";

export interface AdminClients {
  /** Send an identitystore operation (`Op` without "Command"). */
  ids(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Send an sso-admin operation. */
  sso(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  destroy(): void;
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function networkCode(e: unknown, depth = 0): string | undefined {
  const err = e as { code?: string; name?: string; cause?: unknown; errors?: unknown[] };
  if (!err || depth > 5) return undefined;
  if (err.name === "TimeoutError" || err.code === "ETIMEDOUT") return "timeout";
  if (err.code && NETWORK.has(err.code)) return err.code;
  for (const x of err.errors ?? []) {
    const c = networkCode(x, depth + 1);
    if (c) return c;
  }
  return err.cause ? networkCode(err.cause, depth + 1) : undefined;
}

/** An admin API failure → PorticoError (docs/errors.md `admin_*`). */
export function adminError(service: "identitystore" | "sso", op: string, e: unknown): PorticoError {
  if (e instanceof PorticoError) return e;
  const err = e as {
    name?: string;
    message?: string;
    Reason?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err.name ?? "Error";
  const message = err.message ?? "";
  const action = `${service === "sso" ? "sso" : "identitystore"}:${op}`;
  const net = networkCode(e);
  if (net)
    return new PorticoError(
      "admin_unreachable",
      `Could not reach the ${service === "sso" ? "sso-admin" : "identitystore"} endpoint (${net}) calling ${op}`,
      {
        exitCode: net === "timeout" ? ExitCode.timeout : ExitCode.service,
        cause: e,
        hint: "Check your network, --region, and AWS_ENDPOINT_URL if you set one.",
      },
    );
  if (name === "AccessDeniedException" || name === "AccessDenied" || err.$metadata?.httpStatusCode === 403)
    return new PorticoError(
      "admin_access_denied",
      `Access denied calling ${op}: the credentials lack ${action}${message ? ` (${message})` : ""}`,
      {
        exitCode: ExitCode.accessDenied,
        cause: e,
        hint: `Use a profile whose role allows ${action} (e.g. a permission set with AWSSSOMasterAccountAdministrator / AWSSSODirectoryAdministrator in the management or delegated admin account): --profile ADMIN_PROFILE`,
        details: { action },
      },
    );
  if (
    name === "ValidationException" &&
    /external|identity source|synchroni[sz]|scim|active directory/i.test(message)
  )
    return new PorticoError(
      "admin_external_identity_source",
      `${op} refused: this Identity Center takes its users and groups from an external identity source (${message})`,
      {
        exitCode: ExitCode.config,
        cause: e,
        hint: "Create users and groups in your identity provider (they are synchronised to Identity Center); portico admin can still manage permission sets and assignments.",
      },
    );
  if (name === "ConflictException")
    return new PorticoError("admin_conflict", `${op}: ${message || "conflict"}`, {
      exitCode: ExitCode.config,
      cause: e,
      hint: "It exists already (or is still in use); see it with portico admin … list",
    });
  if (name === "ResourceNotFoundException")
    return new PorticoError("admin_not_found", `${op}: ${message || "not found"}`, {
      exitCode: ExitCode.config,
      cause: e,
      hint: "Check the name or id (portico admin … list).",
    });
  if (name === "ValidationException")
    return new PorticoError("admin_invalid", `${op} refused the request: ${message}`, {
      exitCode: ExitCode.usage,
      cause: e,
      hint: "Check the values given (docs/admin.md).",
    });
  if (name === "ThrottlingException" || err.$metadata?.httpStatusCode === 429)
    return new PorticoError("admin_throttled", `${op} was throttled and the retries ran out`, {
      exitCode: ExitCode.service,
      cause: e,
      hint: "Wait a moment and run the command again (apply resumes where it stopped).",
    });
  return new PorticoError("admin_service_error", `${op} failed: ${name}: ${message}`, {
    exitCode: ExitCode.service,
    cause: e,
    hint: "Try again; run with --debug for details.",
  });
}

export async function createAdminClients(o: {
  env: NodeJS.ProcessEnv;
  region: string;
  credentials: AwsCredentials;
  maxAttempts?: number;
}): Promise<AdminClients> {
  const [idsMod, ssoMod] = await Promise.all([
    import("@aws-sdk/client-identitystore"),
    import("@aws-sdk/client-sso-admin"),
  ]);
  const credentials = {
    accessKeyId: o.credentials.accessKeyId,
    secretAccessKey: o.credentials.secretAccessKey,
    ...(o.credentials.sessionToken ? { sessionToken: o.credentials.sessionToken } : {}),
  };
  const ids = new idsMod.IdentitystoreClient({
    ...sdkClientConfig({
      env: o.env,
      service: "IDENTITYSTORE",
      region: o.region,
      maxAttempts: o.maxAttempts ?? 4,
    }),
    credentials,
  });
  const sso = new ssoMod.SSOAdminClient({
    ...sdkClientConfig({
      env: o.env,
      service: "SSO_ADMIN",
      region: o.region,
      maxAttempts: o.maxAttempts ?? 4,
    }),
    credentials,
  });
  const send = async (
    service: "identitystore" | "sso",
    mod: Record<string, unknown>,
    client: { send(c: unknown): Promise<unknown> },
    op: string,
    input: Record<string, unknown>,
  ) => {
    const Command = mod[`${op}Command`] as (new (i: unknown) => unknown) | undefined;
    if (!Command) throw new PorticoError("internal", `unknown ${service} operation ${op}`);
    try {
      return (await client.send(new Command(input))) as Record<string, unknown>;
    } catch (e) {
      throw adminError(service, op, e);
    }
  };
  return {
    ids: (op, input) => send("identitystore", idsMod as unknown as Record<string, unknown>, ids, op, input),
    sso: (op, input) => send("sso", ssoMod as unknown as Record<string, unknown>, sso, op, input),
    destroy: () => {
      ids.destroy();
      sso.destroy();
    },
  };
}
