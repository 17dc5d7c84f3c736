/**
 * `portico doctor [--json] [--profile P]` answered by the launcher (src/cli/launcher.ts) without the
 * ESM CLI, when the files' content facts are in the doctor cache (docs/doctor.md "Cache"): the same
 * gathering and checks as the full command (src/doctor/), the same printing (commands/doctor.ts
 * `printFindings`), so the same bytes and exit code. Built as its own file (dist/cli/doctor-fast.cjs,
 * scripts/build.mjs), read only for `doctor`. Anything else — other flags, a cache miss, a finding
 * with a fix to show, any error — returns false and the full CLI runs.
 */
import { findingsJson, renderReport, runDoctorFromCache } from "../doctor/index";
import { printFindings } from "./commands/doctor";
import { processContext } from "./context";

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

/** Print the cached answer and set the exit code; false (nothing printed) when the full CLI must run. */
export async function tryDoctorFastPath(argv: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const args = doctorFastArgs(argv);
  if (!args) return false;
  try {
    // Doctor without --fix never prompts: non-interactive, so process.stdin is never built.
    const ctx = processContext({ env, nonInteractive: true });
    const r = await runDoctorFromCache({
      env,
      now: ctx.now,
      cwd: process.cwd(),
      ...(args.profile !== undefined ? { profile: args.profile } : {}),
    });
    // A fix to show needs its diff (the lossless document): the full command shows it.
    if (!r || r.findings.some((f) => f.action !== undefined && f.status !== "ok")) return false;
    // A reader that goes away (`portico doctor | head`) is not an error (as in src/cli/bin.ts).
    for (const stream of [process.stdout, process.stderr])
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
        throw e;
      });
    process.exitCode = printFindings(ctx, args, r.findings, 0, { findingsJson, renderReport });
    return true;
  } catch {
    return false;
  }
}
