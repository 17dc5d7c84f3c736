/**
 * Run a child process with role credentials in its environment (`portico exec`).
 * The child inherits stdio; SIGINT/SIGTERM/SIGHUP sent to portico are forwarded (SIGINT/SIGHUP not when a
 * terminal already delivered them to the child, see RunOptions); the child's exit
 * code is returned (128 + signal number when it was killed by a signal, as shells report it).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { ExitCode, PorticoError } from "../errors";
import { withoutPorticoEnv } from "../platform/sdk-warning";
import { credentialEnv } from "./format";
import type { ResolvedCredentials } from "./types";

/**
 * The child's environment: the parent's as the user gave it (not what portico set for itself,
 * src/platform/sdk-warning.ts), minus profile selection, plus the credentials.
 */
export function childEnv(parent: NodeJS.ProcessEnv, resolved: ResolvedCredentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = withoutPorticoEnv(parent);
  // Profile selection would make the SDK JS v3 skip env keys (and would name an SSO profile to botocore).
  delete env["AWS_PROFILE"];
  delete env["AWS_DEFAULT_PROFILE"];
  // Stale values from an outer exec must not survive when the new credentials lack them.
  delete env["AWS_SESSION_TOKEN"];
  delete env["AWS_SECURITY_TOKEN"];
  delete env["AWS_CREDENTIAL_EXPIRATION"];
  return { ...env, ...credentialEnv(resolved.credentials, resolved.region) };
}

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface RunOptions {
  /**
   * True when portico runs in a terminal's foreground process group (stdin is a TTY): the terminal then
   * delivers Ctrl-C (SIGINT) and hang-up (SIGHUP) to the child itself, and forwarding them again would
   * deliver them twice — which tools like Terraform read as "force quit". SIGTERM is always forwarded.
   */
  terminalSignalsReachChild?: boolean;
}

export function runWithCredentials(
  parentEnv: NodeJS.ProcessEnv,
  resolved: ResolvedCredentials,
  command: string[],
  options: RunOptions = {},
): Promise<number> {
  const [file, ...args] = command;
  if (!file) {
    return Promise.reject(
      new PorticoError("usage", "No command to run", {
        exitCode: ExitCode.usage,
        hint: "portico exec --profile dev -- aws sts get-caller-identity",
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: "inherit", env: childEnv(parentEnv, resolved) });
    const forward = (sig: NodeJS.Signals) => {
      if (options.terminalSignalsReachChild && (sig === "SIGINT" || sig === "SIGHUP")) return; // already delivered
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const cleanup = () => {
      for (const sig of FORWARDED) process.off(sig, forward);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new PorticoError(
          e.code === "ENOENT" ? "command_not_found" : "exec_failed",
          e.code === "ENOENT" ? `Command not found: ${file}` : `Could not run ${file}: ${e.message}`,
          {
            // 127: the shell convention for "command not found" (exec passes exit codes through anyway).
            exitCode: e.code === "ENOENT" ? ExitCode.commandNotFound : ExitCode.internal,
            hint: e.code === "ENOENT" ? "Check the command name and your PATH." : undefined,
            cause: e,
          },
        ),
      );
    });
    child.on("exit", (code, signal) => {
      cleanup();
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
}
