/** How accounts are shown and ordered, as the AWS CLI's `configure sso` shows them (pure). */
import type { PortalAccount } from "./types";

/** The CLI's display_account. */
export function displayAccount(a: PortalAccount): string {
  if (a.accountName === undefined && a.emailAddress === undefined) return a.accountId;
  if (a.emailAddress === undefined) return `${a.accountName} (${a.accountId})`;
  if (a.accountName === undefined) return `${a.emailAddress} (${a.accountId})`;
  return `${a.accountName}, ${a.emailAddress} (${a.accountId})`;
}

/** The CLI's order: by (name or email or id), lower-cased. */
export function sortAccounts<T extends PortalAccount>(accounts: T[]): T[] {
  const key = (a: PortalAccount) => (a.accountName ?? a.emailAddress ?? a.accountId).toLowerCase();
  return [...accounts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
