// The installed `portico` command (CommonJS, dist/cli/portico.cjs): a CJS entry starts faster than an
// ESM one, which matters for `credential-process`, run once per process start by every tool that uses
// it. It answers that from the cache when it can (and `use --print-env`, `status`, `console --print` from their indexes)
// and otherwise loads the full ESM CLI (portico.mjs).

import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { consoleUrlFromCache } from "../console/fast-path";
import { tryCredentialProcessFastPath, writeAll } from "../credentials/fast-path";
import { builtin } from "../platform/builtin";
import { silenceSdkWarning } from "../platform/sdk-warning";
import { tryUseFastPath } from "../shell/fast-path";
import { statusFromIndex } from "../status/fast-path";
import { NO_SESSIONS_NOTE, renderStatus } from "../status/report";
import type { CliContext } from "./context";
import { info, table, warn } from "./output";

/**
 * `status [--json]` from the status index (src/status/fast-path.ts), written exactly as the command
 * writes it (src/cli/commands/status.ts: printJson / renderStatus, then warn / info on stderr).
 */
function tryStatusFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  const r = statusFromIndex(argv, env, new Date());
  if (!r) return false;
  writeAll(1, r.json ? `${JSON.stringify(r.status, null, 2)}\n` : renderStatus(r.status, table));
  const notes = [...r.status.warnings];
  const note = !r.json && r.status.sessions.length === 0;
  if (notes.length > 0 || note) {
    const isatty = builtin<typeof import("node:tty")>("node:tty").isatty(2);
    const ctx = {
      stderr: { write: (s: string) => writeAll(2, s) },
      color: isatty && env["NO_COLOR"] === undefined,
    } as unknown as CliContext;
    for (const w of notes) warn(ctx, w);
    if (note) info(ctx, NO_SESSIONS_NOTE);
  }
  return true;
}

// Before any SDK module loads (they load lazily, after this line); exec's child never sees it.
silenceSdkWarning(process.env);
// `--debug` stack traces name src/ files: the bundle's source maps (scripts/build.mjs), read only then.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

// `pick` draws its list from the picker's index in a bundle of its own (src/sync/pick-fast.ts), loaded only for it.
const tryPickFastPath = (argv: string[], env: NodeJS.ProcessEnv): boolean =>
  argv[0] === "pick" &&
  (require(path.join(__dirname, "pick.cjs")) as typeof import("../sync/pick-fast")).tryPickFastPath(
    argv,
    env,
  );

function loadFullCli(): void {
  import(pathToFileURL(path.join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
}

/** `doctor` answered from the doctor cache: its own file, read only for this command (src/cli/doctor-fast.ts). */
function doctorFromCache(argv: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    return (
      require(path.join(__dirname, "doctor-fast.cjs")) as typeof import("./doctor-fast")
    ).tryDoctorFastPath(argv, env);
  } catch {
    return Promise.resolve(false);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "doctor") void doctorFromCache(argv, process.env).then((ok) => ok || loadFullCli());
else if (
  !tryCredentialProcessFastPath(argv, process.env) &&
  !tryUseFastPath(argv, process.env) &&
  !tryStatusFastPath(argv, process.env) &&
  !tryPickFastPath(argv, process.env)
) {
  // `console --print` with cached role credentials: one federation request (src/console/fast-path.ts).
  if (argv[0] === "console")
    void consoleUrlFromCache(argv, process.env, new Date()).then((url) => {
      if (url === undefined) loadFullCli();
      else writeAll(1, `${url}\n`);
    });
  else loadFullCli();
}
