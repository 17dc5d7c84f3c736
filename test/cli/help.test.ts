/**
 * Every command, group or leaf, documents itself with an example (common brief: "Every command has
 * help text with an example"). Walks the real command tree the CLI builds.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/cli/context";
import { buildProgram } from "../../src/cli/main";

function context(out: string[]): CliContext {
  return {
    env: { HOME: "/nonexistent" },
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => out.push(s) },
    interactive: false,
    color: false,
    debug: false,
    now: () => new Date(),
    nonInteractive: true,
  };
}

function walk(cmd: Command, prefix: string[] = []): Array<[string, Command]> {
  const name = [...prefix, cmd.name()];
  return [[name.join(" "), cmd], ...cmd.commands.flatMap((c) => walk(c, name))];
}

const out: string[] = [];
const program = buildProgram(context(out));
const commands = walk(program).filter(([name]) => !name.endsWith(" help"));

describe("--help", () => {
  it("covers the whole command tree", () => {
    expect(commands.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        "portico configure",
        "portico configure sso",
        "portico config lint",
        "portico emulator start",
      ]),
    );
  });

  it.each(commands)("%s has an example that runs portico", (name, cmd) => {
    out.length = 0;
    cmd.outputHelp();
    const help = out.join("");
    const at = help.search(/\nExamples?:\n/);
    expect(at, help).toBeGreaterThan(0);
    // The example is for this command (or one of its sub-commands), not another one.
    const path = name.split(" ").slice(1).join(" ");
    expect(help.slice(at)).toContain(`portico ${path}`);
  });
});
