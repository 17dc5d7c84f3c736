/**
 * The CLI entry point: parses argv with commander, runs one command, maps errors to exit codes.
 * This is the only place that decides how the process exits.
 */
import { Command, CommanderError } from "commander";
import { ExitCode, isPorticoError } from "../errors";
import { terminalSafe } from "../platform/terminal";
import { commandModules } from "./commands/index";
import { type CliContext, processContext } from "./context";

declare const PORTICO_VERSION: string | undefined;
export const version: string = typeof PORTICO_VERSION === "string" ? PORTICO_VERSION : "0.0.0-dev";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("portico")
    .description(
      "Get into AWS accounts through IAM Identity Center: configure, sign in, hand credentials to every tool.",
    )
    .version(version, "-V, --version", "print the version")
    .option("--debug", "print stack traces and debug detail on errors")
    .option("--non-interactive", "never prompt or open a browser; fail with the command to run instead")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  program.hook("preAction", (root) => {
    const opts = root.opts<{ debug?: boolean; nonInteractive?: boolean }>();
    ctx.debug = Boolean(opts.debug);
    if (opts.nonInteractive) {
      ctx.nonInteractive = true;
      ctx.interactive = false;
    }
  });
  for (const register of commandModules) register(program, ctx);
  program.addHelpText(
    "after",
    "\nExamples:\n  portico configure sso            # set up an SSO session and a profile\n  portico login --profile dev      # sign in\n  portico whoami --profile dev     # check who you are\n",
  );
  return program;
}

/** Run the CLI and return the exit code (never calls process.exit itself). */
export async function run(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (e) {
    return reportError(ctx, e);
  }
}

export function reportError(ctx: CliContext, e: unknown): number {
  if (e instanceof CommanderError) {
    // Help and version are "errors" to commander; they already printed.
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return ExitCode.ok;
    return ExitCode.usage;
  }
  if (isPorticoError(e)) {
    // Messages can carry server text (service errors, callback parameters): made terminal-safe.
    ctx.stderr.write(`portico: ${terminalSafe(e.message, { newlines: true })}\n`);
    if (e.hint) ctx.stderr.write(`hint: ${terminalSafe(e.hint, { newlines: true })}\n`);
    if (ctx.debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  ctx.stderr.write(
    `portico: internal error: ${terminalSafe(err?.message ?? String(e), { newlines: true })}\n`,
  );
  if (ctx.debug && err?.stack) ctx.stderr.write(`${err.stack}\n`);
  else ctx.stderr.write("hint: run again with --debug for details, and report it if it persists.\n");
  return ExitCode.internal;
}
