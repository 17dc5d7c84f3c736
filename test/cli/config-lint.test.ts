/**
 * `portico config lint` with the default files: it says which files it checked, and does not claim a
 * file it could not find has "no problems".
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await tempHome();
  env = { HOME: home.home, PATH: process.env["PATH"] };
});
afterEach(async () => {
  await home.cleanup();
});

describe("config lint, default files", () => {
  it("neither file exists: exit 0, and it says so", async () => {
    const r = await runCli(["config", "lint"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/no problems in .*credentials/);
    expect(r.stderr).toContain("~/.aws/config: not found");
    expect(r.stderr).toContain("~/.aws/credentials: not found");
  });

  it("only the config file exists: no problems in it, the credentials file named as not found", async () => {
    await mkdir(path.join(home.home, ".aws"), { recursive: true });
    await writeFile(path.join(home.home, ".aws", "config"), "[default]\nregion = eu-north-1\n");
    const r = await runCli(["config", "lint"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no problems in ~/.aws/config");
    expect(r.stderr).toContain("~/.aws/credentials: not found");
  });
});
