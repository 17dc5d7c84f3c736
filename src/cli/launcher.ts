// The installed `portico` command (CommonJS, dist/cli/portico.cjs): a CJS entry starts faster than an
// ESM one, which matters for `credential-process`, run once per process start by every tool that uses
// it. It answers that from the cache when it can and otherwise loads the full ESM CLI (portico.mjs).
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { tryCredentialProcessFastPath } from "../credentials/fast-path";
import { tryUseFastPath } from "../shell/fast-path";

if (
  !tryCredentialProcessFastPath(process.argv.slice(2), process.env) &&
  !tryUseFastPath(process.argv.slice(2), process.env)
) {
  import(pathToFileURL(path.join(__dirname, "portico.mjs")).href).catch((e: unknown) => {
    process.stderr.write(`portico: fatal: cannot load the CLI: ${String(e)}\n`);
    process.exitCode = 1;
  });
}
