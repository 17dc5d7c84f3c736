/**
 * What `portico use` changes in the calling shell, as a pure plan of set/unset operations, rendered
 * per shell by src/shell/quote.ts. The plan also leaves variables for the shell integration
 * (docs/switching.md): PORTICO_PROFILE, PORTICO_MODE, PORTICO_EXPIRES / PORTICO_REFRESH_AT (Unix
 * seconds, for the prompt and the re-export check, compared in the shell without starting a process),
 * PORTICO_PROMPT_NAME (the profile name made safe for that shell's prompt), PORTICO_PREVIOUS (`pc -`)
 * and PORTICO_SET (the AWS variables it set, so `--unset` clears exactly those).
 */
import { credentialEnv } from "../credentials/format";
import type { AwsCredentials } from "../credentials/types";
import { type Shell, setStatement, unsetStatement } from "./quote";

export type EnvOp = { op: "set"; name: string; value: string } | { op: "unset"; name: string };

/** The credential variables that override AWS_PROFILE in every SDK (botocore's EnvProvider order). */
export const KEY_VARS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
] as const;

/** The AWS variables a switch may set; PORTICO_SET is read back only through this list. */
const AWS_VARS = new Set<string>(["AWS_PROFILE", "AWS_REGION", ...KEY_VARS]);

/** Our own bookkeeping variables, all removed by `--unset`. */
export const PORTICO_VARS = [
  "PORTICO_PROFILE",
  "PORTICO_MODE",
  "PORTICO_EXPIRES",
  "PORTICO_REFRESH_AT",
  "PORTICO_PROMPT_NAME",
  "PORTICO_BOOT",
  "PORTICO_SET",
] as const;

/** Re-export this long before the credentials expire (inside the 15-minute window the resolver refreshes in). */
export const REEXPORT_BEFORE_S = 10 * 60;

export interface SwitchInput {
  shell: Shell;
  profile: string;
  mode: "profile" | "export";
  /** The profile's own `region`, if it has one. */
  region?: string;
  keepRegion: boolean;
  /** Shown in the prompt: the SSO access token's expiry (profile mode) or the credentials' (export mode). */
  expiresAt?: Date;
  /** Export mode only. */
  credentials?: AwsCredentials;
  /** The calling shell's environment (what portico inherited). */
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Seconds since boot, for fish, which has no clock of its own (src/shell/init.ts). */
  uptimeS?: number;
}

const epoch = (d: Date): string => String(Math.floor(d.getTime() / 1000));

/** Variables set by an earlier switch in this shell, from PORTICO_SET (only names on our list). */
export function previouslySet(env: NodeJS.ProcessEnv): string[] {
  return (env["PORTICO_SET"] ?? "").split(/\s+/).filter((n) => AWS_VARS.has(n));
}

/** The profile name as a prompt shows it: control characters as "?", and zsh's % escaped. */
export function promptName(shell: Shell, name: string): string {
  const safe = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return shell === "zsh" ? safe.replace(/%/g, "%%") : safe;
}

/** The operations for switching to a profile. */
export function switchPlan(input: SwitchInput): EnvOp[] {
  const ops: EnvOp[] = [];
  const set = (name: string, value: string) => ops.push({ op: "set", name, value });
  const unset = (name: string) => ops.push({ op: "unset", name });
  const setNames: string[] = [];
  const earlier = previouslySet(input.env);
  if (input.mode === "profile") {
    set("AWS_PROFILE", input.profile);
    setNames.push("AWS_PROFILE");
    for (const k of KEY_VARS) unset(k);
  } else {
    const c = input.credentials;
    if (!c) throw new Error("export mode needs credentials");
    unset("AWS_PROFILE");
    // The same variables, in the same format, as `portico exec` gives its child.
    const vars = credentialEnv(c);
    for (const k of KEY_VARS) {
      const v = vars[k];
      if (v === undefined) unset(k);
      else {
        set(k, v);
        setNames.push(k);
      }
    }
  }
  if (!input.keepRegion) {
    if (input.region !== undefined) {
      set("AWS_REGION", input.region);
      setNames.push("AWS_REGION");
    } else if (earlier.includes("AWS_REGION")) unset("AWS_REGION"); // the last profile's, not the user's
  } else if (earlier.includes("AWS_REGION")) setNames.push("AWS_REGION"); // still ours to clear later
  const current = input.env["PORTICO_PROFILE"] ?? input.env["AWS_PROFILE"];
  if (current !== undefined && current !== "" && current !== input.profile) set("PORTICO_PREVIOUS", current);
  set("PORTICO_PROFILE", input.profile);
  set("PORTICO_PROMPT_NAME", promptName(input.shell, input.profile));
  set("PORTICO_MODE", input.mode);
  if (input.expiresAt !== undefined) set("PORTICO_EXPIRES", epoch(input.expiresAt));
  else unset("PORTICO_EXPIRES");
  const credExp = input.mode === "export" ? input.credentials?.expiration : undefined;
  if (credExp !== undefined)
    set("PORTICO_REFRESH_AT", String(Math.floor(credExp.getTime() / 1000) - REEXPORT_BEFORE_S));
  else unset("PORTICO_REFRESH_AT");
  if (input.shell === "fish" && input.uptimeS !== undefined)
    set("PORTICO_BOOT", String(Math.round(input.now.getTime() / 1000 - input.uptimeS)));
  set("PORTICO_SET", setNames.join(" "));
  return ops;
}

/** The operations for `--unset`: everything an earlier switch set, and our bookkeeping. */
export function unsetPlan(env: NodeJS.ProcessEnv): EnvOp[] {
  const ops: EnvOp[] = [];
  const earlier = previouslySet(env);
  const names = new Set(earlier);
  // Export mode's keys are always ours to remove; a profile switch's AWS_PROFILE likewise.
  if (env["PORTICO_MODE"] === "export") for (const k of KEY_VARS) names.add(k);
  if (env["PORTICO_MODE"] === "profile") names.add("AWS_PROFILE");
  for (const n of names) ops.push({ op: "unset", name: n });
  const current = env["PORTICO_PROFILE"];
  if (current !== undefined && current !== "")
    ops.push({ op: "set", name: "PORTICO_PREVIOUS", value: current });
  for (const n of PORTICO_VARS) ops.push({ op: "unset", name: n });
  return ops;
}

/** The plan as statements for `shell`, one per line, ending in a newline. */
export function renderPlan(shell: Shell, ops: EnvOp[]): string {
  const lines = ops.map((o) =>
    o.op === "set" ? setStatement(shell, o.name, o.value) : unsetStatement(shell, o.name),
  );
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
