import { configDefaults, defineConfig } from "vitest/config";
import { ALL_TESTS, BROWSER_TESTS, INTEROP_TESTS, UNIT_TESTS } from "./test/helpers/tiers.js";

// Four projects, one per tier (test/helpers/tiers.ts says which file goes where and why);
// `npm test` runs them all, `npm run test:unit` etc. one (package.json).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: keep parallelism modest so real processes (aws, python, chromium) don't starve.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      { extends: true, test: { name: "unit", include: UNIT_TESTS } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ALL_TESTS,
          exclude: [...configDefaults.exclude, ...UNIT_TESTS, ...INTEROP_TESTS, ...BROWSER_TESTS],
        },
      },
      { extends: true, test: { name: "interop", include: INTEROP_TESTS } },
      { extends: true, test: { name: "browser", include: BROWSER_TESTS } },
    ],
  },
});
