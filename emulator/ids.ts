/**
 * Identifier and secret formats, shaped like the real ones (docs/reference.md §3.1, §5, §7) so the
 * clients' validators and humans reading logs both recognise them.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";

export const randomHex = (bytes: number): string => randomBytes(bytes).toString("hex");
export const randomB64url = (bytes: number): string => randomBytes(bytes).toString("base64url");

/** Lookup key for a secret we must recognise later but never store: sha256 hex. */
export const sha256hex = (s: string): string => createHash("sha256").update(s).digest("hex");

/** base64url(SHA-256(verifier)) without padding: the PKCE S256 challenge (RFC 7636 §4.2). */
export const pkceChallenge = (verifier: string): string =>
  createHash("sha256").update(verifier, "ascii").digest("base64url");

/** identitystore UserId/GroupId/MembershipId: `<10 hex>-<uuid>` (docs/reference.md §7.1). */
export const identityStoreObjectId = (): string => `${randomHex(5)}-${randomUUID()}`;

export const newInstanceArn = (): string => `arn:aws:sso:::instance/ssoins-${randomHex(8)}`;

/** arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16> (docs/reference.md §7.2). */
export function newPermissionSetArn(instanceArn: string): string {
  const ins = instanceArn.split("/").pop() ?? `ssoins-${randomHex(8)}`;
  return `arn:aws:sso:::permissionSet/${ins}/ps-${randomHex(8)}`;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function fromAlphabet(alphabet: string, n: number, seed?: string): string {
  const bytes = seed === undefined ? randomBytes(n) : createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length];
  return out;
}

/** Temporary access key id: ASIA + 16 upper-case alphanumerics. */
export const newAccessKeyId = (): string => `ASIA${fromAlphabet(UPPER_ALNUM, 16)}`;

/** Role id AROA + 17 upper alphanumerics, stable for one (account, role) pair. */
export const roleId = (accountId: string, roleName: string): string =>
  `AROA${fromAlphabet(UPPER_ALNUM, 17, `${accountId}/${roleName}`)}`;

/** Device user code XXXX-XXXX from consonants only (no vowels: no accidental words, no 0/O). */
export function newUserCode(): string {
  const s = fromAlphabet("BCDFGHJKLMNPQRSTVWXZ", 8);
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A 12-digit account id not starting with 0. */
export const newAccountId = (): string => `${1 + (randomBytes(1)[0]! % 9)}${fromAlphabet("0123456789", 11)}`;
