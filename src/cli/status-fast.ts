/**
 * `portico status [--json]` answered by the launcher from the status index (src/status/fast-path.ts),
 * written exactly as the command writes it (src/cli/commands/status.ts: printJson / renderStatus, then
 * warn / info on stderr). Built as its own file (dist/cli/status.cjs) that the launcher reads only
 * for `status`, so credential_process and `use` do not pay for it.
 */
import { isTerminal, writeAll } from "../platform/fd-write";
import { statusFromIndex } from "../status/fast-path";
import { NO_SESSIONS_NOTE, renderStatus } from "../status/report";
import type { CliContext } from "./context";
import { info, table, warn } from "./output";

/** true when the status was printed; false to run the full command (which rebuilds the index). */
export function tryStatusFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  const r = statusFromIndex(argv, env, new Date());
  if (!r) return false;
  writeAll(1, r.json ? `${JSON.stringify(r.status, null, 2)}\n` : renderStatus(r.status, table));
  const notes = [...r.status.warnings];
  const note = !r.json && r.status.sessions.length === 0;
  if (notes.length > 0 || note) {
    const isatty = isTerminal(2);
    const ctx = {
      stderr: { write: (s: string) => writeAll(2, s) },
      color: isatty && env["NO_COLOR"] === undefined,
    } as unknown as CliContext;
    for (const w of notes) warn(ctx, w);
    if (note) info(ctx, NO_SESSIONS_NOTE);
  }
  return true;
}
