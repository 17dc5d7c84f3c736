/**
 * One rule for "these files have not changed since the answer was computed" (docs/architecture.md,
 * the validated indexes): a file's identity is its device, inode, size, mtime and ctime in ns (ctime
 * cannot be set by user tools, so an edit that restores the mtime is still seen); an answer computed
 * from files is trusted only while every one keeps its identity (a file that did not exist must still
 * not exist), and it is kept only for files last changed more than SETTLE_MS ago, so a change within
 * one timestamp tick of the read cannot go unnoticed. Used by the fast-path and status indexes
 * (src/credentials/fast-path.ts, src/status/), the picker's index (src/sync/pick-index.ts) and the
 * doctor cache (src/doctor/cache.ts). Synchronous node:fs only: it runs on the launcher's start-up path.
 */
import { builtin } from "./builtin";

/** What identifies one version of a file without reading it. */
export interface FileId {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

export const SETTLE_MS = 2_000;

export const fileIdOf = (st: import("node:fs").BigIntStats): FileId => ({
  dev: String(st.dev),
  ino: String(st.ino),
  size: String(st.size),
  mtimeNs: String(st.mtimeNs),
  ctimeNs: String(st.ctimeNs),
});

/**
 * A file's identity, following links; null when it does not exist. undefined when it cannot be looked
 * at, or (unless `anyKind`) is not a regular file — an answer built on it is never trusted.
 */
export function statId(file: string, anyKind = false): FileId | null | undefined {
  try {
    const st = builtin<typeof import("node:fs")>("node:fs").statSync(file, {
      bigint: true,
      throwIfNoEntry: false,
    });
    if (st === undefined) return null;
    return anyKind || st.isFile() ? fileIdOf(st) : undefined;
  } catch {
    return undefined;
  }
}

/** The same version of the file (both missing counts as the same; undefined, unknown, never does). */
export const sameId = (a: FileId | null | undefined, b: FileId | null | undefined): boolean =>
  a === undefined || b === undefined
    ? false
    : a === null || b === null
      ? a === b
      : a.dev === b.dev &&
        a.ino === b.ino &&
        a.size === b.size &&
        a.mtimeNs === b.mtimeNs &&
        a.ctimeNs === b.ctimeNs;

/** Last changed (mtime and ctime) more than SETTLE_MS before `nowMs`; a missing file is settled. */
export const settled = (id: FileId | null, nowMs: number): boolean =>
  id === null ||
  (BigInt(id.ctimeNs) / 1_000_000n < BigInt(nowMs - SETTLE_MS) &&
    BigInt(id.mtimeNs) / 1_000_000n < BigInt(nowMs - SETTLE_MS));

/** A FileId read back from JSON. */
export const isFileId = (x: unknown): x is FileId =>
  typeof x === "object" &&
  x !== null &&
  ["dev", "ino", "size", "mtimeNs", "ctimeNs"].every(
    (k) => typeof (x as Record<string, unknown>)[k] === "string",
  );
