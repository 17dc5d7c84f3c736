/**
 * `portico completion bash|zsh|fish|pwsh` prints a completion script built from this program's
 * commands and flags (src/shell/completion.ts); `portico completion --list profiles|sso-sessions`
 * prints the names the scripts complete, from the config files only.
 */
import { Argument, type Command, Option } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("completion")
    .description("print a shell completion script (commands, flags, profile and sso-session names)")
    .addArgument(new Argument("[shell]", "the shell").choices(["bash", "zsh", "fish", "pwsh"]))
    .addOption(
      new Option("--list <what>", "print names, one per line (used by the scripts)").choices([
        "profiles",
        "sso-sessions",
      ]),
    )
    .addHelpText(
      "after",
      '\nExamples:\n  # add one line to the rc file of your shell\n  bash: eval "$(portico completion bash)"\n  zsh (after compinit): eval "$(portico completion zsh)"\n  fish: portico completion fish | source\n  PowerShell: portico completion pwsh | Out-String | Invoke-Expression\n',
    )
    .action(
      async (
        shell: "bash" | "zsh" | "fish" | "pwsh" | undefined,
        flags: { list?: "profiles" | "sso-sessions" },
      ) => {
        if (flags.list !== undefined) {
          const { loadAwsConfig } = await import("../../config/load");
          const config = await loadAwsConfig(ctx.env);
          const names = flags.list === "profiles" ? config.profiles.keys() : config.ssoSessions.keys();
          // One name per line; a name with a line break cannot be completed and is left out.
          ctx.stdout.write(
            [...names]
              .filter((n) => !/[\r\n]/.test(n))
              .map((n) => `${n}\n`)
              .join(""),
          );
          return;
        }
        if (shell === undefined) throw usageError("Name the shell: portico completion bash|zsh|fish|pwsh");
        const { commandTree, completionScript } = await import("../../shell/completion");
        ctx.stdout.write(completionScript(shell, commandTree(program)));
      },
    );
}
