/**
 * `portico exec` without the `--` (docs/credentials.md: refused with exit 2 and the corrected
 * command) — also when the command has options of its own, which commander would otherwise reject
 * as portico's. Credentials from the environment: nothing here needs the network.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./support";

const env = {
  PATH: process.env["PATH"],
  HOME: "/nonexistent-portico-home",
  AWS_ACCESS_KEY_ID: "AKIAQAQAQAQAQAQAQA12",
  AWS_SECRET_ACCESS_KEY: "bogusSecretbogusSecretbogusSecretbogus12",
};

describe("exec without --", () => {
  it.each([
    [["exec", "sh", "-c", "exit 3"], "portico exec -- sh -c 'exit 3'"],
    [["exec", "--region", "eu-west-1", "ls", "-la", "/"], "portico exec --region eu-west-1 -- ls -la /"],
    [["exec", "ls", "-la", "--region", "x"], "portico exec -- ls -la --region x"],
    [["exec", "--region=eu-west-1", "aws", "s3", "ls"], "portico exec --region=eu-west-1 -- aws s3 ls"],
  ])("%j: exit 2, nothing run, the hint is the corrected command", async (args, corrected) => {
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^portico: Put -- between portico's options and the command to run$/m);
    expect(r.stderr).toContain(`hint: ${corrected}\n`);
  });

  it("an unknown portico option before -- is a usage error, not a command to run", async () => {
    const r = await runCli(["exec", "--bogus", "--", "true"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
  });

  it("with --, the command's options are its own and its exit code passes through", async () => {
    const r = await runCli(["exec", "--", "sh", "-c", "exit 3"], env);
    expect(r.code, r.stderr).toBe(3);
  });
});
