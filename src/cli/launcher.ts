// The installed `portico` command (CommonJS, dist/cli/portico.cjs): a CJS entry starts faster than an
// ESM one, which matters for `credential-process`, run once per process start by every tool that uses
// it. It answers that from the cache when it can, and `use --print-env` from the fast-path index; `pick`,
// `status`, `console --print` and `doctor` have lean answers in bundles of their own (below); everything
// else, and every miss, loads the full ESM CLI (portico.mjs).

import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { tryCredentialProcessFastPath } from "../credentials/fast-path";
import { silenceSdkWarning } from "../platform/sdk-warning";
import { tryUseFastPath } from "../shell/fast-path";

// Before any SDK module loads (they load lazily, after this line); exec's child never sees it.
silenceSdkWarning(process.env);
// `--debug` stack traces name src/ files: the bundle's source maps (scripts/build.mjs), read only then.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

function loadFullCli(): void {
  import(pathToFileURL(path.join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
}

/**
 * The lean answers that have a bundle of their own beside this file (scripts/build.mjs), read only for
 * their command: `pick` from the picker's index (src/sync/pick-fast.ts), `status` from the status index
 * (src/cli/status-fast.ts), `console --print` from cached credentials (src/cli/console-fast.ts) and
 * `doctor` from the doctor cache (src/cli/doctor-fast.ts). Each returns false (or throws) to hand the
 * command to the full CLI.
 */
type Lean = (argv: string[], env: NodeJS.ProcessEnv) => boolean | Promise<boolean>;
const leanBundles: Record<string, [file: string, load: (m: never) => Lean]> = {
  pick: ["pick.cjs", (m: typeof import("../sync/pick-fast")) => m.tryPickFastPath],
  status: ["status.cjs", (m: typeof import("./status-fast")) => m.tryStatusFastPath],
  console: ["console.cjs", (m: typeof import("./console-fast")) => m.tryConsoleFastPath],
  doctor: ["doctor-fast.cjs", (m: typeof import("./doctor-fast")) => m.tryDoctorFastPath],
};

async function leanOrFull(bundle: [string, (m: never) => Lean], argv: string[]): Promise<void> {
  let done = false;
  try {
    done = await bundle[1](require(path.join(__dirname, bundle[0])) as never)(argv, process.env);
  } catch {
    done = false;
  }
  if (!done) loadFullCli();
}

const argv = process.argv.slice(2);
const bundle = Object.hasOwn(leanBundles, argv[0] ?? "") ? leanBundles[argv[0] as string] : undefined;
if (bundle) void leanOrFull(bundle, argv);
else if (!tryCredentialProcessFastPath(argv, process.env) && !tryUseFastPath(argv, process.env))
  loadFullCli();
