/**
 * The error codes are one closed set: docs/errors.md's Codes table lists exactly the codes of
 * src/errors.ts `errorCodes`, each with the same exit code; and `--json` failures print the error
 * document on stdout while people still get the two stderr lines.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ExitCode, errorCodes } from "../../src/errors";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

/** code → the exit cell of its row, from the "## Codes" table. */
async function documentedCodes(): Promise<Map<string, string>> {
  const text = await readFile(new URL("../../docs/errors.md", import.meta.url), "utf8");
  const section = text.slice(text.indexOf("\n## Codes"));
  const out = new Map<string, string>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| code |") || line.startsWith("|---")) continue;
    const [first, exit] = line
      .slice(2)
      .split(" | ")
      .map((c) => c.trim());
    for (const part of first!.split(" / ")) {
      // "access_denied (assume role)": a second row for the same code, qualified.
      const code = part.replace(/\s*\(.*\)$/, "").trim();
      expect(code, `a code cell in docs/errors.md: ${line}`).toMatch(/^[a-z][a-z0-9_]*$/);
      if (!out.has(code)) out.set(code, exit!);
    }
  }
  return out;
}

describe("error codes", () => {
  it("docs/errors.md lists exactly the codes src/errors.ts defines, with their exit codes", async () => {
    const docs = await documentedCodes();
    expect([...docs.keys()].sort()).toEqual(Object.keys(errorCodes).sort());
    for (const [code, exit] of Object.entries(errorCodes))
      expect(Number.parseInt(docs.get(code)!, 10), `exit of ${code}`).toBe(exit);
  });
  it("every default exit code is in the ExitCode table", () => {
    const allowed = new Set<number>(Object.values(ExitCode));
    for (const exit of Object.values(errorCodes)) expect(allowed.has(exit)).toBe(true);
  });
  it("the docs' exit-code table lists every ExitCode", async () => {
    const text = await readFile(new URL("../../docs/errors.md", import.meta.url), "utf8");
    const table = text.slice(text.indexOf("| exit | meaning |"), text.indexOf("## Codes"));
    const listed = new Set([...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));
    expect([...listed].sort((a, b) => a - b)).toEqual(
      [...new Set<number>(Object.values(ExitCode))].sort((a, b) => a - b),
    );
  });
});

describe("--json failures", () => {
  it("a PorticoError: the error document on stdout, the two lines on stderr", async () => {
    const home = await tempHome();
    try {
      const env = { HOME: home.home, AWS_CONFIG_FILE: `${home.home}/.aws/config` };
      const r = await runCli(["whoami", "--profile", "nope", "--json"], env);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({
        error: {
          code: "profile_not_found",
          message: "The config profile (nope) could not be found (from --profile)",
          hint: expect.stringContaining("--profile nope"),
          exitCode: 3,
          details: { profile: "nope", from: "flag" },
        },
      });
      expect(r.stderr.split("\n").filter(Boolean)).toEqual([
        "portico: The config profile (nope) could not be found (from --profile)",
        expect.stringMatching(/^hint: /),
      ]);
      // Without --json nothing goes to stdout.
      const plain = await runCli(["whoami", "--profile", "nope"], env);
      expect(plain.stdout).toBe("");
      expect(plain.code).toBe(3);
    } finally {
      await home.cleanup();
    }
  });
  it("a flag commander refuses: code usage, exit 2", async () => {
    const r = await runCli(["profiles", "--json", "--bogus"], { HOME: "/nonexistent" });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "usage", exitCode: 2 });
  });
  it("--json after exec's -- belongs to the command, not to portico", async () => {
    const r = await runCli(["exec", "--profile", "nope", "--", "echo", "--json"], { HOME: "/nonexistent" });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
  });
});
