/**
 * `portico status [--json] [--verify]`: SSO sessions, cached role credentials and this shell's
 * selection, from files only (src/status/status.ts); `--verify` adds one STS GetCallerIdentity for the
 * shell's current credentials. `status` and `status --json` are usually answered by the launcher from
 * the status index (src/status/fast-path.ts) with the same output; this is the full path.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { info, printJson, table, warn } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("what is signed in and live: SSO sessions, cached role credentials, this shell's profile")
    .option("--json", "print the status as JSON on stdout")
    .option("--verify", "also ask STS who the current credentials belong to (network)")
    .addHelpText(
      "after",
      "\nExamples:\n  portico status\n  portico status --json | jq '.sessions[] | select(.signedIn)'\n",
    )
    .action(async (flags: { json?: boolean; verify?: boolean }) => {
      const { loadAwsConfig } = await import("../../config/load");
      const { awsPaths } = await import("../../config/paths");
      const { collectStatus, configIdentity, NO_SESSIONS_NOTE, renderStatus } = await import(
        "../../status/status"
      );
      // Both files' identity before reading them: the status index is kept only for those versions.
      const identity = configIdentity(awsPaths(ctx.env));
      const config = await loadAwsConfig(ctx.env);
      const status = await collectStatus({ env: ctx.env, now: ctx.now }, config, identity);
      let verified: { account: string; arn: string } | { error: string } | undefined;
      if (flags.verify) {
        const { resolveCredentials } = await import("../../credentials/resolve");
        const { getCallerIdentity } = await import("../../credentials/identity");
        try {
          const r = await resolveCredentials({ env: ctx.env, now: ctx.now });
          const id = await getCallerIdentity(ctx.env, r.credentials, r.region ?? "us-east-1");
          verified = { account: id.account, arn: id.arn };
        } catch (e) {
          verified = { error: e instanceof Error ? e.message : String(e) };
        }
      }
      if (flags.json) {
        printJson(ctx, { ...status, ...(verified ? { verified } : {}) });
      } else {
        ctx.stdout.write(renderStatus(status, table));
        if (verified)
          ctx.stdout.write(
            "error" in verified ? `  verified: no — ${verified.error}\n` : `  verified: ${verified.arn}\n`,
          );
      }
      for (const w of status.warnings) warn(ctx, w);
      if (status.sessions.length === 0 && !flags.json) info(ctx, NO_SESSIONS_NOTE);
    });
}
