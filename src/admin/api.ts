/**
 * The Identity Center admin APIs (docs/reference.md §7) through @aws-sdk/client-identitystore and
 * @aws-sdk/client-sso-admin, loaded lazily (only `portico admin` imports this file), configured like
 * every other client (src/platform/aws-sdk.ts: endpoint override AWS_ENDPOINT_URL_IDENTITYSTORE /
 * AWS_ENDPOINT_URL_SSO_ADMIN / AWS_ENDPOINT_URL, time-outs). Every failure becomes a PorticoError here:
 * AccessDenied names the IAM action that was missing. Given a runner (`admin apply`), every call goes
 * through the same pacer and retry policy as the portal's (src/portal/paced.ts), which sees the SDK's
 * own errors (throttle, 5xx, reset) before they are mapped.
 */
import type { AwsCredentials } from "../credentials/types";
import { ExitCode, PorticoError } from "../errors";
import { classifyAwsError, transportError } from "../platform/aws-errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import type { PacedRunner, PacerStats } from "../portal/paced";

export interface AdminClients {
  /** Send an identitystore operation (`Op` without "Command"). */
  ids(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Send an sso-admin operation. */
  sso(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Send an AWS Organizations operation (account names; its SDK client is loaded on first use). */
  orgs(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  destroy(): void;
  /** Calls sent, throttled and failed with a server/network fault (paced clients only). */
  stats?(): PacerStats;
}

/** An admin API failure → PorticoError (docs/errors.md `admin_*`). */
type AdminService = "identitystore" | "sso" | "organizations";

const ENDPOINT: Record<AdminService, string> = {
  identitystore: "the identitystore endpoint",
  sso: "the sso-admin endpoint",
  organizations: "the organizations endpoint",
};

export function adminError(service: AdminService, op: string, e: unknown): PorticoError {
  if (e instanceof PorticoError) return e;
  const err = e as {
    name?: string;
    message?: string;
    Reason?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const info = classifyAwsError(e);
  const name = err.name ?? "Error";
  const message = err.message ?? "";
  const action = `${service}:${op}`;
  // Network, time-out and throttling: the same codes and exits as every other service (src/platform/aws-errors.ts).
  const transport = transportError(e, info, {
    what: `Calling ${op}`,
    service: ENDPOINT[service],
    endpointVars: "--region, AWS_ENDPOINT_URL",
  });
  if (transport) return transport;
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
  return new PorticoError("service_error", `${op} failed: ${name}: ${message}`, {
    cause: e,
    hint: "Try again; run with --debug for details.",
  });
}

export async function createAdminClients(o: {
  env: NodeJS.ProcessEnv;
  region: string;
  credentials: AwsCredentials;
  maxAttempts?: number;
  /** Pace and retry every call through this runner (the SDK's own retries should then be off). */
  runner?: PacedRunner;
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
    service: AdminService,
    mod: Record<string, unknown>,
    client: { send(c: unknown): Promise<unknown> },
    op: string,
    input: Record<string, unknown>,
  ) => {
    const Command = mod[`${op}Command`] as (new (i: unknown) => unknown) | undefined;
    if (!Command) throw new PorticoError("internal", `unknown ${service} operation ${op}`);
    const call = () => client.send(new Command(input)) as Promise<Record<string, unknown>>;
    try {
      return await (o.runner ? o.runner.run(call) : call());
    } catch (e) {
      throw adminError(service, op, e);
    }
  };
  // Organizations (a global service) only when an account is given by name.
  let orgs:
    | { mod: Record<string, unknown>; client: { send(c: unknown): Promise<unknown>; destroy(): void } }
    | undefined;
  const orgsClient = async () => {
    if (!orgs) {
      const mod = await import("@aws-sdk/client-organizations");
      orgs = {
        mod: mod as unknown as Record<string, unknown>,
        client: new mod.OrganizationsClient({
          ...sdkClientConfig({
            env: o.env,
            service: "ORGANIZATIONS",
            region: o.region,
            maxAttempts: o.maxAttempts ?? 4,
          }),
          credentials,
        }),
      };
    }
    return orgs;
  };
  return {
    orgs: async (op, input) => {
      const c = await orgsClient();
      return send("organizations", c.mod, c.client, op, input);
    },
    ids: (op, input) => send("identitystore", idsMod as unknown as Record<string, unknown>, ids, op, input),
    sso: (op, input) => send("sso", ssoMod as unknown as Record<string, unknown>, sso, op, input),
    destroy: () => {
      ids.destroy();
      sso.destroy();
      orgs?.client.destroy();
    },
    ...(o.runner ? { stats: o.runner.stats } : {}),
  };
}
