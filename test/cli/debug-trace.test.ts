/**
 * `--debug` stack traces name src/ files and lines, not positions in the minified bundle: the build
 * ships linked source maps (scripts/build.mjs) and the entry points read them only under --debug.
 * Runs the installed command (dist/cli/portico.cjs; `npm run build` first) on a config that is a
 * directory, which fails inside src/config/load.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "dist", "cli", "portico.cjs");

let home: { home: string; cleanup(): Promise<void> };
beforeEach(async () => {
  if (!existsSync(BIN)) throw new Error("run `npm run build` first");
  home = await tempHome();
  await mkdir(path.join(home.home, ".aws", "config"), { recursive: true });
});
afterEach(() => home.cleanup());

const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    env: { HOME: home.home, PATH: process.env["PATH"] },
    encoding: "utf8",
  });

describe("--debug stack traces", () => {
  it("name the src/ file and line where the error was raised", () => {
    const r = run(["profiles", "--debug"]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/\n\s+at .*\bsrc\/config\/load\.ts:\d+:\d+\)?\n/);
    expect(r.stderr).toMatch(/\n\s+at .*\bsrc\/platform\/files\.ts:\d+:\d+\)?\n/);
    expect(r.stderr).not.toMatch(/dist\/cli\/[^\s]+\.mjs:\d+/);
  });

  it("without --debug: no stack at all", () => {
    const r = run(["profiles"]);
    expect(r.status).toBe(3);
    expect(r.stderr).not.toContain("    at ");
  });
});
