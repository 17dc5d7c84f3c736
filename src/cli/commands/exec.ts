/**
 * `portico exec [--profile P] -- CMD …`: run CMD with the role credentials in its environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION;
 * AWS_PROFILE removed so the child's SDK uses the keys). stdio inherited, SIGINT/SIGTERM/SIGHUP
 * forwarded, exit code passed through (128 + signal number when the child was killed).
 */
import type { Command } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("exec")
    .description("run a command with a profile's role credentials in its environment")
    .option("--profile <name>", "the profile (default: AWS_PROFILE or default)")
    .option("--region <region>", "AWS_REGION for the command (default: the profile's region)")
    .argument("<command...>", "the command and its arguments (after --)")
    .addHelpText("after", "\nExample:\n  portico exec --profile dev -- aws sts get-caller-identity\n")
    .action(async (command: string[], opts: { profile?: string; region?: string }, cmd: Command) => {
      // Without `--`, the command's own options (--region, --profile, …) would be taken as portico's.
      // (commander keeps the unparsed argv in `rawArgs`, untyped; if it ever goes away the check is skipped.)
      const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      if (raw.length > 0 && !raw.includes("--")) {
        throw usageError(
          "Put -- between portico's options and the command to run",
          `portico exec${opts.profile ? ` --profile ${opts.profile}` : ""} -- ${command.join(" ")}`,
        );
      }
      const { resolveCredentials } = await import("../../credentials/resolve");
      const { runWithCredentials } = await import("../../credentials/exec");
      const resolved = await resolveCredentials(
        { env: ctx.env, now: ctx.now },
        {
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          ...(opts.region !== undefined ? { region: opts.region } : {}),
        },
      );
      const code = await runWithCredentials(ctx.env, resolved, command, {
        terminalSignalsReachChild: Boolean(process.stdin.isTTY),
      });
      process.exitCode = code;
    });
}
