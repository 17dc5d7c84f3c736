/**
 * Run the real CLI (src/cli/main.ts `run`) in-process with its own environment and captured streams,
 * as a user would type the command: same parsing, same error reporting, same exit codes.
 */
import { run } from "../../src/cli/main";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  /** Called with each chunk written to stderr, as it is written (to act on a printed URL). */
  onStderr?: (chunk: string) => void,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const before = process.exitCode;
  const code = await run(args, {
    env,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        onStderr?.(s);
      },
    },
    interactive: false,
    color: false,
    debug: false,
    now: () => new Date(),
    nonInteractive: true,
  });
  process.exitCode = before;
  return { code, stdout, stderr };
}
