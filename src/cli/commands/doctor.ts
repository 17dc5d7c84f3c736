/**
 * `portico doctor [--profile P] [--json] [--fix] [--yes] [--verify]`: every check at once (docs/doctor.md).
 * Thin: the checks live in src/doctor/. Exit 0 when no problem, 1 when there is one.
 */
import type { Command } from "commander";
import type { Finding } from "../../doctor/types";
import { ExitCode, errorCodes } from "../../errors";
import type { CliContext } from "../context";
import { errorLines, info, printJson, printLine } from "../output";

export interface Opts {
  profile?: string;
  json?: boolean;
  fix?: boolean;
  yes?: boolean;
  verify?: boolean;
  cache?: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const { confirm: ask } = await import("@inquirer/prompts");
  return ask({ message: question, default: false }, { output: process.stderr });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description(
      "check the AWS CLI, config files, profiles, environment and SSO sessions; show (and --fix) what is wrong",
    )
    .option("--profile <name>", "the profile to check in depth (default: AWS_PROFILE or default)")
    .option(
      "--verify",
      "also use the network: OIDC endpoint, start URL region, clock skew, sts get-caller-identity",
    )
    .option("--fix", "apply the fixes shown (asks first on a terminal)")
    .option("--yes", "with --fix: apply without asking")
    .option("--json", "print the findings as JSON: [{ id, status, message, evidence, fix, … }]")
    .option("--no-cache", "read and check every file again (ignore and do not keep the doctor cache)")
    .addHelpText(
      "after",
      "\nExit status: 0 no problem (warnings allowed), 1 at least one problem.\n\nExamples:\n  portico doctor\n  portico doctor --profile dev --verify\n  portico doctor --fix --yes --json\n",
    )
    .action((opts: Opts) => doctorCommand(ctx, opts, () => import("../../doctor/index"), confirm));
}

/** What the command uses of src/doctor/ (the launcher passes a --verify-less runDoctor). */
export type DoctorModule = Pick<
  typeof import("../../doctor/index"),
  "runDoctor" | "plannedFixes" | "applyFixes" | "findingsJson" | "renderReport"
>;

/**
 * The command: run, show the planned fixes, apply them with --fix (asking through `ask` on a
 * terminal), print the findings; returns the exit code. Shared by the command and the launcher's
 * answer (src/cli/doctor-fast.ts, which never passes --fix), so both print the same bytes.
 */
export async function doctorCommand(
  ctx: CliContext,
  opts: Opts,
  load: () => Promise<DoctorModule>,
  ask: (question: string) => Promise<boolean>,
): Promise<number> {
  const doctor = await load();
  const run = () =>
    doctor.runDoctor({
      env: ctx.env,
      now: ctx.now,
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      verify: Boolean(opts.verify),
      cwd: process.cwd(),
      cache: opts.cache !== false,
    });
  let { facts, findings } = await run();
  const fixes = doctor.plannedFixes(facts, findings);
  let applied: string[] = [];
  let failed: { id: string; error: string }[] = [];
  if (fixes.length > 0 && !opts.json) {
    info(ctx, `${fixes.length} fix(es) portico can make:`);
    for (const f of fixes) info(ctx, `\n[${f.finding.id}] ${f.finding.subject ?? ""}\n${f.preview}`);
    info(ctx);
  }
  if (opts.fix && fixes.length > 0) {
    let go = Boolean(opts.yes);
    if (!go && ctx.interactive) go = await ask(`Apply ${fixes.length} fix(es)?`);
    else if (!go) info(ctx, "not applied: no terminal to confirm on; run with --fix --yes to apply");
    if (go) {
      ({ applied, failed } = await doctor.applyFixes(fixes));
      if (!opts.json) {
        info(ctx, `applied ${applied.length} fix(es)${failed.length ? `, ${failed.length} failed` : ""}`);
        for (const x of failed) info(ctx, `  ${x.id}: ${x.error}`);
      }
      ({ facts, findings } = await run());
    }
  } else if (fixes.length > 0 && !opts.json) info(ctx, "run `portico doctor --fix` to apply them");
  // After --fix the findings are the new run's: their fixes (if any are left) are planned again.
  const shown = applied.length + failed.length > 0 ? doctor.plannedFixes(facts, findings) : fixes;
  return printFindings(ctx, opts, findings, fixes.length, doctor, { applied, failed }, shown);
}

type DoctorApi = Pick<typeof import("../../doctor/index"), "findingsJson" | "renderReport">;

/**
 * The findings on stdout (the report, or --json), the summary on stderr, and the exit code. Shared by
 * the command and the launcher's cached answer (src/cli/doctor-fast.ts), so both print the same bytes.
 */
export function printFindings(
  ctx: CliContext,
  opts: Opts,
  findings: Finding[],
  fixCount: number,
  doctor: DoctorApi,
  result: { applied: string[]; failed: { id: string; error: string }[] } = { applied: [], failed: [] },
  changes: { finding: Finding; preview: string }[] = [],
): number {
  if (opts.json) {
    printJson(ctx, doctor.findingsJson(findings, changes));
    if (opts.fix) info(ctx, JSON.stringify(result));
  } else printLine(ctx, doctor.renderReport(findings, ctx.color));
  const problems = findings.filter((f) => f.status === "problem").length;
  // Problems are findings, not a failure of doctor: the report (or --json, one document) says them,
  // stderr sums them up, and the exit code is lint's (docs/errors.md doctor_problems).
  if (problems === 0) return ExitCode.ok;
  const firstRun = findings.some((f) => f.id === "files.first_run");
  errorLines(
    ctx,
    firstRun ? "no AWS configuration yet: nothing to sign in with" : `${problems} problem(s) found`,
    firstRun
      ? "portico setup   (then portico login, then portico doctor again)"
      : fixCount > 0 && !opts.fix
        ? "portico doctor --fix"
        : "follow the fix: lines above",
  );
  return errorCodes.doctor_problems;
}
