/**
 * `portico doctor [--json] [--profile P]` answered by the installed command (src/cli/start.ts) without the
 * ESM CLI, when the files' content facts are in the doctor cache (docs/doctor.md "Cache"): the same
 * gathering and checks as the full command (src/doctor/), the same printing (commands/doctor.ts
 * `printFindings`), so the same bytes and exit code. On a miss, or with a fix to show, it runs the
 * command itself (commands/doctor.ts `doctorCommand`) without the ESM CLI and commander. Built as its
 * own file (dist/cli/doctor-fast.cjs, scripts/build.mjs), read only for `doctor`. Anything else —
 * other flags (--fix, --verify, --no-cache, --yes), any error — returns false and the full CLI runs.
 */
import {
  findingsJson,
  plannedFixes,
  renderReport,
  runDoctorFromCache,
  runLocalDoctor,
} from "../doctor/index";
import { fdWriter, isTerminal } from "../platform/fd-write";
import { doctorCommand, printFindings } from "./commands/doctor";
import type { CliContext } from "./context";

/** The options of a plain `doctor [--json] [--profile P | --profile=P]`, else undefined. */
export function doctorFastArgs(argv: string[]): { json: boolean; profile?: string } | undefined {
  if (argv[0] !== "doctor") return undefined;
  const out: { json: boolean; profile?: string } = { json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json" && !out.json) out.json = true;
    else if (a === "--profile" && out.profile === undefined && argv[i + 1] && !argv[i + 1]!.startsWith("-"))
      out.profile = argv[++i]!;
    else if (a.startsWith("--profile=") && a.length > 10 && out.profile === undefined)
      out.profile = a.slice(10);
    else return undefined;
  }
  return out;
}

/**
 * Print the answer and set the exit code: true after an edit's run (the config read chunk by chunk
 * against kept analyses), "cached" otherwise — from the doctor cache, or a read that kept nothing or
 * changed nothing — so the code cache keeps this run's compiled code as partial until an edit's run,
 * which runs the most of this bundle (the parser and linter a hit never compiles, the kept records and
 * the patch a first run never reads; src/cli/start.ts); false (nothing printed) when the full CLI must
 * run.
 */
export async function tryDoctorFastPath(argv: string[], env: NodeJS.ProcessEnv): Promise<boolean | "cached"> {
  const args = doctorFastArgs(argv);
  if (!args) return false;
  try {
    // The context of src/cli/context.ts processContext, without building process.stdin/stdout/stderr:
    // doctor without --fix never prompts (non-interactive).
    const ctx: CliContext = {
      env,
      stdout: fdWriter(1),
      stderr: fdWriter(2),
      interactive: false,
      color: env["NO_COLOR"] === undefined && isTerminal(2),
      debug: false,
      now: () => new Date(),
      nonInteractive: true,
    };
    const r = await runDoctorFromCache({
      env,
      now: ctx.now,
      cwd: process.cwd(),
      ...(args.profile !== undefined ? { profile: args.profile } : {}),
    });
    if ("findings" in r && !r.findings.some((f) => f.action !== undefined && f.status !== "ok")) {
      process.exitCode = printFindings(ctx, args, r.findings, 0, { findingsJson, renderReport });
      return "cached";
    }
    // A miss (the files changed: parse, lint and check them, and keep the facts), or a fix to show
    // (its diff needs the file's text): the command itself, here, without the ESM CLI and commander,
    // going on from the miss's cache lookup.
    const lookup = "miss" in r ? r.miss : undefined;
    let edited = false;
    process.exitCode = await doctorCommand(
      ctx,
      { json: args.json, ...(args.profile !== undefined ? { profile: args.profile } : {}) },
      async () => ({
        runDoctor: async (o) => {
          const r = await runLocalDoctor(lookup ? { ...o, lookup } : o);
          edited = r.facts.editedChunks === true;
          return r;
        },
        plannedFixes,
        findingsJson,
        renderReport,
        // Never called: no --fix here (doctorFastArgs); keeps the editing code out of this bundle.
        applyFixes: () => Promise.reject(new Error("doctor-fast: --fix runs in the full CLI")),
      }),
      async () => false,
    );
    return edited || "cached";
  } catch {
    return false;
  }
}
