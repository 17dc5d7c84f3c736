/**
 * `portico logout [--profile P | --sso-session S | --all]`: sign out (portal Logout), remove the
 * session's cached token and the role credentials cached from it; keep the client registration.
 */
import type { Command } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, printJson, warn } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("logout")
    .description("sign out: end the SSO session and remove its cached token and role credentials")
    .option("--profile <name>", "sign out of this profile's SSO session (default: AWS_PROFILE or default)")
    .option("--sso-session <name>", "sign out of this [sso-session]")
    .option("--all", "sign out of every cached SSO session (like aws sso logout)")
    .option("--json", "print what was removed as JSON on stdout")
    .addHelpText("after", "\nExample:\n  portico logout --profile dev\n  portico logout --all\n")
    .action(async (flags: { profile?: string; ssoSession?: string; all?: boolean; json?: boolean }) => {
      const chosen = [flags.profile !== undefined, flags.ssoSession !== undefined, Boolean(flags.all)].filter(
        Boolean,
      );
      if (chosen.length > 1) throw usageError("Use only one of --profile, --sso-session, --all");
      const { logoutAll, logoutSession } = await import("../../sso/logout");
      let result: Awaited<ReturnType<typeof logoutAll>>;
      if (flags.all) {
        const { awsPaths } = await import("../../config/paths");
        result = await logoutAll({ env: ctx.env, paths: awsPaths(ctx.env) });
      } else {
        const { loadAwsConfig } = await import("../../config/load");
        const { resolveProfileName } = await import("../../config/paths");
        const { ssoSessionByName, ssoSessionForProfile } = await import("../../sso/session");
        const config = await loadAwsConfig(ctx.env);
        const session =
          flags.ssoSession !== undefined
            ? ssoSessionByName(config, flags.ssoSession)
            : ssoSessionForProfile(config, resolveProfileName(ctx.env, flags.profile));
        result = await logoutSession({ env: ctx.env, paths: config.paths }, config, session);
      }
      if (flags.json) {
        printJson(ctx, {
          tokensRemoved: result.tokensRemoved.length,
          credentialsRemoved: result.credentialsRemoved.length,
          files: [...result.tokensRemoved, ...result.credentialsRemoved],
          serverLogoutFailures: result.logoutFailures,
        });
        return;
      }
      if (result.logoutFailures > 0)
        warn(
          ctx,
          `could not reach IAM Identity Center to end ${result.logoutFailures} session(s) on the server; the local tokens are removed, and the server-side session ends when it expires.`,
        );
      info(
        ctx,
        result.tokensRemoved.length === 0 && result.credentialsRemoved.length === 0
          ? "Nothing to sign out of: no cached SSO token found."
          : `Signed out: removed ${result.tokensRemoved.length} SSO token(s) and ${result.credentialsRemoved.length} cached role credential file(s).`,
      );
    });
}
