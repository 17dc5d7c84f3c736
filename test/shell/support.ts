/**
 * Shell-integration test support: the built installed command (dist/cli/portico.cjs, the launcher with
 * the fast paths), run as a child; a PATH directory with a `portico` that runs it, for real shells.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PORTICO_CJS = path.join(ROOT, "dist", "cli", "portico.cjs");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A child may exit without reading its stdin: that EPIPE is not the test's business.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** The built installed command as a child process. */
export function portico(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Run> {
  if (!existsSync(PORTICO_CJS)) throw new Error("run `npm run build` first");
  return run(process.execPath, [...nodeArgs, PORTICO_CJS, ...args], env);
}

/** A directory holding a `portico` executable that runs the built command (put it first on PATH). */
export async function porticoBin(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "portico");
  await writeFile(
    file,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(PORTICO_CJS)} "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return dir;
}
