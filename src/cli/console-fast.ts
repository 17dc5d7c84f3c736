/**
 * `portico console --print` answered by the launcher with cached role credentials and one federation
 * request (src/console/fast-path.ts). Built as its own file (dist/cli/console.cjs) that the launcher
 * reads only for `console`, so credential_process and `use` do not pay for it.
 */
import { consoleUrlFromCache } from "../console/fast-path";
import { writeAll } from "../platform/fd-write";

/** true when the URL was printed; false to run the full command. */
export async function tryConsoleFastPath(argv: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const url = await consoleUrlFromCache(argv, env, new Date());
  if (url === undefined) return false;
  writeAll(1, `${url}\n`);
  return true;
}
