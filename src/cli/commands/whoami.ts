/**
 * `portico whoami [--profile P] [--json]`: STS GetCallerIdentity with the profile's role credentials —
 * account, ARN, user, permission set — and, each named for what it is, the access token's expiry, the
 * sign-in session (refreshable, or when it ends) and the role credentials' expiry (src/credentials/lifetimes.ts).
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
    .description(
      "show who a profile's credentials belong to, and when the access token, sign-in session and credentials end",
    )
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
      const { signInSession, lifetimesJson, lifetimeRows } = await import("../../credentials/lifetimes");
      let accessTokenExpiresAt: Date | null = null;
      let session: ReturnType<typeof signInSession> | null = null;
      let ssoRegion: string | undefined;
      if (resolved.source.kind === "sso") {
        const { config } = await loadProfileContext(deps, resolved.source.profileName);
        const { ssoProfile } = await import("../../sso/session");
        const { readToken } = await import("../../sso/cache");
        const { canRefresh } = await import("../../sso/token-provider");
        const sp = ssoProfile(config, resolved.source.profileName);
        ssoRegion = sp.session.region;
        const read = await readToken(config.paths.ssoCacheDir, sp.session);
        if (read.status === "ok") {
          accessTokenExpiresAt = read.token.expiresAt;
          const refreshable = canRefresh(sp.session, read.token, ctx.now());
          session = signInSession(read.token, refreshable, sp.session.kind === "legacy");
        }
      }
      const region = resolved.region ?? ssoRegion ?? "us-east-1";
      const hintArgs = resolved.source.kind === "env" ? "" : `--profile ${resolved.source.profileName}`;
      const id = await getCallerIdentity(ctx.env, resolved.credentials, region, hintArgs).catch(
        (e: unknown) => {
          throw rejectedHint(e, resolved.source);
        },
      );
      const parsed = parseAssumedRoleArn(id.arn);
      const now = ctx.now();
      const lifetimes = {
        sso: resolved.source.kind === "sso",
        accessTokenExpiresAt,
        signInSession: session,
        credentialsExpireAt: resolved.credentials.expiration ?? null,
        credentialsLabel:
          resolved.source.kind === "sso" || resolved.source.kind === "assume-role"
            ? "Role credentials"
            : "Credentials",
      };
      const result = {
        profile: resolved.source.kind === "env" ? null : resolved.source.profileName,
        source: resolved.source.kind,
        account: id.account,
        arn: id.arn,
        userId: id.userId,
        user: parsed?.user ?? null,
        role: parsed?.roleName ?? null,
        permissionSet: parsed?.permissionSet ?? null,
        ...lifetimesJson(lifetimes, now),
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
      rows.push(...lifetimeRows(lifetimes, now, formatDuration, `portico login ${hintArgs}`.trim()));
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
