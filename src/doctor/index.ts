/**
 * `portico doctor` as a library function: gather (I/O) → checks (pure) → report; fixes are planned
 * from the findings and applied by `applyFixes`. docs/doctor.md documents every finding id.
 */
import { runChecks } from "./checks";
import { applyAction, describeAction } from "./fix";
import { type CacheLookup, gatherFacts } from "./gather";
import type { Facts, Finding, Group, Status } from "./types";

export type { Facts, Finding, FixAction, Status } from "./types";

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  profile?: string;
  verify?: boolean;
  /** The working folder (tool shims, the project's Node SDK); default process.cwd(). */
  cwd?: string;
  /** false: neither read nor write the doctor cache (--no-cache; docs/doctor.md "Cache"). */
  cache?: boolean;
  /** Wall clock for the cache's 2-second rule (tests). */
  wallClock?: () => number;
  /** runDoctorFromCache's miss in this process (gather.ts GatherOptions `lookup`). */
  lookup?: CacheLookup;
}

/**
 * The findings of a run answered from the cache (no --verify), or, when the files' content facts are
 * not cached, what the cache lookup found (`miss`): the launcher's fast path (src/cli/doctor-fast.ts)
 * then runs the command, which goes on from it (DoctorOptions `lookup`).
 */
export async function runDoctorFromCache(
  o: Omit<DoctorOptions, "verify" | "cache" | "lookup">,
): Promise<{ facts: Facts; findings: Finding[] } | { miss: CacheLookup }> {
  const facts = await gatherFacts({
    env: o.env,
    now: o.now,
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    ...(o.wallClock ? { wallClock: o.wallClock } : {}),
    onlyFromCache: true,
  });
  return "miss" in facts ? facts : { facts, findings: runChecks(facts) };
}

function gather(o: DoctorOptions): Promise<Facts> {
  return gatherFacts({
    env: o.env,
    now: o.now,
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    ...(o.cache !== undefined ? { cache: o.cache } : {}),
    ...(o.wallClock ? { wallClock: o.wallClock } : {}),
    ...(o.lookup ? { lookup: o.lookup } : {}),
    needConfig: Boolean(o.verify),
  });
}

/**
 * `runDoctor` without --verify (refused): what the launcher's bundle (src/cli/doctor-fast.ts) runs, so
 * the network checks and the SDK clients they load stay out of it.
 */
export async function runLocalDoctor(o: DoctorOptions): Promise<{ facts: Facts; findings: Finding[] }> {
  if (o.verify) throw new Error("runLocalDoctor: --verify needs runDoctor");
  const facts = await gather(o);
  return { facts, findings: runChecks(facts) };
}

export async function runDoctor(o: DoctorOptions): Promise<{ facts: Facts; findings: Finding[] }> {
  const facts = await gather(o);
  if (o.verify && facts.config) {
    const { verifyFacts } = await import("./verify");
    const v = await verifyFacts(facts, { env: o.env, now: o.now });
    facts.verify = v.verify;
    if (v.identity) facts.identity = v.identity;
  }
  return { facts, findings: runChecks(facts) };
}

/**
 * The stable JSON shape (docs/doctor.md). `changes`: the preview of each planned fix (plannedFixes),
 * shown as `change` on its finding so a script sees the diff before it asks for --fix.
 */
export function findingsJson(
  findings: Finding[],
  changes: { finding: Finding; preview: string }[] = [],
): Record<string, unknown>[] {
  const change = new Map(changes.map((c) => [c.finding, c.preview]));
  return findings.map((f) => ({
    id: f.id,
    status: f.status,
    message: f.message,
    evidence: f.evidence,
    fix: f.fix ?? null,
    group: f.group,
    subject: f.subject ?? null,
    fixable: f.action !== undefined,
    ...(change.has(f) ? { change: change.get(f) } : {}),
  }));
}

const ICON: Record<Status, string> = { ok: "ok", warning: "warning", problem: "PROBLEM" };
const GROUPS: Group[] = ["tools", "files", "profiles", "environment", "sessions", "verify"];

/** The report for people: grouped, each finding with its evidence and fix. */
export function renderReport(findings: Finding[], color = false): string {
  const paint = (s: Status, t: string) =>
    !color
      ? t
      : s === "problem"
        ? `\x1b[31m${t}\x1b[0m`
        : s === "warning"
          ? `\x1b[33m${t}\x1b[0m`
          : `\x1b[32m${t}\x1b[0m`;
  const lines: string[] = [];
  for (const g of GROUPS) {
    const fs = findings.filter((f) => f.group === g);
    if (fs.length === 0) continue;
    lines.push(`${g}:`);
    for (const f of fs) {
      lines.push(`  ${paint(f.status, ICON[f.status].padEnd(7))} ${f.message}  [${f.id}]`);
      if (f.status !== "ok") for (const e of f.evidence) lines.push(`            ${e}`);
      if (f.fix && f.status !== "ok") lines.push(`            fix: ${f.fix}`);
    }
  }
  const n = (s: Status) => findings.filter((f) => f.status === s).length;
  lines.push("", `${n("problem")} problem(s), ${n("warning")} warning(s), ${n("ok")} ok`);
  return lines.join("\n");
}

/** The fixes doctor can make, each with what it would change (a diff or a mode change). */
export function plannedFixes(facts: Facts, findings: Finding[]): { finding: Finding; preview: string }[] {
  // The files' texts only for a diff (a big config's text is decoded only then: gather.ts).
  const textOf = (file: string): string =>
    (file === facts.paths.configFile
      ? facts.configText
      : file === facts.paths.credentialsFile
        ? facts.credentialsText
        : undefined) ?? "";
  return findings
    .filter((f) => f.action !== undefined && f.status !== "ok")
    .map((f) => ({ finding: f, preview: describeAction(f.action!, textOf) }));
}

export async function applyFixes(
  fixes: { finding: Finding }[],
): Promise<{ applied: string[]; failed: { id: string; error: string }[] }> {
  const applied: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const { finding } of fixes) {
    try {
      await applyAction(finding.action!);
      applied.push(finding.id);
    } catch (e) {
      failed.push({ id: finding.id, error: (e as Error).message });
    }
  }
  return { applied, failed };
}
