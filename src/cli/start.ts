// The installed `portico` command (CommonJS, dist/cli/portico.cjs; a CJS entry starts faster than an
// ESM one, which matters for `credential-process`, run once per process start by every tool that uses
// it). It loads the command's lean answer through the V8 code cache (src/platform/code-cache.ts) and,
// when that does not answer, imports the full ESM CLI (portico.mjs). Kept tiny: this file is compiled
// afresh on every start.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { codeCacheFor, requireCached } from "../platform/code-cache";
import { silenceSdkWarning } from "../platform/sdk-warning";

// Before any SDK module loads (they load lazily, after this line); exec's child never sees it.
silenceSdkWarning(process.env);
const argv = process.argv.slice(2);
// `--debug` stack traces name src/ files: the bundle's source maps (scripts/build.mjs), read only then.
if (argv.includes("--debug")) process.setSourceMapsEnabled(true);

/**
 * false: hand the command to the full CLI; true: answered; "cached": answered without running most of
 * the bundle's code (doctor from its cache, or a doctor read that is not an edit's:
 * src/cli/doctor-fast.ts), so the code cache keeps this run's compiled code as a partial entry, which
 * the first run that does the whole work replaces (src/platform/code-cache.ts).
 */
type Answer = boolean | "cached";
/**
 * The lean answers, each a bundle beside this file (scripts/build.mjs) read only for its command:
 * `pick` from the picker's index (src/sync/pick-fast.ts), `status` from the status index
 * (src/cli/status-fast.ts), `console --print` from cached credentials (src/cli/console-fast.ts),
 * `doctor` from the doctor cache, or run in that bundle without the ESM CLI on a miss
 * (src/cli/doctor-fast.ts); every other command tries the launcher
 * (`credential-process`, `use`: src/cli/launcher.ts). Each returns false (or throws) to hand the
 * command to the full CLI.
 */
type Lean = (argv: string[], env: NodeJS.ProcessEnv) => Answer | Promise<Answer>;
const leanBundles: Record<string, [file: string, load: (m: never) => Lean]> = {
  pick: ["pick.cjs", (m: typeof import("../sync/pick-fast")) => m.tryPickFastPath],
  status: ["status.cjs", (m: typeof import("./status-fast")) => m.tryStatusFastPath],
  console: ["console.cjs", (m: typeof import("./console-fast")) => m.tryConsoleFastPath],
  doctor: ["doctor-fast.cjs", (m: typeof import("./doctor-fast")) => m.tryDoctorFastPath],
};
const launcher: [string, (m: never) => Lean] = ["launcher.cjs", (m: typeof import("./launcher")) => m.answer];

function loadFullCli(): void {
  import(pathToFileURL(join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
}

const cache = codeCacheFor(argv, process.env);
const done = (answered: Answer): void => {
  if (answered === false) loadFullCli();
  else if (cache) cache.answered = answered === true;
};
let answered: Answer | Promise<Answer>;
try {
  const [file, fn] =
    (Object.hasOwn(leanBundles, argv[0] ?? "") && leanBundles[argv[0] as string]) || launcher;
  answered = fn(requireCached(join(__dirname, file), cache, require) as never)(argv, process.env);
} catch {
  answered = false;
}
if (!(answered instanceof Promise)) done(answered);
else answered.then(done, () => done(false));
