// The `portico` executable (ESM, dist/cli/portico.mjs). Silence the AWS SDK's Node-version warning
// before any SDK module loads: it would corrupt credential_process and --json output.

import { tryCredentialProcessFastPath } from "../credentials/fast-path";
import { silenceSdkWarning } from "../platform/sdk-warning";

// Before any SDK module loads (they load lazily, after this line); exec's child never sees it.
silenceSdkWarning(process.env);
// `--debug` stack traces name src/ files: the bundle's source maps (scripts/build.mjs), read only then.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

const argv = process.argv.slice(2);

// `credential-process` with fresh cached credentials is answered before commander and the command
// modules load (docs/benchmarks.md); anything else — or any doubt — runs the full CLI.
if (!tryCredentialProcessFastPath(argv, process.env)) {
  // A reader that goes away (`portico … | head`) is not an error: stop quietly, as other CLIs do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  // `credential-process` after a cache miss: resolved in the profile's located sections (src/cli/lean.ts).
  import("./lean")
    .then(({ tryLeanPath }) => tryLeanPath(argv, process.env))
    .then((code) => code ?? import("./main").then(({ run }) => run(argv)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e) => {
        process.stderr.write(`portico: fatal: ${String(e)}\n`);
        process.exitCode = 1;
      },
    );
}
