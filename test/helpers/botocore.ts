/**
 * The differential-test oracle: a long-lived python3 process running test/helpers/botocore_oracle.py --serve,
 * answering what the real botocore reads from each file (one JSON line per path).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export type BotocorePairs = [string, [string, string | [string, string][]][]][];
export type BotocoreResult =
  | {
      ok: true;
      /** json.dumps(raw_config_parse(path), indent=2, ensure_ascii=False) */
      json: string;
      pairs: BotocorePairs;
      profiles: [string, string][];
      sso_sessions: [string, string][];
      services: [string, string][];
    }
  | { ok: false; error: string; message: string };

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "botocore_oracle.py");

export type BotocoreSections = [string, [string, string | [string, string][]][]][];
export type BotocoreFullConfig =
  | { ok: true; profiles: BotocoreSections; sso_sessions: BotocoreSections; services: BotocoreSections }
  | { ok: false; error: string; message: string };

export interface BotocoreOracle {
  parse(file: string): Promise<BotocoreResult>;
  /** botocore.session.Session().full_config for a config and a credentials file. */
  fullConfig(config: string, credentials: string): Promise<BotocoreFullConfig>;
  /** Which botocore credential provider answers for `profile` (its METHOD), and whether it raised. */
  provider(
    config: string,
    credentials: string,
    profile: string,
  ): Promise<
    { ok: true; method: string | null; error: string | null } | { ok: false; error: string; message: string }
  >;
  close(): Promise<void>;
}

export function startBotocore(): BotocoreOracle {
  const child: ChildProcessWithoutNullStreams = spawn("python3", [script, "--serve"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONUTF8: "1" },
  });
  // biome-ignore lint/suspicious/noExplicitAny: each waiter knows the shape of its own answer
  const waiting: { resolve: (r: any) => void; reject: (e: Error) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const rl = createInterface({ input: child.stdout });
  rl.on("line", (line) => {
    const w = waiting.shift();
    if (w) w.resolve(JSON.parse(line));
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => {
      for (const w of waiting.splice(0)) w.reject(new Error(`botocore helper exited: ${stderr}`));
      resolve();
    });
  });
  return {
    parse(file) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(file)}\n`);
      });
    },
    fullConfig(config, credentials) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ config, credentials })}\n`);
      });
    },
    provider(config, credentials, profile) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ provider: { config, credentials, profile } })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
