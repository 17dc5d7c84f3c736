/**
 * `portico shell-init bash|zsh|fish|pwsh [--name pc] [--install [--rc-file F]]`: prints the shell
 * integration (src/shell/init.ts) for the user's rc file (`eval "$(portico shell-init bash)"`), or with
 * `--install` adds that line to the rc file between marker comments (src/shell/install.ts).
 */
import { Argument, type Command } from "commander";
import type { Shell } from "../../shell/quote";
import type { CliContext } from "../context";
import { info, printJson } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("shell-init")
    .description("print the shell function (pc) and prompt helper that switch profiles per terminal")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish", "pwsh"]))
    .option("--name <name>", "name of the switch function", "pc")
    .option("--install", "add the line that loads it to your shell's rc file (once; between marker comments)")
    .option("--rc-file <file>", "with --install: this file instead of the shell's usual rc file")
    .option("--json", "with --install: print the result as JSON on stdout")
    .addHelpText(
      "after",
      '\nExamples:\n  portico shell-init bash --install   # adds the line below to ~/.bashrc (once)\n  # or add one line to the rc file of your shell yourself\n  bash (~/.bashrc):   eval "$(portico shell-init bash)"\n  zsh (~/.zshrc):     eval "$(portico shell-init zsh)"\n  fish (conf.d):      portico shell-init fish | source\n  PowerShell ($PROFILE): portico shell-init pwsh | Out-String | Invoke-Expression\nThen: pc PROFILE, pc (pick), pc - (previous), pc --unset. Prompt: docs/switching.md\n',
    )
    .action(
      async (shell: Shell, flags: { name: string; install?: boolean; rcFile?: string; json?: boolean }) => {
        if (!flags.install) {
          const { shellInit } = await import("../../shell/init");
          ctx.stdout.write(shellInit(shell, flags.name));
          return;
        }
        const { installShellIntegration, describeInstall } = await import("../../shell/install");
        const r = await installShellIntegration(shell, ctx.env, {
          name: flags.name,
          ...(flags.rcFile !== undefined ? { file: flags.rcFile } : {}),
        });
        if (flags.json) printJson(ctx, r);
        else info(ctx, describeInstall(r, ctx.env));
      },
    );
}
