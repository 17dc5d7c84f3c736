/**
 * Password hashing for emulated users: scrypt (RFC 7914) with a per-password random salt, stored as
 * "scrypt$<salt b64>$<hash b64>" (emulator/model.ts `User.passwordHash`). Verification is constant-time.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const KEY_LENGTH = 32;
// N=2^14, r=8, p=1: the interactive-login parameters recommended by RFC 7914 §2 / OWASP.
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFC"), salt, KEY_LENGTH, PARAMS);
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** False for a wrong password and for a malformed hash (never throws). */
export function verifyPassword(password: string, hash: string): boolean {
  const parts = hash.split("$");
  if (parts.length !== 3 || parts[0] !== "scrypt") return false;
  const salt = Buffer.from(parts[1] ?? "", "base64");
  const expected = Buffer.from(parts[2] ?? "", "base64");
  if (salt.length < 8 || expected.length !== KEY_LENGTH) return false;
  const actual = scryptSync(password.normalize("NFC"), salt, KEY_LENGTH, PARAMS);
  return timingSafeEqual(actual, expected);
}
