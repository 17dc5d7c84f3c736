/**
 * `portico shell-init bash|zsh|fish|pwsh [--name pc]`: prints the shell integration (src/shell/init.ts)
 * for the user's rc file: `eval "$(portico shell-init bash)"`.
 */
import { Argument, type Command } from "commander";
import type { CliContext } from "../context";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("shell-init")
    .description("print the shell function (pc) and prompt helper that switch profiles per terminal")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish", "pwsh"]))
    .option("--name <name>", "name of the switch function", "pc")
    .addHelpText(
      "after",
      '\nExamples:\n  # add one line to the rc file of your shell\n  bash (~/.bashrc):   eval "$(portico shell-init bash)"\n  zsh (~/.zshrc):     eval "$(portico shell-init zsh)"\n  fish (config.fish): portico shell-init fish | source\n  PowerShell ($PROFILE): portico shell-init pwsh | Out-String | Invoke-Expression\nThen: pc PROFILE, pc (pick), pc - (previous), pc --unset. Prompt: docs/switching.md\n',
    )
    .action(async (shell: "bash" | "zsh" | "fish" | "pwsh", flags: { name: string }) => {
      const { shellInit } = await import("../../shell/init");
      ctx.stdout.write(shellInit(shell, flags.name));
    });
}
