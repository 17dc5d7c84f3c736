/**
 * One error model for the whole project (docs/errors.md).
 * Every failure a user can meet is a PorticoError with a stable `code`, an `exitCode`,
 * a one-line `message` and a `hint` naming the next command. Only the CLI entry point exits.
 */

export const ExitCode = {
  ok: 0,
  /** Internal error, or "findings" for lint-like commands. */
  internal: 1,
  usage: 2,
  config: 3,
  signInRequired: 4,
  accessDenied: 5,
  service: 6,
  timeout: 7,
  /** The machine refuses: read-only or full file system, permissions, a file where a folder should be. */
  environment: 8,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface PorticoErrorOptions {
  hint?: string;
  cause?: unknown;
  exitCode?: ExitCodeValue;
  /** Structured details for --json output (never secrets). */
  details?: Record<string, unknown>;
}

const defaultExit: Record<string, ExitCodeValue> = {};

export class PorticoError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: PorticoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PorticoError";
    this.code = code;
    this.exitCode = options.exitCode ?? defaultExit[code] ?? ExitCode.internal;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      exitCode: this.exitCode,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isPorticoError = (e: unknown): e is PorticoError => e instanceof PorticoError;

/** Usage error: bad flags or arguments (exit 2). */
export const usageError = (message: string, hint?: string): PorticoError =>
  new PorticoError("usage", message, { exitCode: ExitCode.usage, hint });

/** Config error: a file or profile that cannot be used as it is (exit 3). */
export const configError = (code: string, message: string, options: PorticoErrorOptions = {}): PorticoError =>
  new PorticoError(code, message, { exitCode: ExitCode.config, ...options });
