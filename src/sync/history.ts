/**
 * The picker's small state file: how often and how lately each profile (and account, for the
 * `configure sso` pickers) was chosen. ~/.aws/portico/pick-history.json, 0600, atomic; unreadable →
 * empty (never an error); at most 2,000 keys kept (the least recent dropped).
 */
import * as path from "node:path";
import type { AwsPaths } from "../config/paths";
import { readFileIfExists, writeFileAtomic } from "../platform/files";
import type { History } from "./pick";

const MAX_KEYS = 2000;

export const historyFile = (paths: AwsPaths): string =>
  path.join(paths.awsDir, "portico", "pick-history.json");

export function parseHistory(text: string | undefined): History {
  if (text === undefined) return {};
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const out: History = {};
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return {};
    for (const [k, v] of Object.entries(raw)) {
      const o = v as { count?: unknown; last?: unknown };
      if (k !== "__proto__" && typeof o?.count === "number" && typeof o.last === "number")
        out[k] = { count: o.count, last: o.last };
    }
    return out;
  } catch {
    return {};
  }
}

export async function readHistory(paths: AwsPaths): Promise<History> {
  try {
    return parseHistory(await readFileIfExists(historyFile(paths)));
  } catch {
    return {};
  }
}

export async function writeHistory(paths: AwsPaths, h: History): Promise<void> {
  const keys = Object.keys(h);
  let kept = h;
  if (keys.length > MAX_KEYS) {
    kept = {};
    for (const k of keys.sort((a, b) => h[b]!.last - h[a]!.last).slice(0, MAX_KEYS)) kept[k] = h[k]!;
  }
  await writeFileAtomic(historyFile(paths), `${JSON.stringify(kept)}\n`, {
    mode: 0o600,
    dirMode: 0o700,
    secret: true,
  });
}
