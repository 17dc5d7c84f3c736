/**
 * The one rule for tests that need a tool outside Node (the AWS CLI v2, Chromium, python3 with
 * boto3/botocore, other shells): in CI (`CI=true`, set by .ci/run, which installs them) a missing tool
 * fails the test file loudly at load time; on a developer's machine the tests that need it are skipped
 * with one line on stderr saying what to install.
 *
 *   describe.skipIf(missing("aws"))("…", () => { … });
 */

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import * as path from "node:path";

export type Tool =
  | "aws"
  | "chromium"
  | "python3"
  | "boto3"
  | "zsh"
  | "fish"
  | "bash"
  | "tmux"
  | "faketime"
  | "hyperfine";

interface ToolInfo {
  /** What the skip message and the CI failure name. */
  what: string;
  install: string;
  present(): boolean;
}

const executable = (file: string) => () => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name: string) => () =>
  (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && executable(path.join(dir, name))());

/** python3 -c CODE succeeds (run from / so no repo file shadows a module). */
const pythonImports = (code: string) => () =>
  spawnSync("python3", ["-c", code], { cwd: "/", stdio: "ignore", timeout: 30_000 }).status === 0;

const TOOLS: Record<Tool, ToolInfo> = {
  // The `aws` first on PATH may be v1 (no `sso login`): the tests use AWS CLI v2 at this path.
  aws: {
    what: "AWS CLI v2 at /usr/bin/aws",
    install: "apt-get install -y awscli",
    present: executable("/usr/bin/aws"),
  },
  chromium: {
    what: "Chromium at /usr/bin/chromium",
    install: "apt-get install -y chromium",
    present: executable("/usr/bin/chromium"),
  },
  python3: { what: "python3", install: "apt-get install -y python3", present: onPath("python3") },
  boto3: {
    what: "python3 with boto3 and botocore",
    install: "apt-get install -y python3-boto3 (or pip install boto3)",
    present: pythonImports("import boto3, botocore"),
  },
  zsh: { what: "zsh", install: "apt-get install -y zsh", present: onPath("zsh") },
  fish: { what: "fish", install: "apt-get install -y fish", present: onPath("fish") },
  bash: { what: "bash", install: "apt-get install -y bash", present: onPath("bash") },
  tmux: { what: "tmux", install: "apt-get install -y tmux", present: onPath("tmux") },
  faketime: { what: "faketime", install: "apt-get install -y faketime", present: onPath("faketime") },
  hyperfine: { what: "hyperfine", install: "apt-get install -y hyperfine", present: onPath("hyperfine") },
};

/** Memo per test worker: probing python3 costs ~100 ms; each skip message is printed once. */
const probed = new Map<Tool, boolean>();
const warned = new Set<string>();

/** CI decides "required": the variable every CI sets, and .ci/run exports. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env["CI"] ?? "").toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}

/** The tools of `tools` this machine lacks (probing each once). */
export function absentTools(tools: Tool[]): Tool[] {
  return tools.filter((t) => {
    let ok = probed.get(t);
    if (ok === undefined) {
      ok = TOOLS[t].present();
      probed.set(t, ok);
    }
    return !ok;
  });
}

/** The skip (or failure) message for missing tools: what is missing and how to install it. */
export function missingMessage(tools: Tool[]): string {
  return tools.map((t) => `${TOOLS[t].what} not found (install: ${TOOLS[t].install})`).join("; ");
}

/**
 * true when one of `tools` is missing and the tests that need them should be skipped (with a line on
 * stderr saying what to install). In CI a missing tool throws instead: the test file fails to load.
 */
export function missing(...tools: Tool[]): boolean {
  const absent = absentTools(tools);
  if (absent.length === 0) return false;
  const message = missingMessage(absent);
  if (inCi()) throw new Error(`CI requires ${message}; .ci/run installs it`);
  if (!warned.has(message))
    process.stderr.write(`portico tests: skipping the tests that need it: ${message}\n`);
  warned.add(message);
  return true;
}
