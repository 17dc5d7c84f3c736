/**
 * Which Vitest project (tier) each test file runs in, classified by what the file starts (checked file
 * by file, not guessed from names: test/sso/pkce-browser.test.ts is pure, test/config/edit.test.ts
 * runs the AWS CLI). `integration` is the catch-all: a file listed nowhere (a new test another branch
 * adds) still runs there, never silently dropped. test/tiers.test.ts checks that every *.test.ts file
 * belongs to exactly one project, as Vitest itself resolves them.
 *
 * - unit: pure (values in, values out, temp files at most); no server, no child process. Seconds.
 * - integration: the emulator over real HTTP, the built CLI, child processes of node/sh.
 * - interop: the real AWS CLI v2, python3 / boto3 / botocore (differential oracles).
 * - browser: real Chromium through playwright-core.
 */

/** Every test file, wherever it lives. */
export const ALL_TESTS = ["src/**/*.test.ts", "emulator/**/*.test.ts", "test/**/*.test.ts"];

export const UNIT_TESTS = [
  "emulator/web/html.test.ts",
  "test/cli/config-lint.test.ts",
  "test/cli/config-not-a-file.test.ts",
  "test/cli/config-values.test.ts",
  "test/cli/help.test.ts",
  "test/cli/profile-names.test.ts",
  "test/config/describe.test.ts",
  "test/config/regions.test.ts",
  "test/config/sdkjs.test.ts",
  "test/credentials/cache.test.ts",
  "test/credentials/credentials-file.test.ts",
  "test/credentials/fast-path.test.ts",
  "test/credentials/format.test.ts",
  "test/credentials/lifetimes.test.ts",
  "test/emulator/admin-ops.test.ts",
  "test/platform/files.test.ts",
  "test/platform/secret-mode.test.ts",
  "test/reference-doc.test.ts",
  "test/sso/pkce-browser.test.ts",
  "test/sso/session.test.ts",
  "test/sso/token-policy.test.ts",
  "test/sso/wizard-names.test.ts",
];

export const INTEROP_TESTS = [
  "test/config/botocore-diff.test.ts",
  "test/config/cli.test.ts",
  "test/config/edit.test.ts",
  "test/config/load.test.ts",
  "test/config/paths.test.ts",
  "test/emulator/admin-interop.test.ts",
  "test/emulator/portal-hints.test.ts",
  "test/emulator/real-clients.test.ts",
  "test/interop/**/*.test.ts",
  "test/sso/cache.test.ts",
  "test/sso/cli.test.ts",
  "test/sso/interop.test.ts",
];

export const BROWSER_TESTS = ["test/browser/**/*.test.ts", "test/sso/browser.test.ts"];

export const TIERS = ["unit", "integration", "interop", "browser"] as const;
export type Tier = (typeof TIERS)[number];
