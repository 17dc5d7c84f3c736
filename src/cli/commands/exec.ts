/**
 * `portico exec [--profile P] -- CMD …`: run CMD with the role credentials in its environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION;
 * AWS_PROFILE removed so the child's SDK uses the keys). stdio inherited, SIGINT/SIGTERM/SIGHUP
 * forwarded, exit code passed through (128 + signal number when the child was killed).
 */
import type { Command } from "commander";
import { usageError } from "../../errors";
import { noticeOnce } from "../../platform/notices";
import type { CliContext } from "../context";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("exec")
    .description("run a command with a profile's role credentials in its environment")
    .option("--profile <name>", "the profile (default: AWS_PROFILE or default)")
    .option("--region <region>", "AWS_REGION for the command (default: the profile's region)")
    .argument("<command...>", "the command and its arguments (after --)")
    // The command's own options must not be read as portico's: the action checks what preceded `--`.
    .allowUnknownOption()
    .addHelpText("after", "\nExample:\n  portico exec --profile dev -- aws sts get-caller-identity\n")
    .action(async (operands: string[], opts: { profile?: string; region?: string }, cmd: Command) => {
      // Without `--`, the command's own options (--region, --profile, …) would be taken as portico's.
      // (commander keeps the unparsed argv in `rawArgs`, untyped; if it ever goes away the check is skipped.)
      let command = operands;
      const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      const at = raw.indexOf("exec");
      if (at >= 0) {
        const split = splitExecArgs(raw.slice(at + 1));
        if (split.unknown !== undefined)
          throw usageError(`unknown option '${split.unknown}'`, "portico exec --help");
        if (!split.dashed) {
          const { shellWord } = await import("../../sso/session");
          throw usageError(
            "Put -- between portico's options and the command to run",
            ["portico exec", ...split.options, "--", ...split.rest.map(shellWord)].join(" "),
          );
        }
        command = split.rest;
      }
      const { resolveCredentials } = await import("../../credentials/resolve");
      const { runWithCredentials } = await import("../../credentials/exec");
      const resolved = await resolveCredentials(
        { env: ctx.env, now: ctx.now, warn: noticeOnce(ctx.stderr) },
        {
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          ...(opts.region !== undefined ? { region: opts.region } : {}),
        },
      );
      return runWithCredentials(ctx.env, resolved, command, {
        terminalSignalsReachChild: Boolean(process.stdin.isTTY),
      });
    });
}

/**
 * exec's argv (after `exec`): portico's own options, then `--` and the command. `dashed` is false
 * when the command starts without `--`; `unknown` names an option portico does not have.
 */
function splitExecArgs(tokens: string[]): {
  options: string[];
  rest: string[];
  dashed: boolean;
  unknown?: string;
} {
  const options: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "--") return { options, rest: tokens.slice(i + 1), dashed: true };
    if (t === "--profile" || t === "--region") {
      options.push(t, tokens[++i] ?? "");
    } else if (/^--(profile|region)=/.test(t) || t === "--debug" || t === "--non-interactive") {
      options.push(t);
    } else if (t.startsWith("-")) {
      return { options, rest: tokens.slice(i), dashed: false, unknown: t };
    } else {
      return { options, rest: tokens.slice(i), dashed: false };
    }
  }
  return { options, rest: [], dashed: false };
}
