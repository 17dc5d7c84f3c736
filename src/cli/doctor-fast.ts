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
import { builtin } from "../platform/builtin";
import { doctorCommand, printFindings } from "./commands/doctor";
import type { CliContext, Writable } from "./context";

const fs = (): typeof import("node:fs") => builtin<typeof import("node:fs")>("node:fs");

/**
 * Writes straight to fd 1 or 2 (process.stdout/stderr are never built: each getter loads Node's
 * stream modules, several ms). A reader that goes away (`portico doctor | head`) is not an error (as
 * in src/cli/bin.ts); anything else (a non-blocking pipe that is full: EAGAIN) hands the rest to the
 * stream, which waits and reports as process.stdout would have.
 */
function fdWriter(fd: 1 | 2): Writable {
  // Once the stream has taken over (bytes may be pending in it), every later write goes through it too.
  let stream: NodeJS.WriteStream | undefined;
  return {
    write(chunk: string) {
      const bytes = Buffer.from(chunk, "utf8");
      let done = 0;
      if (!stream)
        try {
          while (done < bytes.length) done += fs().writeSync(fd, bytes, done);
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(process.exitCode ?? 0);
          stream = fd === 1 ? process.stdout : process.stderr;
          stream.on("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
            throw err;
          });
        }
      stream.write(bytes.subarray(done));
      return true;
    },
  };
}

/**
 * Whether fd 2 is a terminal (what process.stderr.isTTY says): only a character device can be one,
 * so a pipe, a file or /dev/null is answered by one fstat, and node:tty (which loads net and
 * streams) is asked only for another character device.
 */
function stderrIsTty(): boolean {
  try {
    const st = fs().fstatSync(2);
    if (!st.isCharacterDevice()) return false;
    // Linux's memory devices (/dev/null, /dev/zero: major 1) are never terminals.
    if (process.platform === "linux" && ((st.rdev >> 8) & 0xfff) === 1) return false;
  } catch {
    return false;
  }
  return builtin<typeof import("node:tty")>("node:tty").isatty(2);
}

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
    // The context of src/cli/context.ts processContext, without building process.stdin/stdout/stderr:
    // doctor without --fix never prompts (non-interactive).
    const ctx: CliContext = {
      env,
      stdout: fdWriter(1),
      stderr: fdWriter(2),
      interactive: false,
      color: env["NO_COLOR"] === undefined && stderrIsTty(),
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
    if (r && !r.findings.some((f) => f.action !== undefined && f.status !== "ok")) {
      process.exitCode = printFindings(ctx, args, r.findings, 0, { findingsJson, renderReport });
      return true;
    }
    // A miss (the files changed: parse, lint and check them, and keep the facts), or a fix to show
    // (its diff needs the file's text): the command itself, here, without the ESM CLI and commander.
    process.exitCode = await doctorCommand(
      ctx,
      { json: args.json, ...(args.profile !== undefined ? { profile: args.profile } : {}) },
      async () => ({
        runDoctor: runLocalDoctor,
        plannedFixes,
        findingsJson,
        renderReport,
        // Never called: no --fix here (doctorFastArgs); keeps the editing code out of this bundle.
        applyFixes: () => Promise.reject(new Error("doctor-fast: --fix runs in the full CLI")),
      }),
      async () => false,
    );
    return true;
  } catch {
    return false;
  }
}
