/**
 * The CLI entry point: parses argv with commander, runs one command, maps errors to exit codes.
 * This is the only place that decides how the process exits: a command's action returns its exit code
 * (or nothing, for 0) and throws PorticoErrors; nothing sets process.exitCode.
 */
import { Command, CommanderError } from "commander";
import { type ErrorCode, ExitCode, isPorticoError } from "../errors";
import { commandModules } from "./commands/index";
import { type CliContext, processContext } from "./context";
import { errorLines } from "./output";

declare const PORTICO_VERSION: string | undefined;
export const version: string = typeof PORTICO_VERSION === "string" ? PORTICO_VERSION : "0.0.0-dev";

/** What an action may return: its exit code, or nothing for success. */
export type ActionResult = number | undefined;

declare module "commander" {
  interface Command {
    /** portico's actions may return their exit code (PorticoCommand below passes it to `run`). */
    // biome-ignore lint/suspicious/noExplicitAny: commander's own signature for action arguments
    action(fn: (...args: any[]) => ActionResult | Promise<ActionResult> | void | Promise<void>): this;
  }
}

/**
 * A commander Command whose actions hand their returned exit code to `onExit` (commander itself drops
 * an action's return value). `createCommand` is commander's documented hook for subcommand classes.
 */
class PorticoCommand extends Command {
  constructor(
    name: string | undefined,
    private readonly onExit: (code: number) => void,
  ) {
    super(name);
  }
  override createCommand(name?: string): Command {
    return new PorticoCommand(name, this.onExit);
  }
  // biome-ignore lint/suspicious/noExplicitAny: commander's own signature for action arguments
  override action(fn: (...args: any[]) => ActionResult | Promise<ActionResult> | void | Promise<void>): this {
    const onExit = this.onExit;
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return super.action(async function (this: Command, ...args: any[]) {
      const code = await fn.apply(this, args);
      if (typeof code === "number") onExit(code);
    });
  }
}

/** Per run: the exit code an action returned, and whether the command was asked for --json. */
interface RunState {
  exitCode: number;
  json: boolean;
}

export function buildProgram(ctx: CliContext, state: RunState = { exitCode: 0, json: false }): Command {
  const program = new PorticoCommand("portico", (code) => {
    state.exitCode = code;
  })
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
  program.hook("preAction", (root, actionCommand) => {
    if (actionCommand.opts<{ json?: boolean }>().json === true) state.json = true;
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
  const state: RunState = { exitCode: ExitCode.ok, json: false };
  const program = buildProgram(ctx, state);
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.exitCode;
  } catch (e) {
    // Before an action runs (commander's own parse errors) the flag is only visible in argv.
    const json = state.json || jsonFlagIn(argv);
    return reportError(ctx, e, json);
  }
}

/** `--json` among portico's own arguments (not after `--`, where exec's command begins). */
function jsonFlagIn(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** The machine-readable form of a failure (docs/errors.md "--json"): `{ "error": { code, message, hint, exitCode } }`. */
export function errorJson(
  code: ErrorCode,
  message: string,
  hint: string | undefined,
  exitCode: number,
  details?: Record<string, unknown>,
): string {
  return `${JSON.stringify({ error: { code, message, hint: hint ?? null, exitCode, ...(details ? { details } : {}) } }, null, 2)}\n`;
}

export function reportError(ctx: CliContext, e: unknown, json = false): number {
  if (e instanceof CommanderError) {
    // Help and version are "errors" to commander; they already printed.
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return ExitCode.ok;
    if (json)
      ctx.stdout.write(
        errorJson("usage", e.message.replace(/^error: /, ""), "run with --help for usage", ExitCode.usage),
      );
    return ExitCode.usage;
  }
  if (isPorticoError(e)) {
    // Messages can carry server text (service errors, callback parameters): made terminal-safe.
    errorLines(ctx, e.message, e.hint);
    if (ctx.debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
    if (json) ctx.stdout.write(errorJson(e.code, e.message, e.hint, e.exitCode, e.details));
    return e.exitCode;
  }
  const err = e as Error;
  const message = `internal error: ${err?.message ?? String(e)}`;
  const hint = "run again with --debug for details, and report it if it persists.";
  errorLines(ctx, message, ctx.debug && err?.stack ? undefined : hint);
  if (ctx.debug && err?.stack) ctx.stderr.write(`${err.stack}\n`);
  if (json) ctx.stdout.write(errorJson("internal", message, hint, ExitCode.internal));
  return ExitCode.internal;
}
