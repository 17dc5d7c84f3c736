/**
 * Shared pieces of the hold-fs reliability tests (test/reliability/{lock,fs,contention,crash,readonly,skew}*):
 * the built CLI as a child process (optionally under a wrapper such as `faketime`), with a kill timer
 * so a hang fails the test instead of stalling the run.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PORTICO_CJS = path.join(ROOT, "dist", "cli", "portico.cjs");
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function assertBuilt(): void {
  if (!existsSync(PORTICO_CJS)) throw new Error("dist/cli/portico.cjs is missing: run `npm run build` first");
}

/** Run `cmd args` with a kill timer (SIGKILL after `timeoutMs`); resolves with what happened. */
export function runChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; onSpawn?: (pid: number) => void; input?: string } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"], cwd: "/" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** The built portico (`dist/cli/portico.cjs`), optionally behind a wrapper argv (e.g. faketime). */
export function portico(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { wrapper?: string[]; timeoutMs?: number; onSpawn?: (pid: number) => void } = {},
): Promise<ChildRun> {
  const argv = [...(options.wrapper ?? []), process.execPath, PORTICO_CJS, ...args];
  return runChild(argv[0]!, argv.slice(1), env, options);
}

/** Run `tasks` with at most `limit` at once; results in task order. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= tasks.length) return;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

export const hasCommand = (cmd: string): boolean =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/** A minimal env for the built CLI with HOME set (plus the emulator endpoint if given). */
export function cliEnv(home: string, url?: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: process.env["PATH"],
    NO_COLOR: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...(url ? { AWS_ENDPOINT_URL: url } : {}),
    ...extra,
  };
}

export const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** The AWS CLI's token cache file of the sso-session `acme` under `awsDir` (docs/reference.md §2.1). */
export const acmeTokenPath = (awsDir: string): string =>
  path.join(awsDir, "sso", "cache", `${createHash("sha1").update("acme").digest("hex")}.json`);
