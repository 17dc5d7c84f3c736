/**
 * `portico use PROFILE --print-env [--shell bash|zsh|fish|pwsh] [--export] [--keep-region]` and
 * `portico use --unset --print-env`: the statements that switch the calling shell to a profile, for
 * `eval` (what the `pc` function of `portico shell-init` runs). Only statements on stdout; messages
 * on stderr. The common case is answered before this module loads (src/shell/fast-path.ts).
 */
import { type Command, Option } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";
import { info } from "../output";

interface UseFlags {
  printEnv?: boolean;
  shell?: string;
  export?: boolean;
  keepRegion?: boolean;
  unset?: boolean;
}

/** The shell to speak when --shell is not given: $SHELL's name if it is one we know, else bash. */
export function defaultShell(env: NodeJS.ProcessEnv): "bash" | "zsh" | "fish" | "pwsh" {
  const name = (env["SHELL"] ?? "").split("/").pop() ?? "";
  if (name === "zsh" || name === "fish" || name === "bash") return name;
  if (name === "pwsh" || name === "powershell") return "pwsh";
  return "bash";
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("use")
    .description("print the statements that switch this shell to a profile (for eval; see shell-init)")
    .argument("[profile]", "the profile to switch to")
    .option("--print-env", "print the statements (required: a program cannot change its shell otherwise)")
    .addOption(
      new Option("--shell <shell>", "the shell to print for (default: from $SHELL)").choices([
        "bash",
        "zsh",
        "fish",
        "pwsh",
      ]),
    )
    .option(
      "--export",
      "set the role's AWS_ACCESS_KEY_ID/… instead of AWS_PROFILE (for tools that do not read SSO profiles)",
    )
    .option("--keep-region", "leave AWS_REGION as it is")
    .option("--unset", "clear everything an earlier switch set")
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(portico use dev --print-env --shell bash)"\n  portico use dev --print-env --shell fish | source\n  eval "$(portico shell-init bash)"   # then: pc dev\n',
    )
    .action(async (profile: string | undefined, flags: UseFlags) => {
      const shell = (flags.shell ?? defaultShell(ctx.env)) as "bash" | "zsh" | "fish" | "pwsh";
      if (!flags.printEnv)
        throw usageError(
          "portico use prints statements for your shell to run; it cannot change the shell itself",
          `eval "$(portico use ${profile ?? "PROFILE"} --print-env --shell ${shell})"   (or add eval "$(portico shell-init ${shell})" to your shell's rc file and run: pc ${profile ?? "PROFILE"})`,
        );
      if (flags.unset) {
        if (profile !== undefined) throw usageError("--unset takes no profile");
        const { unsetStatements } = await import("../../shell/use");
        ctx.stdout.write(unsetStatements(shell, ctx.env));
        return;
      }
      if (profile === undefined || profile === "")
        throw usageError(
          "Name the profile to switch to",
          "portico profiles   (lists them); or run pc with no argument to pick one",
        );
      const { useStatements } = await import("../../shell/use");
      const { signIn } = await import("./login");
      const { uptime } = await import("node:os");
      const r = await useStatements(
        {
          env: ctx.env,
          now: ctx.now,
          uptimeS: uptime,
          say: (line) => info(ctx, line),
          signIn: async (paths, session, selectArgs) => {
            await signIn(ctx, paths, session, selectArgs, {});
          },
        },
        { profile, shell, mode: flags.export ? "export" : "profile", keepRegion: Boolean(flags.keepRegion) },
      );
      ctx.stdout.write(r.text);
    });
}
