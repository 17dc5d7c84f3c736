/**
 * The picker's small state file: how often and how lately each profile (and account, for the
 * `configure sso` pickers) was chosen. ~/.aws/portico/pick-history.json, 0600, atomic; unreadable →
 * empty (never an error); at most 2,000 keys kept (the least recent dropped).
 */
import * as path from "node:path";
import type { AwsPaths } from "../config/paths";
import { readFileIfExists, writeFileAtomic } from "../platform/files";
import type { History } from "./pick";
import { parseHistory } from "./pick-history";

export { parseHistory };

const MAX_KEYS = 2000;

export const historyFile = (paths: AwsPaths): string =>
  path.join(paths.awsDir, "portico", "pick-history.json");

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
