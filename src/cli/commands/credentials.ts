/**
 * `portico credentials [--profile P] [--format F] [--write-credentials-file [NAME]]`: the AWS CLI's
 * `aws configure export-credentials` output byte for byte (docs/reference.md §9.3), or a section in the
 * shared credentials file for tools that read only that file.
 */
import { type Command, Option } from "commander";
import { noticeOnce } from "../../platform/notices";
import type { CliContext } from "../context";
import { info } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("credentials")
    .description("print role credentials for a profile (formats of `aws configure export-credentials`)")
    .option("--profile <name>", "the profile (default: AWS_PROFILE or default)")
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["process", "env", "env-no-export", "powershell", "windows-cmd", "fish", "json"])
        .default("process"),
    )
    .option("--refresh", "ignore cached role credentials and fetch new ones (written back to the cache)")
    .option(
      "--write-credentials-file [name]",
      "write the credentials into ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE) as [NAME] (default: the profile name) instead of printing them",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(portico credentials --profile dev --format env)"\n  portico credentials --profile dev --write-credentials-file dev-static\n',
    )
    .action(
      async (opts: {
        profile?: string;
        format: string;
        refresh?: boolean;
        writeCredentialsFile?: string | boolean;
      }) => {
        const { resolveCredentials } = await import("../../credentials/resolve");
        const { formatCredentials, isCredentialFormat } = await import("../../credentials/format");
        const deps = { env: ctx.env, now: ctx.now, warn: noticeOnce(ctx.stderr) };
        const resolved = await resolveCredentials(deps, {
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          forceRefresh: Boolean(opts.refresh),
        });
        if (opts.writeCredentialsFile !== undefined && opts.writeCredentialsFile !== false) {
          const { writeCredentialsSection } = await import("../../credentials/credentials-file");
          const { resolveProfileName } = await import("../../config/paths");
          const section =
            typeof opts.writeCredentialsFile === "string"
              ? opts.writeCredentialsFile
              : resolveProfileName(ctx.env, opts.profile).name;
          const result = await writeCredentialsSection(deps, section, resolved.credentials);
          info(
            ctx,
            `Wrote [${section}] to ${result.file}${resolved.credentials.expiration ? ` (expires ${resolved.credentials.expiration.toISOString()})` : ""}`,
          );
          if (result.tightenedFrom !== undefined)
            info(
              ctx,
              `Its permissions were ${result.tightenedFrom.toString(8).padStart(4, "0")}; now 0600 (it holds secret keys).`,
            );
          return;
        }
        const format = isCredentialFormat(opts.format) ? opts.format : "process";
        ctx.stdout.write(formatCredentials(resolved.credentials, format));
      },
    );
}
