/**
 * `portico profiles [--json]`: like `aws configure list-profiles` (docs/reference.md §9.2) — config-file
 * profiles in file order, then credentials-file-only ones. `--json` adds what each profile is (kind in
 * botocore's provider order), its sso-session, account, role, region and where it is defined.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { printJson, printLine, warn } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("profiles")
    .description(
      "list the profiles in the AWS config and credentials files (like aws configure list-profiles)",
    )
    .option("--json", "print JSON: kind, sso_session, account, role, region and file:line of each profile")
    .addHelpText("after", "\nExample:\n  portico profiles --json\n")
    .action(async (opts: { json?: boolean }) => {
      const { loadAwsConfig } = await import("../../config/load");
      const { summarizeProfile } = await import("../../config/describe");
      const config = await loadAwsConfig(ctx.env);
      // The names alone need no profile's values (the views are built on first read: load.ts).
      if (opts.json)
        printJson(
          ctx,
          [...config.profiles.values()].map((p) => summarizeProfile(p, config.paths.credentialsFile)),
        );
      else if (config.profiles.size > 0) printLine(ctx, [...config.profiles.keys()].join("\n"));
      if (config.warnings.length > 0) {
        warn(
          ctx,
          `${config.warnings.length} line(s) are read differently by the AWS SDK for JavaScript; see: portico config lint`,
        );
      }
    });
}
