/**
 * The lean `portico status [--json]`, for the executable's entry before the full CLI loads
 * (src/cli/launcher.ts): the status index (src/status/summary.ts, valid only for the exact versions of
 * both config files) instead of the config, then the same `statusFrom` over the same synchronous
 * readers as the full path (src/status/status.ts) — so the output is the same. No commander, no
 * fs/promises, no AWS SDK. Anything else (other flags, `--verify`, a missing or stale index, any
 * error) returns undefined and the full command runs, which rebuilds the index.
 */
import { awsPaths } from "../config/paths";
import { type Status, statusFrom } from "./report";
import { readStatusIndex, syncStatusIo } from "./summary";

/** `status` or `status --json` exactly, else undefined. */
export function fastStatusArgs(argv: string[]): { json: boolean } | undefined {
  if (argv[0] !== "status") return undefined;
  if (argv.length === 1) return { json: false };
  if (argv.length === 2 && argv[1] === "--json") return { json: true };
  return undefined;
}

/** The status from the index, or undefined to run the full command. Never throws. */
export function statusFromIndex(
  argv: string[],
  env: NodeJS.ProcessEnv,
  now: Date,
): { status: Status; json: boolean } | undefined {
  try {
    const args = fastStatusArgs(argv);
    if (!args) return undefined;
    const paths = awsPaths(env);
    const summary = readStatusIndex(paths);
    if (!summary) return undefined;
    try {
      return {
        status: statusFrom(summary, syncStatusIo(paths), env, now, paths.configFile),
        json: args.json,
      };
    } finally {
      summary.close();
    }
  } catch {
    return undefined;
  }
}
