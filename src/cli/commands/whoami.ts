/**
 * `portico whoami [--profile P] [--json]`: STS GetCallerIdentity with the profile's role credentials —
 * account, ARN, user, permission set — and the time left on the SSO session and on the credentials.
 */
import type { Command } from "commander";
import type { CredentialSource } from "../../credentials/types";
import { PorticoError } from "../../errors";
import { noticeOnce } from "../../platform/notices";
import type { CliContext } from "../context";
import { printJson, printLine, table } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("whoami")
    .description("show who a profile's credentials belong to, and how long the session and credentials last")
    .option("--profile <name>", "the profile (default: AWS_PROFILE or default)")
    .option("--region <region>", "the region for the STS call (default: the profile's region)")
    .option("--refresh", "ignore cached role credentials and fetch new ones")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExample:\n  portico whoami --profile dev\n")
    .action(async (opts: { profile?: string; region?: string; refresh?: boolean; json?: boolean }) => {
      const { resolveCredentials, loadProfileContext } = await import("../../credentials/resolve");
      const { getCallerIdentity, parseAssumedRoleArn, formatDuration } = await import(
        "../../credentials/identity"
      );
      const deps = { env: ctx.env, now: ctx.now, warn: noticeOnce(ctx.stderr) };
      const resolved = await resolveCredentials(deps, {
        ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
        ...(opts.region !== undefined ? { region: opts.region } : {}),
        forceRefresh: Boolean(opts.refresh),
      });
      let ssoSessionExpiresAt: Date | undefined;
      let ssoRefreshable: boolean | undefined;
      let ssoRegion: string | undefined;
      if (resolved.source.kind === "sso") {
        const { config } = await loadProfileContext(deps, resolved.source.profileName);
        const { ssoProfile } = await import("../../sso/session");
        const sp = ssoProfile(config, resolved.source.profileName);
        ssoRegion = sp.session.region;
        const { readCachedToken } = await import("../../sso/token-provider");
        const tok = await readCachedToken({ env: ctx.env, now: ctx.now, paths: config.paths }, sp.session);
        ssoSessionExpiresAt = tok?.expiresAt;
        ssoRefreshable = tok?.refreshable;
      }
      const region = resolved.region ?? ssoRegion ?? "us-east-1";
      const hintArgs = resolved.source.kind === "env" ? "" : `--profile ${resolved.source.profileName}`;
      const id = await getCallerIdentity(ctx.env, resolved.credentials, region, hintArgs).catch(
        (e: unknown) => {
          throw rejectedHint(e, resolved.source);
        },
      );
      const parsed = parseAssumedRoleArn(id.arn);
      const now = ctx.now().getTime();
      const exp = resolved.credentials.expiration;
      const result = {
        profile: resolved.source.kind === "env" ? null : resolved.source.profileName,
        source: resolved.source.kind,
        account: id.account,
        arn: id.arn,
        userId: id.userId,
        user: parsed?.user ?? null,
        role: parsed?.roleName ?? null,
        permissionSet: parsed?.permissionSet ?? null,
        credentialsExpireAt: exp ? exp.toISOString() : null,
        credentialsSecondsLeft: exp ? Math.max(0, Math.floor((exp.getTime() - now) / 1000)) : null,
        ssoSessionExpiresAt: ssoSessionExpiresAt ? ssoSessionExpiresAt.toISOString() : null,
        ssoSessionSecondsLeft: ssoSessionExpiresAt
          ? Math.max(0, Math.floor((ssoSessionExpiresAt.getTime() - now) / 1000))
          : null,
        ssoSessionRefreshable: ssoRefreshable ?? null,
      };
      if (opts.json) {
        printJson(ctx, result);
        return;
      }
      const rows: string[][] = [
        ["Account", id.account],
        ["ARN", id.arn],
      ];
      if (parsed) rows.push(["User", parsed.user]);
      if (parsed?.permissionSet) rows.push(["Permission set", parsed.permissionSet]);
      if (result.profile) rows.push(["Profile", result.profile]);
      rows.push([
        "Credentials",
        exp
          ? `expire in ${formatDuration(exp.getTime() - now)} (${exp.toISOString()})`
          : "long-term (no expiry)",
      ]);
      if (resolved.source.kind === "sso") {
        rows.push([
          "SSO session",
          ssoSessionExpiresAt
            ? `expires in ${formatDuration(ssoSessionExpiresAt.getTime() - now)} (${ssoSessionExpiresAt.toISOString()})${ssoRefreshable ? ", refreshable" : ""}`
            : "no cached token",
        ]);
      }
      printLine(ctx, table(rows.map(([k, v]) => [`${k}:`, v ?? ""])));
    });
}

/**
 * STS refused the credentials: `--refresh` only helps cached temporary credentials (SSO, assumed
 * roles); for keys in a file, the environment or a credential_process, name where they come from.
 */
function rejectedHint(e: unknown, source: CredentialSource): unknown {
  if (!(e instanceof PorticoError) || e.code !== "credentials_rejected") return e;
  let hint: string;
  if (source.kind === "env")
    hint =
      "Check (or unset) AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in your environment.";
  else if (source.kind === "static")
    hint = `Check the profile's access keys (where they come from: portico config show --profile ${source.profileName}).`;
  else if (source.kind === "process")
    hint = `Check what the profile's credential_process prints (portico config get credential_process --profile ${source.profileName}).`;
  else return e;
  return new PorticoError(e.code, e.message, { exitCode: e.exitCode, hint, cause: e });
}
