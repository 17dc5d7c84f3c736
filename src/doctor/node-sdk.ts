/**
 * The AWS SDK for JavaScript of the project in the working folder, for `tools.node_sdk` (reported,
 * not required): the nearest package.json from `cwd` up, the AWS SDK packages it declares, and the
 * version installed where Node would find each (node_modules from the project folder up), plus the
 * installed SSO credential/token providers, which decide how sso-session profiles are read.
 * A few small reads, nothing run; every path read is handed to `probed`, so the doctor cache can keep
 * the answer while none of them changes (gather.ts). Synchronous node:fs: it runs on the launcher's
 * start-up path.
 */
import * as path from "node:path";
import { builtin } from "../platform/builtin";

const fs = (): typeof import("node:fs") => builtin<typeof import("node:fs")>("node:fs");

export interface NodeSdkFact {
  packageJson: string;
  /** Declared AWS SDK packages: name, the range asked for, the installed version and where. */
  declared: { name: string; range: string; installed?: string; at?: string }[];
  /** The SSO providers installed for the project (whether declared or pulled in). */
  providers: { name: string; installed: string; at: string }[];
}

const SDK_NAME = /^(@aws-sdk\/[a-z0-9._-]+|aws-sdk)$/;
const PROVIDERS = [
  "@aws-sdk/credential-providers",
  "@aws-sdk/credential-provider-node",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/token-providers",
];
const DEP_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];

function readJson(p: string, probed?: string[]): Record<string, unknown> | undefined {
  probed?.push(p);
  try {
    const st = fs().statSync(p, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > 4 << 20) return undefined;
    const x = JSON.parse(fs().readFileSync(p, "utf8")) as unknown;
    return typeof x === "object" && x !== null && !Array.isArray(x)
      ? (x as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The version of `name` Node would load from `dir` (node_modules in dir and its parents). */
function installed(
  name: string,
  dir: string,
  probed?: string[],
): { installed: string; at: string } | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, "node_modules", name, "package.json");
    const j = readJson(p, probed);
    if (j && typeof j["version"] === "string") return { installed: j["version"], at: path.dirname(p) };
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The project's AWS SDK for JavaScript, or undefined when no package.json up from `cwd` names one;
 * `probed` gets every file it looked at (found or not).
 */
export function nodeSdk(cwd: string, probed?: string[]): NodeSdkFact | undefined {
  let dir = path.resolve(cwd);
  let pkg: Record<string, unknown> | undefined;
  for (;;) {
    pkg = readJson(path.join(dir, "package.json"), probed);
    if (pkg || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  if (!pkg) return undefined;
  const declared: NodeSdkFact["declared"] = [];
  const seen = new Set<string>();
  for (const field of DEP_FIELDS) {
    const deps = pkg[field];
    if (typeof deps !== "object" || deps === null) continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      if (!SDK_NAME.test(name) || seen.has(name)) continue;
      seen.add(name);
      declared.push({ name, range: String(range), ...installed(name, dir, probed) });
    }
  }
  if (declared.length === 0) return undefined;
  const providers: NodeSdkFact["providers"] = [];
  for (const name of PROVIDERS) {
    const i = installed(name, dir, probed);
    if (i) providers.push({ name, ...i });
  }
  return { packageJson: path.join(dir, "package.json"), declared, providers };
}
