/**
 * AWS Organizations `ListAccounts` (awsJson1_1, `X-Amz-Target: AWSOrganizationsV20161128.ListAccounts`):
 * the organisation's accounts with their names, which is how `portico admin … --account NAME` resolves a
 * name to an id. Pages of at most 20 (the service's limit), NextToken as the other listings.
 */
import type { AdminContext } from "./context";
import { validation } from "./errors";
import { type Body, page } from "./input";

export function listAccounts(ctx: AdminContext, body: Body): unknown {
  const max = body["MaxResults"];
  if (max !== undefined && max !== null && (typeof max !== "number" || max < 1 || max > 20))
    throw validation("MaxResults must be an integer between 1 and 20.");
  const owner = ctx.org.instance.ownerAccountId;
  const joined = Math.floor(ctx.now);
  const accounts = ctx.org.accounts.map((a) => ({
    Id: a.accountId,
    Arn: `arn:aws:organizations::${owner}:account/o-emulator00/${a.accountId}`,
    Email: a.emailAddress,
    Name: a.accountName,
    Status: "ACTIVE",
    State: "ACTIVE",
    JoinedMethod: a.accountId === owner ? "INVITED" : "CREATED",
    JoinedTimestamp: joined,
  }));
  const { items, nextToken } = page(accounts, { ...body, MaxResults: max ?? 20 }, "ListAccounts");
  return { Accounts: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}
