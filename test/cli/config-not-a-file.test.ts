/**
 * `~/.aws/config` (or the credentials file) being a directory is a clear error everywhere
 * (docs/errors.md file_not_regular, exit 3, the file named), not "no profiles" (exit 0) nor
 * "internal error: EISDIR" after a sign-in. In-process CLI, temp HOME, nothing started.
 */
import { mkdir, readdir } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";
import { START_URL } from "../helpers/sign-in";
import { runCli } from "./support";

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await tempHome();
  env = { HOME: home.home, PATH: process.env["PATH"], NO_COLOR: "1" };
});
afterEach(() => home.cleanup());

const CONFIGURE = [
  "configure",
  "sso",
  "--profile",
  "dev",
  "--start-url",
  START_URL,
  "--sso-region",
  "eu-north-1",
  "--device-code",
  "--no-browser",
];

describe("~/.aws/config is a directory", () => {
  beforeEach(() => mkdir(path.join(home.home, ".aws", "config"), { recursive: true }));

  it.each([
    [["profiles"]],
    [CONFIGURE],
    [["config", "get", "region", "--profile", "dev"]],
    [["config", "set", "region", "eu-west-1", "--profile", "dev"]],
    [["config", "lint"]],
    [["whoami", "--profile", "dev"]],
    [["login", "--profile", "dev", "--device-code", "--no-browser"]],
  ])("%j: exit 3, file_not_regular, the file named; nothing written", async (args) => {
    const r = await runCli(args, { ...env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe("");
    // Named as configured (~/.aws/config); the editor (config set) names the resolved path.
    const file = /^portico: (~|\/\S+)\/\.aws\/config is a directory, not a regular file\n/;
    expect(r.stderr).toMatch(file);
    expect(r.stderr).toMatch(
      /\nhint: move it aside \(mv \S+\/\.aws\/config \S+\/\.aws\/config\.dir\), or point AWS_CONFIG_FILE/,
    );
    if (args[1] !== "set")
      expect(r.stderr).toContain("portico: ~/.aws/config is a directory, not a regular file\n");
    expect(await readdir(path.join(home.home, ".aws"))).toEqual(["config"]);
    expect(await readdir(path.join(home.home, ".aws", "config"))).toEqual([]);
  });
});

describe("the credentials file is a directory", () => {
  it("profiles: exit 3 naming the credentials file", async () => {
    await mkdir(path.join(home.home, ".aws", "credentials"), { recursive: true });
    const r = await runCli(["profiles"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("portico: ~/.aws/credentials is a directory, not a regular file\n");
  });

  it("AWS_CONFIG_FILE pointing at a directory is named as given", async () => {
    const dir = path.join(home.home, "cfgdir");
    await mkdir(dir);
    const r = await runCli(["profiles", "--json"], { ...env, AWS_CONFIG_FILE: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`portico: ${dir} is a directory, not a regular file\n`);
  });
});
