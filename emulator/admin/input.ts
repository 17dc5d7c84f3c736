/**
 * Narrowing of awsJson1_1 request bodies (parse, don't cast): every member is checked against the
 * constraints of the service model (botocore `identitystore/2020-06-15`, `sso-admin/2020-07-20`
 * service-2.json: required, pattern, min/max length, enum) and a ValidationException names the member.
 */
import { validation } from "./errors";

export type Body = Record<string, unknown>;

export function asBody(body: unknown): Body {
  if (body === undefined || body === null || body === "") return {};
  if (typeof body !== "object" || Array.isArray(body)) {
    throw validation("The request body must be a JSON object.");
  }
  return body as Body;
}

interface StringRule {
  pattern?: RegExp;
  min?: number;
  max?: number;
}

/** Characters the model allows in free-text identitystore attributes: letters, marks, symbols, numbers, punctuation, spaces. */
export const TEXT = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00a0\u3000]+$/u;
/** User names: the same without any white space. */
export const USER_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
export const IDENTITY_STORE_ID =
  /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const RESOURCE_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
export const INSTANCE_ARN = /^arn:aws(-[a-z]{1,5}){0,3}:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
export const PERMISSION_SET_ARN =
  /^arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const PERMISSION_SET_NAME = /^[\w+=,.@-]+$/;
export const MANAGED_POLICY_ARN =
  /^arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy((\/[A-Za-z0-9.,+@=_-]+)*)\/([A-Za-z0-9.,+=@_-]+)$/;
/** ISO-8601 duration as the model writes it. */
export const DURATION =
  /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function checkString(name: string, value: unknown, rule: StringRule): string {
  if (typeof value !== "string") throw validation(`${name} must be a string.`);
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) {
    throw validation(`${name} must be at least ${rule.min} characters long.`);
  }
  if (rule.max !== undefined && length > rule.max) {
    throw validation(`${name} must be at most ${rule.max} characters long.`);
  }
  if (rule.pattern && !rule.pattern.test(value)) throw validation(`${name} has an invalid format.`);
  return value;
}

export function reqString(body: Body, name: string, rule: StringRule = {}): string {
  const value = body[name];
  if (value === undefined || value === null) throw validation(`${name} is required.`, "MISSING_PARAMETER");
  return checkString(name, value, { min: 1, ...rule });
}

export function optString(body: Body, name: string, rule: StringRule = {}): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  return checkString(name, value, { min: 1, ...rule });
}

export function reqEnum<T extends string>(body: Body, name: string, values: readonly T[]): T {
  const value = reqString(body, name);
  if (!(values as readonly string[]).includes(value)) {
    throw validation(`${name} must be one of ${values.join(", ")}.`);
  }
  return value as T;
}

export function optObject(body: Body, name: string): Body | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw validation(`${name} must be an object.`);
  return value as Body;
}

export function optList(body: Body, name: string, max: number): unknown[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw validation(`${name} must be a list.`);
  if (value.length > max) throw validation(`${name} must have at most ${max} item(s).`);
  return value;
}

/** MaxResults 1–100 (default 100 here: AWS documents no default page size). */
export function maxResults(body: Body): number {
  const value = body["MaxResults"];
  if (value === undefined || value === null) return 100;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 100) {
    throw validation("MaxResults must be an integer between 1 and 100.");
  }
  return value;
}

/**
 * Opaque NextToken: base64url of `<operation>:<scope>:<offset>`, so a token from one listing
 * (or one group, one account) is refused by another instead of silently skipping items.
 */
export function pageStart(body: Body, scope: string): number {
  const token = body["NextToken"];
  if (token === undefined || token === null || token === "") return 0;
  if (typeof token !== "string" || token.length > 2048) throw validation("NextToken is invalid.");
  const decoded = Buffer.from(token, "base64url").toString("utf8");
  const cut = decoded.lastIndexOf(":");
  const offset = Number(decoded.slice(cut + 1));
  if (cut < 0 || decoded.slice(0, cut) !== scope || !Number.isSafeInteger(offset) || offset < 0) {
    throw validation("NextToken is invalid or belongs to another request.");
  }
  return offset;
}

/** One page of `items` plus the NextToken (omitted on the last page, never null or ""). */
export function page<T>(items: T[], body: Body, scope: string): { items: T[]; nextToken?: string } {
  const start = pageStart(body, scope);
  const size = maxResults(body);
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return end < items.length
    ? { items: slice, nextToken: Buffer.from(`${scope}:${end}`, "utf8").toString("base64url") }
    : { items: slice };
}
