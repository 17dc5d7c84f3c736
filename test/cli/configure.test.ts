/**
 * `portico configure sso` fully by flags in a non-interactive run (an onboarding script): when it
 * needs a sign-in it cannot do, the hint is a command that works as given — even for an sso-session
 * that is not in the config yet. Real emulator over HTTP, the CLI run in-process.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { shellSplit } from "../../src/platform/browser";
import { testEnv } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(async () => {
  home = await tempHome();
  env = testEnv(home.home, emu.url);
});
afterEach(async () => {
  await home.cleanup();
});

/** The command in a `hint:` line (before the parenthesised remark), as argv after `portico`. */
function hintCommand(stderr: string): string[] {
  const hint = /^hint: (.*)$/m.exec(stderr)?.[1] ?? "";
  const words = shellSplit(hint.replace(/\s+\(.*$/, ""));
  expect(words[0], stderr).toBe("portico");
  return words.slice(1);
}

describe("configure sso by flags, non-interactive, not signed in", () => {
  const args = [
    "configure",
    "sso",
    "--profile",
    "p2",
    "--sso-session",
    "new",
    "--start-url",
    "https://d-0000000000.awsapps.com/start",
    "--sso-region",
    "eu-north-1",
    "--account",
    "222222222222",
    "--role",
    "ViewOnlyAccess",
    "--region",
    "eu-west-1",
  ];

  it("fails with exit 4, writes nothing, and its hint is a command that then succeeds", async () => {
    const r = await runCli(args, env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    await expect(readFile(path.join(home.home, ".aws", "config"), "utf8")).rejects.toThrow();
    const next = hintCommand(r.stderr);
    const again = await runCli(next, env);
    expect(again.code, `${next.join(" ")}\n${again.stderr}`).toBe(0);
    const config = await readFile(path.join(home.home, ".aws", "config"), "utf8");
    expect(config).toContain("[profile p2]");
    expect(config).toContain("sso_account_id = 222222222222");
    expect(config).toContain("[sso-session new]");
  });
});

describe("configure sso-session by flags: a bad value", () => {
  it.each([
    [
      ["--start-url", "http://d-0000000000.awsapps.com/start", "--sso-region", "eu-north-1"],
      "--start-url https://",
    ],
    [
      ["--start-url", "https://d-0000000000.awsapps.com/start", "--sso-region", "Ireland"],
      "--sso-region eu-north-1",
    ],
  ])("%j: usage error with a hint showing a valid flag, nothing written", async (flags, shown) => {
    const r = await runCli(["configure", "sso-session", "acme", ...flags], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toMatch(/^portico: /);
    expect(r.stderr).toMatch(new RegExp(`^hint: .*${shown.replace(/[.?*+]/g, "\\$&")}`, "m"));
    await expect(readFile(path.join(home.home, ".aws", "config"), "utf8")).rejects.toThrow();
  });
});

describe("configure sso: a profile or session name portico cannot write", () => {
  it.each([
    ["--profile", "my prof"],
    ["--sso-session", "bad name"],
  ])("%s %j is refused up front (exit 2), before any sign-in or question", async (flag, name) => {
    const before = emu.requests().length;
    const r = await runCli(
      [
        "configure",
        "sso",
        "--profile",
        "p3",
        "--sso-session",
        "acme",
        "--start-url",
        "https://d-0000000000.awsapps.com/start",
        "--sso-region",
        "eu-north-1",
        flag,
        name,
        "--device-code",
        "--no-browser",
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`name "${name}" cannot be written`);
    expect(emu.requests().length).toBe(before);
    await expect(readFile(path.join(home.home, ".aws", "config"), "utf8")).rejects.toThrow();
  });
});
