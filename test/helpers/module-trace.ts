/**
 * Which files a child Node process loads: Node arguments registering a module-load hook that appends
 * every URL it loads to a file, and the reader of that list. For tests that prove a lean path loads no
 * ESM CLI, no commander or no AWS SDK client it does not need.
 */
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface ModuleTrace {
  /** Put these before the script in the child's argv. */
  nodeArgs: string[];
  /** Empty the list (before each run). */
  reset(): Promise<void>;
  /** The bundle files (`.mjs`) the last run loaded, with their text. */
  loaded(): Promise<{ file: string; text: string }[]>;
}

export function moduleTrace(traceFile: string): ModuleTrace {
  const hook = `data:text/javascript,${encodeURIComponent(
    `import{appendFileSync}from"node:fs";export async function load(u,c,n){appendFileSync(${JSON.stringify(traceFile)},u+"\\n");return n(u,c);}`,
  )}`;
  return {
    nodeArgs: [
      "--import",
      `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`,
    ],
    reset: () => writeFile(traceFile, ""),
    loaded: async () =>
      (await readFile(traceFile, "utf8"))
        .split("\n")
        .filter((u) => u.startsWith("file:") && u.endsWith(".mjs"))
        .map((u) => fileURLToPath(u))
        .map((file) => ({ file, text: readFileSync(file, "utf8") })),
  };
}
