/**
 * Portal listings for the configure wizard (aws-reference.md §4): ListAccounts and ListAccountRoles
 * for one account, paginated, through @aws-sdk/client-sso (lazy). Errors are mapped by the
 * credentials area's portalError (one mapping for every portal call).
 */
import { sdkClientConfig } from "../platform/aws-sdk";

export interface PortalAccountInfo {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
}

export interface Portal {
  listAccounts(accessToken: string): Promise<PortalAccountInfo[]>;
  listRoles(accessToken: string, accountId: string): Promise<string[]>;
  close(): void;
}

export async function createPortal(
  env: NodeJS.ProcessEnv,
  region: string,
  loginArgs: string,
): Promise<Portal> {
  const sdk = await import("@aws-sdk/client-sso");
  const { portalError } = await import("../credentials/portal");
  const client = new sdk.SSOClient(
    sdkClientConfig({ env, service: "SSO", region, maxAttempts: 5, timeoutMs: 30_000 }),
  );
  const target = { region, env, loginArgs };
  return {
    async listAccounts(accessToken) {
      const out: PortalAccountInfo[] = [];
      try {
        for await (const page of sdk.paginateListAccounts({ client, pageSize: 100 }, { accessToken }))
          for (const a of page.accountList ?? [])
            if (a.accountId)
              out.push({
                accountId: a.accountId,
                ...(a.accountName ? { accountName: a.accountName } : {}),
                ...(a.emailAddress ? { emailAddress: a.emailAddress } : {}),
              });
      } catch (e) {
        throw portalError(e, target, "Listing accounts");
      }
      return out;
    },
    async listRoles(accessToken, accountId) {
      const out: string[] = [];
      try {
        for await (const page of sdk.paginateListAccountRoles(
          { client, pageSize: 100 },
          { accessToken, accountId },
        ))
          for (const r of page.roleList ?? []) if (r.roleName) out.push(r.roleName);
      } catch (e) {
        throw portalError(e, target, `Listing roles in account ${accountId}`);
      }
      return out;
    },
    close: () => client.destroy(),
  };
}

/** The CLI's display_account. */
export function displayAccount(a: PortalAccountInfo): string {
  if (a.accountName === undefined && a.emailAddress === undefined) return a.accountId;
  if (a.emailAddress === undefined) return `${a.accountName} (${a.accountId})`;
  if (a.accountName === undefined) return `${a.emailAddress} (${a.accountId})`;
  return `${a.accountName}, ${a.emailAddress} (${a.accountId})`;
}

/** The CLI's order: by (name or email or id), lower-cased. */
export function sortAccounts(accounts: PortalAccountInfo[]): PortalAccountInfo[] {
  const key = (a: PortalAccountInfo) => (a.accountName ?? a.emailAddress ?? a.accountId).toLowerCase();
  return [...accounts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
