// The installed `portico` command (CommonJS, dist/cli/portico.cjs): a CJS entry starts faster than an
// ESM one, which matters for `credential-process`, run once per process start by every tool that uses
// it. It answers that from the cache when it can and otherwise loads the full ESM CLI (portico.mjs).

import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { tryCredentialProcessFastPath } from "../credentials/fast-path";
import { silenceSdkWarning } from "../platform/sdk-warning";
import { tryUseFastPath } from "../shell/fast-path";

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

if (
  !tryCredentialProcessFastPath(process.argv.slice(2), process.env) &&
  !tryUseFastPath(process.argv.slice(2), process.env) &&
  !tryPickFastPath(process.argv.slice(2), process.env)
) {
  import(pathToFileURL(path.join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
}
