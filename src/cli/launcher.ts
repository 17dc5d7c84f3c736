// The lean answers of `credential-process` (from the cache) and `use --print-env` (from the fast-path
// index), in dist/cli/launcher.cjs, loaded by the installed command's entry (src/cli/start.ts) through
// the code cache for every command that has no lean bundle of its own. What it does not answer the
// entry hands to the full ESM CLI (portico.mjs).

import { tryCredentialProcessFastPath } from "../credentials/fast-path";
import { tryUseFastPath } from "../shell/fast-path";

/** true when the command was answered here (its output written); false to run the full CLI. */
export function answer(argv: string[], env: NodeJS.ProcessEnv): boolean {
  return tryCredentialProcessFastPath(argv, env) || tryUseFastPath(argv, env);
}
