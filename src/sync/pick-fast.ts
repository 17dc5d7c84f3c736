/**
 * The `portico pick` fast path (docs/sync.md "Pick"), run by the executable's entry before the full
 * CLI loads (src/cli/launcher.ts loads this bundle, dist/cli/pick.cjs, only for `pick`): a plain
 * `portico pick [--sso-session S]` on a terminal draws the list from the picker's index
 * (src/sync/pick-index.ts) — no commander, no config parse, no prompt library, no fs/promises before
 * the first frame. Anything else (a query, --json, another flag, no terminal, no valid index, no
 * entries) returns false and the full command runs, which also writes the index for the next time.
 */
import { awsPaths } from "../config/paths";
import { builtin } from "../platform/builtin";
import { readRegularFileSync } from "../platform/regular-file";
import { parseHistory } from "./pick-history";
import { openPickIndex, pickIndexFile } from "./pick-index";
import { pickInteractively } from "./pick-tui";

type Path = typeof import("node:path");

const PAGE = 15;

/** `pick` with at most `--sso-session S`, else undefined (pure). */
export function fastPickArgs(argv: readonly string[]): { ssoSession?: string } | undefined {
  if (argv[0] !== "pick") return undefined;
  let ssoSession: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--sso-session" && i + 1 < argv.length && ssoSession === undefined) ssoSession = argv[++i]!;
    else if (a.startsWith("--sso-session=") && ssoSession === undefined) ssoSession = a.slice(14);
    else return undefined;
  }
  if (ssoSession === "") return undefined;
  return ssoSession === undefined ? {} : { ssoSession };
}

/** True when the fast path took the command over (it then sets process.exitCode itself). */
export function tryPickFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  try {
    const args = fastPickArgs(argv);
    if (!args || !process.stdin.isTTY || !process.stderr.isTTY) return false;
    const paths = awsPaths(env);
    const index = openPickIndex(paths);
    if (!index || index.count === 0) return false;
    const historyFile = builtin<Path>("node:path").join(paths.awsDir, "portico", "pick-history.json");
    let text: string | undefined;
    try {
      text = readRegularFileSync(historyFile)?.toString("utf8");
    } catch {
      text = undefined;
    }
    const history = parseHistory(text);
    const now = Date.now();
    const first = index.firstFrame(history, now, PAGE, args.ssoSession);
    if (!first || first.length === 0) return false;
    const color = env["NO_COLOR"] === undefined;
    const source = {
      total: index.count,
      first,
      load: () => {
        const all = index.all();
        if (!all) {
          try {
            builtin<typeof import("node:fs")>("node:fs").unlinkSync(pickIndexFile(paths));
          } catch {
            // gone already
          }
          throw new Error("the picker's index cannot be read; run portico pick again (it is rebuilt)");
        }
        return args.ssoSession === undefined ? all : all.filter((e) => e.ssoSession === args.ssoSession);
      },
    };
    pickInteractively(
      source,
      history,
      now,
      { input: process.stdin, output: process.stderr, color },
      { pageSize: PAGE },
    ).then(
      async (chosen) => {
        if (!chosen) {
          process.stderr.write("portico: Cancelled; nothing was chosen.\n");
          process.exitCode = 130;
          return;
        }
        const { remember, roleKey } = await import("./pick");
        const { writeHistory } = await import("./history");
        let next = remember(history, chosen.profile, now);
        next = remember(next, `account:${chosen.accountId}`, now);
        next = remember(next, roleKey(chosen.accountId, chosen.roleName), now);
        await writeHistory(paths, next).catch(() => undefined);
        process.stdout.write(`${chosen.profile}\n`);
      },
      (e: unknown) => {
        process.stderr.write(`portico: ${String((e as Error)?.message ?? e)}\n`);
        process.exitCode = 1;
      },
    );
    return true;
  } catch {
    return false;
  }
}
