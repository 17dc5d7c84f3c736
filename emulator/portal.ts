/**
 * The access portal API (`sso`, docs/reference.md §4): ListAccounts, ListAccountRoles (max_result /
 * next_token paging), GetRoleCredentials (expiration in epoch ms), Logout. Unsigned; the access token
 * travels in `x-amz-sso_bearer_token`. Errors: body {"message"} with the type in x-amzn-ErrorType.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { type ApiRequest, type ApiResponse, header, jsonResponse, type ServiceContext } from "./http";
import { StoreError } from "./store";

const SERVICE = "sso";
/** AWS documents no default page size; 20 makes the clients' paginators do real work. */
export const DEFAULT_PAGE_SIZE = 20;

export function portalError(operation: string, type: string, status: number, message: string): ApiResponse {
  return jsonResponse(SERVICE, operation, status, { message }, { "x-amzn-ErrorType": `${type}:` });
}

export function portalOperation(req: ApiRequest): string | undefined {
  if (req.method === "GET" && req.path === "/assignment/accounts") return "ListAccounts";
  if (req.method === "GET" && req.path === "/assignment/roles") return "ListAccountRoles";
  if (req.method === "GET" && req.path === "/federation/credentials") return "GetRoleCredentials";
  if (req.method === "POST" && req.path === "/logout") return "Logout";
  return undefined;
}

/**
 * The throttle bucket a portal request draws from: one collective bucket per access token (all four
 * operations together), so a client listing thousands of accounts meets the budget as it would on AWS.
 */
export function portalBucketKey(headers: IncomingHttpHeaders): string {
  const token = header(headers, "x-amz-sso_bearer_token") ?? "";
  return `portal:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}

/** The path of the emulator's vanity start URL (a non-AWS host that redirects once to the instance's). */
export const VANITY_PATH = "/vanity";

/**
 * A vanity start URL as an organisation's own domain serves it (docs/reference.md §3.5): HEAD or GET
 * `/vanity[/…]` answers one 302 to the instance's AWS-owned start URL. undefined for other requests.
 */
export function vanityRedirect(method: string, path: string, startUrl: string): ApiResponse | undefined {
  if (path !== VANITY_PATH && !path.startsWith(`${VANITY_PATH}/`)) return undefined;
  if (method !== "HEAD" && method !== "GET")
    return { status: 405, headers: { allow: "GET, HEAD" }, body: "", service: "web", operation: "Vanity" };
  return {
    status: 302,
    headers: { location: startUrl, "cache-control": "no-store" },
    body: "",
    service: "web",
    operation: "Vanity",
  };
}

const unauthorized = (op: string): ApiResponse =>
  portalError(op, "UnauthorizedException", 401, "Session token not found or invalid");
const invalid = (op: string, message: string): ApiResponse =>
  portalError(op, "InvalidRequestException", 400, message);

/** Opaque page token: base64url("<kind>:<offset>"). */
const encodeToken = (kind: string, offset: number): string =>
  Buffer.from(`${kind}:${offset}`).toString("base64url");
function decodeToken(kind: string, token: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) return undefined;
  const m = new RegExp(`^${kind}:(\\d{1,9})$`).exec(Buffer.from(token, "base64url").toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

function page<T>(
  op: string,
  kind: string,
  req: ApiRequest,
  items: T[],
): { items: T[]; nextToken?: string } | ApiResponse {
  const max = req.query.get("max_result");
  let size = DEFAULT_PAGE_SIZE;
  if (max !== null) {
    if (!/^\d{1,3}$/.test(max) || Number(max) < 1 || Number(max) > 100)
      return invalid(op, "max_result must be an integer from 1 to 100");
    size = Number(max);
  }
  let offset = 0;
  const next = req.query.get("next_token");
  if (next !== null && next !== "") {
    const o = decodeToken(kind, next);
    if (o === undefined || o > items.length) return invalid(op, "Invalid next token");
    offset = o;
  }
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length
    ? { items: slice, nextToken: encodeToken(kind, offset + size) }
    : { items: slice };
}

export function handlePortal(ctx: ServiceContext, req: ApiRequest, op: string): ApiResponse {
  const store = ctx.store;
  const token = header(req.headers, "x-amz-sso_bearer_token");
  // A token is only valid in the instance's region (aws/aws-sdk-js-v3#6864: other regions answer 401).
  const session =
    token && req.region === store.org.instance.region ? store.sessionForAccessToken(token) : undefined;
  if (!session) return unauthorized(op);
  const userId = session.userId;

  switch (op) {
    case "ListAccounts": {
      const p = page(op, "accounts", req, store.accountsForUser(userId));
      if ("status" in p) return p;
      return jsonResponse(SERVICE, op, 200, {
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
        accountList: p.items.map((a) => ({
          accountId: a.accountId,
          accountName: a.accountName,
          emailAddress: a.emailAddress,
        })),
      });
    }
    case "ListAccountRoles": {
      const accountId = req.query.get("account_id");
      if (!accountId) return invalid(op, "account_id is required");
      if (!/^\d{12}$/.test(accountId)) return invalid(op, "account_id must be 12 digits");
      // An account the user has no assignment in lists no roles (no error), like the real portal.
      const p = page(op, `roles-${accountId}`, req, store.rolesForUser(userId, accountId));
      if ("status" in p) return p;
      return jsonResponse(SERVICE, op, 200, {
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
        roleList: p.items.map((roleName) => ({ roleName, accountId })),
      });
    }
    case "GetRoleCredentials": {
      const roleName = req.query.get("role_name");
      const accountId = req.query.get("account_id");
      if (!roleName) return invalid(op, "role_name is required");
      if (!accountId) return invalid(op, "account_id is required");
      if (!/^\d{12}$/.test(accountId)) return invalid(op, "account_id must be 12 digits");
      try {
        const c = store.issueRoleCredentials(userId, accountId, roleName);
        return jsonResponse(SERVICE, op, 200, {
          roleCredentials: {
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken,
            expiration: c.expiration,
          },
        });
      } catch (e) {
        if (e instanceof StoreError) return portalError(op, "ForbiddenException", 403, "No access");
        throw e;
      }
    }
    default: {
      store.endSession(session.sessionId);
      return { status: 200, headers: {}, body: "", service: SERVICE, operation: op };
    }
  }
}
