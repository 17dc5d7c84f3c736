// Builds the CLI bundle (dist/cli/portico.mjs + lazily loaded chunks) and the library (dist/index.js).
// ESM with code splitting keeps the AWS SDK, prompts and the emulator out of the start-up path:
// each lands in its own chunk, read only when a command imports it. The banner gives bundled CJS
// dependencies a working `require` (environment.md: "Dynamic require of node:https").

import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync("dist", { recursive: true, force: true });
const banner = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";
await build({
  entryPoints: { portico: "src/cli/bin.ts" },
  outdir: "dist/cli",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // The AWS SDK's ES-module builds: a lazy `await import()` of them then has named exports (the CommonJS
  // builds would arrive as `{ default }` through Node's interop).
  mainFields: ["module", "main"],
  target: "node20",
  minify: true,
  // External maps (mappings only, no source text): a `--debug` stack trace names src/ files and lines
  // (src/cli/bin.ts turns maps on for --debug only; unused maps cost nothing at start-up).
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  banner: { js: `#!/usr/bin/env node\n${banner}` },
  define: { PORTICO_VERSION: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
chmodSync("dist/cli/portico.mjs", 0o755);
// The installed command: a tiny CommonJS entry (faster to start than an ESM one; src/cli/start.ts) that
// loads the lean answers through the code cache and otherwise imports portico.mjs.
// Every CommonJS bundle: the entry, the launcher and its lean answers below.
const cjs = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  logLevel: "warning",
};
await build({
  ...cjs,
  entryPoints: ["src/cli/start.ts"],
  outfile: "dist/cli/portico.cjs",
  banner: { js: "#!/usr/bin/env node" },
});
chmodSync("dist/cli/portico.cjs", 0o755);
// What the entry loads through the code cache (src/platform/code-cache.ts): the launcher (the lean
// answers of `credential-process` and `use`, src/cli/launcher.ts) and its lean bundles, each required
// only for its own command, so the other commands' start-up does not pay for them: `portico pick`'s
// list (src/sync/pick-fast.ts), `status` from its index, `console --print` from cached credentials and
// `doctor` from the doctor cache (src/cli/*-fast.ts).
for (const [entry, out] of [
  ["src/cli/launcher.ts", "dist/cli/launcher.cjs"],
  ["src/sync/pick-fast.ts", "dist/cli/pick.cjs"],
  ["src/cli/status-fast.ts", "dist/cli/status.cjs"],
  ["src/cli/console-fast.ts", "dist/cli/console.cjs"],
  ["src/cli/doctor-fast.ts", "dist/cli/doctor-fast.cjs"],
])
  await build({
    ...cjs,
    entryPoints: [entry],
    outfile: out,
    define: { PORTICO_VERSION: JSON.stringify(pkg.version) },
  });
await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  define: { PORTICO_VERSION: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
writeFileSync("dist/package.json", JSON.stringify({ type: "module" }));
// The library's type declarations (dist/types), from src/index.ts and what it reaches.
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
// The sources import extensionless (bundler resolution); a consumer on NodeNext resolution needs the
// `.js` specifiers Node itself would use, so add them to every relative import in the declarations.
for (const file of readdirSync("dist/types", { recursive: true })) {
  if (!String(file).endsWith(".d.ts")) continue;
  const p = `dist/types/${file}`;
  const text = readFileSync(p, "utf8").replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\2/g,
    (m, pre, q, spec) => (/\.(js|mjs|cjs|json)$/.test(spec) ? m : `${pre}${q}${spec}.js${q}`),
  );
  writeFileSync(p, text);
}
