/**
 * `portico shell-init`: every script parses in its real shell (bash -n, zsh -n, fish -n); PowerShell,
 * not packaged for Debian 12, is checked against a golden file and by its parsing rules (balanced
 * braces/parentheses outside strings, terminated strings, the functions the docs name).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shellInit } from "../../src/shell/init";
import { runCli } from "../cli/support";
import { ROOT } from "./support";

describe.each(["bash", "zsh", "fish"] as const)("%s init", (shell) => {
  it("parses (the shell's own -n) and defines the function under --name", () => {
    for (const name of ["pc", "awsp", "my-switch"]) {
      const text = shellInit(shell, name);
      const r = spawnSync(shell, shell === "fish" ? ["--no-config", "-n", "-c", text] : ["-n", "-c", text], {
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      expect(text).toMatch(
        shell === "fish" ? new RegExp(`^function ${name} `, "m") : new RegExp(`^${name}\\(\\) \\{`, "m"),
      );
    }
  });
});

/** Brace/paren balance of PowerShell text outside '…' and "…" strings and # comments. */
function pwshBalance(text: string): { ok: boolean; why?: string } {
  const stack: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "'") {
      i++;
      while (i < text.length && !(text[i] === "'" && text[i + 1] !== "'")) i += text[i] === "'" ? 2 : 1;
      if (i >= text.length) return { ok: false, why: "unterminated '" };
      i++;
      continue;
    }
    if (c === '"') {
      i++;
      let depth = 0;
      while (i < text.length && !(text[i] === '"' && depth === 0)) {
        if (text[i] === "`") i++;
        else if (text[i] === "$" && text[i + 1] === "(") {
          depth++;
          i++;
        } else if (text[i] === ")" && depth > 0) depth--;
        i++;
      }
      if (i >= text.length) return { ok: false, why: 'unterminated "' };
      i++;
      continue;
    }
    if (c === "{" || c === "(") stack.push(c);
    if (c === "}" || c === ")") {
      const open = stack.pop();
      if ((c === "}" && open !== "{") || (c === ")" && open !== "("))
        return { ok: false, why: `unbalanced ${c} at ${i}` };
    }
    i++;
  }
  return stack.length === 0 ? { ok: true } : { ok: false, why: `unclosed ${stack.join("")}` };
}

describe("pwsh init (golden + parsing rules; PowerShell is not packaged for Debian 12)", () => {
  it("matches the golden file", () => {
    expect(shellInit("pwsh")).toBe(
      readFileSync(path.join(ROOT, "test", "shell", "golden", "init.pwsh"), "utf8"),
    );
  });
  it("is balanced and defines pc, portico_prompt and the prompt hook", () => {
    const text = shellInit("pwsh", "awsp");
    expect(pwshBalance(text)).toEqual({ ok: true });
    for (const f of ["awsp", "portico_prompt", "__portico_hook", "prompt"])
      expect(text).toMatch(new RegExp(`^\\s*function global:${f} \\{`, "m"));
  });
  it("the balance check can fail", () => {
    expect(pwshBalance("function x { 'a' ").ok).toBe(false);
    expect(pwshBalance("'unterminated").ok).toBe(false);
  });
});

describe("shell-init command", () => {
  it("prints the script on stdout", async () => {
    const r = await runCli(["shell-init", "zsh"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(shellInit("zsh"));
    expect(r.stderr).toBe("");
  });
  it("refuses a --name that is not a plain function name (usage, exit 2)", async () => {
    for (const bad of ["a;b", "$(x)", "portico", "1x"]) {
      const r = await runCli(["shell-init", "bash", "--name", bad], {});
      expect(r.code, bad).toBe(2);
      expect(r.stdout).toBe("");
    }
  });
  it("refuses an unknown shell", async () => {
    const r = await runCli(["shell-init", "csh"], {});
    expect(r.code).toBe(2);
  });
});
