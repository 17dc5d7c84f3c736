/**
 * `portico exec` gives the child exactly the parent's environment plus the credentials, minus
 * AWS_PROFILE / AWS_DEFAULT_PROFILE (docs/credentials.md "exec"): nothing portico sets for itself
 * (the SDK's warning switch, src/platform/sdk-warning.ts) leaks. The installed command
 * (dist/cli/portico.cjs, run `npm run build` first) runs `env -0`; the test diffs what it prints.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";
import { writeConfig } from "../helpers/sign-in";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "dist", "cli", "portico.cjs");
const ESM = path.join(ROOT, "dist", "cli", "portico.mjs");

const KEYS = {
  AWS_ACCESS_KEY_ID: "AKIAEXECENVTEST00001",
  AWS_SECRET_ACCESS_KEY: "execEnvTestSecretexecEnvTestSecret0001",
};

function envOf(entry: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, "exec", "--", "env", "-0"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`exit ${code}: ${err}`));
      const vars: Record<string, string> = {};
      for (const entry of out.split("\0")) {
        if (entry === "") continue;
        const at = entry.indexOf("=");
        vars[entry.slice(0, at)] = entry.slice(at + 1);
      }
      resolve(vars);
    });
  });
}

let home: { home: string; cleanup(): Promise<void> };
beforeEach(async () => {
  if (!existsSync(BIN)) throw new Error("run `npm run build` first");
  home = await tempHome();
  await writeConfig(
    home.home,
    `[profile static]\naws_access_key_id = ${KEYS.AWS_ACCESS_KEY_ID}\nregion = eu-west-3\n`,
  );
  await import("node:fs/promises").then((fs) =>
    fs.writeFile(
      path.join(home.home, ".aws", "credentials"),
      `[static]\naws_secret_access_key = ${KEYS.AWS_SECRET_ACCESS_KEY}\n`,
      { mode: 0o600 },
    ),
  );
});
afterEach(() => home.cleanup());

/** A parent environment without the SDK switch (vitest's own env sets it for the test process). */
function parentEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: home.home,
    PATH: process.env["PATH"],
    LANG: "C.UTF-8",
    SOME_USER_VAR: "kept as is",
    ...extra,
  };
}

describe("exec: the child's environment", () => {
  it.each([
    ["portico.cjs (installed)", BIN],
    ["portico.mjs", ESM],
  ])(
    "%s: exactly the parent's plus the credentials and region, minus AWS_PROFILE / AWS_DEFAULT_PROFILE",
    async (_label, entry) => {
      const parent = parentEnv({ AWS_PROFILE: "static", AWS_DEFAULT_PROFILE: "static" });
      const child = await envOf(entry, parent);
      const { AWS_PROFILE: _p, AWS_DEFAULT_PROFILE: _d, ...rest } = parent;
      expect(child).toEqual({ ...rest, ...KEYS, AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "eu-west-3" });
      expect(Object.keys(child).filter((k) => k.includes("SDK_JS") || k.startsWith("_PORTICO"))).toEqual([]);
    },
  );

  it("a value the user set for the SDK's warning switch is passed on unchanged", async () => {
    const parent = parentEnv({
      AWS_PROFILE: "static",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false",
    });
    const child = await envOf(BIN, parent);
    expect(child["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"]).toBe("false");
    expect(child["_PORTICO_SET_SDK_WARNING_DISABLED"]).toBeUndefined();
  });
});
