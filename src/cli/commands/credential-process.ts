/**
 * `portico credential-process --profile P`: the credential_process JSON (docs/reference.md §1.7) and
 * nothing else on stdout, ever. Errors go to stderr with a non-zero exit. This is the hot path:
 * with valid cached credentials only fs, crypto and the config parser load (bench/credential-process.bench.mjs).
 */
import type { Command } from "commander";
import { noticeOnce } from "../../platform/notices";
import type { CliContext } from "../context";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("credential-process")
    .description("print role credentials as credential_process JSON (for a profile's credential_process key)")
    .option("--profile <name>", "the SSO profile to get credentials for (default: AWS_PROFILE or default)")
    .addHelpText(
      "after",
      "\nExample:\n  # ~/.aws/config\n  [profile dev-process]\n  credential_process = portico credential-process --profile dev\n",
    )
    .action(async (opts: { profile?: string }) => {
      // Cache hit: answered by the lean fast path (no config loader, fs/promises or lock chunks).
      // Skipped when the executable's entry already tried it in this process and missed.
      const { credentialProcessFromCache, fastPathMissed } = await import("../../credentials/fast-path");
      const argv = ["credential-process", ...(opts.profile !== undefined ? ["--profile", opts.profile] : [])];
      const hit = fastPathMissed(ctx.env) ? undefined : credentialProcessFromCache(argv, ctx.env, ctx.now());
      if (hit !== undefined) {
        ctx.stdout.write(hit);
        return;
      }
      const { resolveCredentials } = await import("../../credentials/resolve");
      const { formatCredentialProcess } = await import("../../credentials/format");
      // A profile is always used here (never env keys): the point is to turn a profile into credentials.
      const resolved = await resolveCredentials(
        { env: ctx.env, now: ctx.now, warn: noticeOnce(ctx.stderr) },
        { ...(opts.profile !== undefined ? { profile: opts.profile } : {}), ignoreEnv: true },
      );
      ctx.stdout.write(formatCredentialProcess(resolved.credentials));
    });
}
