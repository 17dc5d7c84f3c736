/**
 * FNV-1a, 32 bits, of a string's UTF-16 code units: a cheap, stable name for something already
 * verified by other means (a code cache entry's folder, a status index's files and profile names).
 * Never for anything an attacker chooses to collide with: use sha1 (src/platform/sha1.ts) for those.
 */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** fnv1a as 8 hex digits. */
export const fnv1aHex = (s: string, seed?: number): string => fnv1a(s, seed).toString(16).padStart(8, "0");
