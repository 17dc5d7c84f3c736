/**
 * The SSO portal calls portico's credential commands make (aws-reference.md §4): GetRoleCredentials,
 * ListAccounts, ListAccountRoles — through @aws-sdk/client-sso, imported lazily so the SDK never
 * loads on the cached-credentials path. Service errors become PorticoErrors with the next command.
 */
import { PorticoError } from "../errors";
import { classifyAwsError, transportError } from "../platform/aws-errors";
import { sdkClientConfig } from "../platform/aws-sdk";
import { withRetry } from "../platform/retry";
import type { AwsCredentials } from "./types";

export interface PortalTarget {
  /** sso_region of the session. */
  region: string;
  env: NodeJS.ProcessEnv;
  /** The `portico login …` arguments to name in a sign-in hint, e.g. `--profile dev`. */
  loginArgs: string;
  /** Per-request time-out (connect, and waiting for the answer); default 10 s. */
  requestTimeoutMs?: number;
  /** SDK attempts per call, the first included (network errors, 5xx, 429); default 3. */
  maxAttempts?: number;
}

type SsoModule = typeof import("@aws-sdk/client-sso");

async function ssoClient(
  target: PortalTarget,
): Promise<{ sdk: SsoModule; client: InstanceType<SsoModule["SSOClient"]> }> {
  const sdk = await import("@aws-sdk/client-sso");
  const client = new sdk.SSOClient(
    sdkClientConfig({
      env: target.env,
      service: "SSO",
      region: target.region,
      maxAttempts: target.maxAttempts ?? 3,
      timeoutMs: target.requestTimeoutMs ?? 10_000,
    }),
  );
  return { sdk, client };
}

/** Map a portal failure to the error model (exit 4 / 5 / 6 / 7), by src/platform/aws-errors.ts's kinds. */
export function portalError(e: unknown, target: PortalTarget, what: string): PorticoError {
  if (e instanceof PorticoError) return e;
  const info = classifyAwsError(e);
  const name = info.name ?? "Error";
  if (info.kind === "auth") {
    return new PorticoError(
      "sign_in_required",
      `The SSO session is expired or invalid (${name}: ${info.message || "Session token not found or invalid"}) — or sso_region ${target.region} is not the region of your IAM Identity Center instance.`,
      { hint: `portico login ${target.loginArgs}`, cause: e },
    );
  }
  if (info.kind === "forbidden") {
    return new PorticoError(
      "access_denied",
      `${what}: access denied (${name}: ${info.message || "No access"})`,
      {
        hint: `List the accounts and roles you can use with: portico accounts ${target.loginArgs}`,
        cause: e,
      },
    );
  }
  const transport = transportError(e, info, {
    what,
    service: `the SSO portal for ${target.region}`,
    endpointVars: "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SSO",
    timeoutMs: target.requestTimeoutMs ?? 10_000,
  });
  if (transport) return transport;
  if (info.kind === "validation")
    return new PorticoError(
      "request_invalid",
      `${what}: the portal refused the request (${name}: ${info.message})`,
      {
        hint: `Check sso_account_id (12 digits) and sso_role_name in the profile: portico config show ${target.loginArgs}`,
        cause: e,
        details: { httpStatus: info.status ?? null, error: name },
      },
    );
  return new PorticoError(
    "service_error",
    `${what}: ${name}${info.status ? ` (HTTP ${info.status})` : ""}: ${info.message}`.trimEnd(),
    { hint: "Try again in a moment; run with --debug for details.", cause: e },
  );
}

/** GetRoleCredentials (§4): epoch-ms expiration; all four fields required, as both SDKs require. */
export async function getRoleCredentials(
  target: PortalTarget,
  accessToken: string,
  accountId: string,
  roleName: string,
): Promise<AwsCredentials> {
  const { sdk, client } = await ssoClient(target);
  const what = `Getting credentials for role ${roleName} in account ${accountId}`;
  try {
    const out = await withThrottleRetry(() =>
      client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName })),
    );
    const rc = out.roleCredentials;
    if (!rc?.accessKeyId || !rc.secretAccessKey || !rc.sessionToken || typeof rc.expiration !== "number") {
      throw new PorticoError("service_error", `${what}: the portal returned incomplete credentials`);
    }
    return {
      accessKeyId: rc.accessKeyId,
      secretAccessKey: rc.secretAccessKey,
      sessionToken: rc.sessionToken,
      // botocore truncates to whole seconds when it writes the cache; do the same so every reader agrees.
      expiration: new Date(Math.floor(rc.expiration / 1000) * 1000),
      accountId,
    };
  } catch (e) {
    if (e instanceof PorticoError) throw e;
    throw portalError(e, target, what);
  } finally {
    client.destroy();
  }
}

export interface PortalAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: string[];
}

/**
 * Throttling beyond the SDK's own retries (whose shared retry quota a listing of thousands of accounts
 * can exhaust): src/platform/retry.ts's full-jitter backoff, up to `attempts` more times.
 */
export function withThrottleRetry<T>(
  fn: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; capMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  return withRetry(fn, {
    retries: options.attempts ?? 8,
    baseMs: options.baseMs ?? 200,
    capMs: options.capMs ?? 10_000,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

/** Run `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** ListAccounts (paginated), then ListAccountRoles for each with bounded concurrency. */
export async function listAccountsAndRoles(
  target: PortalTarget,
  accessToken: string,
  options: { concurrency?: number; withRoles?: boolean } = {},
): Promise<PortalAccount[]> {
  const { sdk, client } = await ssoClient(target);
  try {
    const accounts: PortalAccount[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await withThrottleRetry(() =>
          client.send(
            new sdk.ListAccountsCommand({
              accessToken,
              maxResults: 100,
              ...(token ? { nextToken: token } : {}),
            }),
          ),
        );
        for (const a of page.accountList ?? []) {
          if (!a.accountId) continue;
          accounts.push({
            accountId: a.accountId,
            accountName: a.accountName ?? "",
            emailAddress: a.emailAddress ?? "",
            roles: [],
          });
        }
        if (page.nextToken && page.nextToken === token)
          throw new Error("ListAccounts returned the same nextToken twice");
        nextToken = page.nextToken || undefined;
      } while (nextToken);
    } catch (e) {
      throw portalError(e, target, "Listing accounts");
    }
    if (options.withRoles === false) return accounts;
    await mapLimit(accounts, options.concurrency ?? 8, async (acct) => {
      try {
        let nextToken: string | undefined;
        do {
          const token = nextToken;
          const page = await withThrottleRetry(() =>
            client.send(
              new sdk.ListAccountRolesCommand({
                accessToken,
                accountId: acct.accountId,
                maxResults: 100,
                ...(token ? { nextToken: token } : {}),
              }),
            ),
          );
          for (const r of page.roleList ?? []) if (r.roleName) acct.roles.push(r.roleName);
          if (page.nextToken && page.nextToken === token)
            throw new Error("ListAccountRoles returned the same nextToken twice");
          nextToken = page.nextToken || undefined;
        } while (nextToken);
      } catch (e) {
        throw portalError(e, target, `Listing roles in account ${acct.accountId}`);
      }
      acct.roles.sort();
    });
    return accounts;
  } finally {
    client.destroy();
  }
}
