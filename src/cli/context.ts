/**
 * The effects a command may use, built once by the CLI entry point and passed down.
 * Library code takes what it needs from here (or narrower pieces) instead of touching
 * process.* directly, so tests can run commands in-process with their own env and streams.
 */
export interface Writable {
  write(chunk: string): unknown;
}

export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** True when stdin is a TTY and --non-interactive was not given: prompts and browsers are allowed. */
  interactive: boolean;
  /** True when stderr is a TTY and NO_COLOR is unset: colours and spinners are allowed. */
  color: boolean;
  debug: boolean;
  now: () => Date;
  /** Set by --non-interactive. */
  nonInteractive: boolean;
}

export function processContext(overrides: Partial<CliContext> = {}): CliContext {
  const env = overrides.env ?? process.env;
  const nonInteractive = overrides.nonInteractive ?? false;
  return {
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    // nonInteractive first: process.stdin is then never touched (building it costs ms at start-up).
    interactive: !nonInteractive && Boolean(process.stdin.isTTY),
    color: Boolean(process.stderr.isTTY) && env["NO_COLOR"] === undefined,
    debug: false,
    now: () => new Date(),
    nonInteractive,
    ...overrides,
  };
}
