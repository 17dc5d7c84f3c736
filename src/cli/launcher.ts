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

const fullCli = () =>
  import(pathToFileURL(path.join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
if (process.argv[2] === "doctor") {
  // `doctor` answered from the doctor cache: its own file, read only for this command (src/cli/doctor-fast.ts).
  let fast: Promise<boolean>;
  try {
    fast = (
      require(path.join(__dirname, "doctor-fast.cjs")) as typeof import("./doctor-fast")
    ).tryDoctorFastPath(process.argv.slice(2), process.env);
  } catch {
    fast = Promise.resolve(false);
  }
  fast.then((ok) => ok || fullCli());
} else if (
  !tryCredentialProcessFastPath(process.argv.slice(2), process.env) &&
  !tryUseFastPath(process.argv.slice(2), process.env)
) {
  fullCli();
}
